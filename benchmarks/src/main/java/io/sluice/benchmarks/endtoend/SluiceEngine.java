package io.sluice.benchmarks.endtoend;

import io.sluice.BatchInfo;
import io.sluice.DStream;
import io.sluice.PairRDD;
import io.sluice.RDD;
import io.sluice.SluiceConf;
import io.sluice.StreamingContext;
import io.sluice.StreamingListener;
import io.sluice.Tuple2;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The workloads on Sluice, {@code local[2]}: receiver WAL with durability {@code fsync} when
 * the spec asks for the WAL, checkpoints at their default interval whenever a checkpoint
 * directory is needed.
 */
public final class SluiceEngine implements EngineUnderTest {
    /** Where the last batch's action result goes, so that nothing is optimised away. */
    static final AtomicLong SINK = new AtomicLong();

    private StreamingContext ssc;
    private RunSpec spec;
    private final Queue<RDD<String>> lines = new ConcurrentLinkedQueue<>();
    private final Map<Integer, List<String>> prebuilt = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return "sluice";
    }

    @Override
    public String version() {
        Package p = StreamingContext.class.getPackage();
        return p.getImplementationVersion() != null ? p.getImplementationVersion() : "0.1.0-SNAPSHOT";
    }

    @Override
    public void start(RunSpec spec, BatchLog log) {
        this.spec = spec;
        SluiceConf conf = new SluiceConf().setMaster("local[2]").setAppName("bench-" + spec.workload().id())
                .set("sluice.streaming.blockInterval", spec.blockIntervalMs() + "ms")
                .set("sluice.streaming.receiver.writeAheadLog.enable", Boolean.toString(spec.wal()))
                .set("sluice.streaming.writeAheadLog.durability", "fsync");
        ssc = new StreamingContext(conf, Duration.ofMillis(spec.batchMs()));
        if (spec.checkpointed()) {
            ssc.checkpoint(spec.dataDir().resolve("checkpoint").toString());
        }
        ssc.addStreamingListener(new StreamingListener() {
            @Override
            public void onBatchCompleted(BatchInfo b) {
                long t = b.batchTime().milliseconds();
                long records = spec.workload() == Workload.QUEUE_WORD_COUNT ? LinesProbe.linesOf(t) : b.numRecords();
                log.completed(t, records, b.submissionTimeMs(),
                        b.processingStartTimeMs(), b.processingEndTimeMs());
            }
        });
        RDD<String> empty = ssc.parallelize(new ArrayList<String>(), 2);
        switch (spec.workload()) {
            case RECEIVER_WORD_COUNT -> wordCount(ssc.receiverStream(new SluiceLineReceiver(spec.blockIntervalMs())));
            case WINDOWED_COUNT -> ssc.receiverStream(new SluiceLineReceiver(spec.blockIntervalMs()))
                    .flatMap(l -> Arrays.asList(l.split(" ")).iterator())
                    .mapToPair(w -> new Tuple2<>(w, 1L))
                    .reduceByKeyAndWindow(Long::sum, (a, b) -> a - b, Duration.ofMillis(spec.windowMs()),
                            Duration.ofMillis(spec.batchMs()), 2, kv -> kv._2() != 0L)
                    .foreachRDD(rdd -> SINK.set(rdd.count()));
            case QUEUE_WORD_COUNT -> ssc.queueStream(lines, true, empty)
                    .flatMap(l -> {
                        LinesProbe.line();
                        return Arrays.asList(l.split(" ")).iterator();
                    })
                    .mapToPair(w -> new Tuple2<>(w, 1))
                    .reduceByKey(Integer::sum)
                    .foreachRDD((rdd, time) -> {
                        SINK.set(rdd.count());
                        LinesProbe.batchDone(time.milliseconds());
                    });
            case SCHEDULING_OVERHEAD -> ssc.queueStream(lines, true, empty)
                    .flatMap(l -> {
                        long t0 = System.nanoTime();
                        List<String> words = Arrays.asList(l.split(" "));
                        OverheadProbe.addWork(System.nanoTime() - t0);
                        return words.iterator();
                    })
                    .mapToPair(w -> new Tuple2<>(w, 1))
                    .reduceByKey(Integer::sum)
                    .foreachRDD((rdd, time) -> {
                        long w0 = OverheadProbe.workNanos();
                        long c0 = OverheadProbe.workCalls();
                        SINK.set(rdd.count());
                        OverheadProbe.batchDone(time.milliseconds(), OverheadProbe.workNanos() - w0,
                                OverheadProbe.workCalls() - c0);
                    });
            case UPDATE_STATE_1M -> {
                List<Tuple2<Long, Long>> initial = new ArrayList<>(UpdateInput.KEYS);
                for (long k = 0; k < UpdateInput.KEYS; k++) {
                    initial.add(new Tuple2<>(k, 0L));
                }
                PairRDD<Long, Long> initialRdd = ssc.parallelizePairs(initial);
                double perSecond = spec.updatesPerBatch() * 1000.0 / spec.batchMs();
                ssc.receiverStream(new SluiceKeyReceiver(spec.blockIntervalMs(), perSecond))
                        .mapToPair(k -> new Tuple2<>(k, 1L))
                        .updateStateByKey((List<Long> vs, Optional<Long> s) -> {
                            long sum = s.orElse(0L);
                            for (Long v : vs) {
                                sum += v;
                            }
                            return Optional.of(sum);
                        }, 2, initialRdd)
                        .foreachRDD(rdd -> SINK.set(rdd.count()));
            }
            default -> throw new IllegalStateException("no Sluice pipeline for " + spec.workload());
        }
        ssc.start();
    }

    private static void wordCount(DStream<String> in) {
        in.flatMap(l -> Arrays.asList(l.split(" ")).iterator())
                .mapToPair(w -> new Tuple2<>(w, 1))
                .reduceByKey(Integer::sum)
                .foreachRDD(rdd -> SINK.set(rdd.count()));
    }

    @Override
    public void enqueue(int n) {
        List<String> l = prebuilt.computeIfAbsent(n, LineSource.shared()::lines);
        lines.add(ssc.parallelize(l, 2));
    }

    @Override
    public int queued() {
        return lines.size();
    }

    @Override
    public void stop() {
        if (ssc != null) {
            ssc.stop(false);
        }
    }
}
