package io.sluice;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * Child JVM of {@link LargeStateTest} (run with a small heap): builds an updateStateByKey state
 * of {@code keys} keys over several batches, then one more batch touching 1000 of them, and
 * prints {@code RESULT <count> <sum>} of the final state. Keys are generated lazily per
 * partition, so the heap never holds a batch's keys at once beyond a shuffle bucket.
 */
public final class LargeStateChild {
    private LargeStateChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int keys = Integer.parseInt(args[1]);
        int batches = Integer.parseInt(args[2]);
        SluiceConf conf = new SluiceConf(false).setMaster("local[2]").setAppName("large-state")
                .set("sluice.streaming.clock", "manual")
                .set("sluice.streaming.checkpoint.interval", "1000s")
                .set("sluice.default.parallelism", "4");
        AtomicLong count = new AtomicLong();
        AtomicLong sum = new AtomicLong();
        try (StreamingContext ssc = new StreamingContext(conf, Duration.ofSeconds(1))) {
            ssc.checkpoint(dir.toString());
            Queue<RDD<Integer>> q = new ConcurrentLinkedQueue<>();
            int perBatch = keys / batches;
            for (int b = 0; b < batches; b++) {
                List<Integer> starts = new ArrayList<>();
                for (int s = b * perBatch; s < (b + 1) * perBatch; s += 50_000) {
                    starts.add(s);
                }
                final int end = (b + 1) * perBatch;
                q.add(ssc.parallelize(starts, 4).flatMap(s -> IntStream.range(s, Math.min(s + 50_000, end)).iterator()));
            }
            q.add(ssc.parallelize(List.of(0), 1).flatMap(s -> IntStream.range(0, 1000).iterator()));
            ssc.queueStream(q)
                    .mapToPair(k -> new Tuple2<>(k, 1L))
                    .updateStateByKey((List<Long> vs, Optional<Long> s) -> {
                        long v = s.orElse(0L);
                        for (long x : vs) {
                            v += x;
                        }
                        return Optional.of(v);
                    })
                    .foreachRDD(rdd -> {
                        long[] cs = {0, 0};
                        rdd.foreachPartition(it -> {
                            long c = 0;
                            long s = 0;
                            while (it.hasNext()) {
                                c++;
                                s += it.next()._2();
                            }
                            synchronized (cs) {
                                cs[0] += c;
                                cs[1] += s;
                            }
                        });
                        count.set(cs[0]);
                        sum.set(cs[1]);
                        System.out.println("BATCH count=" + cs[0] + " heapUsedMiB="
                                + (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / (1 << 20));
                    });
            ssc.start();
            Time last = null;
            for (int b = 0; b <= batches; b++) {
                last = ssc.manualClock().advance(Duration.ofSeconds(1));
            }
            if (!ssc.awaitBatchCompletion(last, Duration.ofMinutes(10))) {
                throw new AssertionError("batches did not complete");
            }
        }
        System.out.println("RESULT " + count.get() + " " + sum.get() + " maxHeapMiB=" + Runtime.getRuntime().maxMemory() / (1 << 20));
    }
}
