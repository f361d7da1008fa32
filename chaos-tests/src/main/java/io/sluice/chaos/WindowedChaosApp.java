package io.sluice.chaos;

import io.sluice.DStream;
import io.sluice.PairDStream;
import io.sluice.RDD;
import io.sluice.StreamingContext;
import io.sluice.Tuple2;
import io.sluice.examples.ReplayableLineReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A windowed aggregation with an inverse function, and a running total, for the chaos tests:
 * whatever the batch boundaries turn out to be, its per-batch outputs can be checked against
 * each other and against the source.
 *
 * <pre>
 * WindowedChaosApp host port checkpointDir outDir maxLinesPerSecond bucketSize
 * </pre>
 *
 * <p>It reads lines that start with their source position ({@code "<position> w1 ... w10"}, as
 * {@code PositionTaggingProxy} serves a {@link io.sluice.examples.ReplayableLineServer}) with a
 * {@link ReplayableLineReceiver}, and keys every line by its <em>event bucket</em>,
 * {@code position / bucketSize}, a pure function of the data. Per batch it computes:
 * <ul>
 *   <li>{@code range}: the smallest and largest position of the batch and its line count;</li>
 *   <li>{@code count}: the batch's lines per bucket ({@code reduceByKey});</li>
 *   <li>{@code window}: the lines per bucket over the last {@link #WINDOW} (3 batches), sliding
 *       every batch ({@code reduceByKeyAndWindow} with the inverse function {@code a - b} and a
 *       filter dropping zeros: the state-store implementation);</li>
 *   <li>{@code total}: the lines per bucket since the start ({@code updateStateByKey} over the
 *       per-batch counts).</li>
 * </ul>
 * and writes them, one batch per file, to {@code outDir/batch-<timeMs>.txt} atomically, as lines
 * {@code range <min> <max> <n>} (absent for an empty batch), {@code count <bucket> <n>},
 * {@code window <bucket> <n>}, {@code total <bucket> <n>}; then it prints
 * {@code BATCH <timeMs> lines=<sum of totals>}. It prints {@code STARTING pid=<pid>} first.
 *
 * <p>So, for every batch t of the final history: {@code window(t) = count(t - 2b) + count(t - b)
 * + count(t)} (zeros dropped), {@code total(t) = total(t - b) + count(t)}, {@code count(t)} is
 * the bucket counts of {@code range(t)}, the ranges tile the source in order, and the totals are
 * the bucket counts of a prefix of the source: checks that catch a window state that loses or
 * double-counts a slide across a recovery, whatever lines each batch got.
 */
public final class WindowedChaosApp {
    /** The batch interval. */
    public static final Duration BATCH = Duration.ofMillis(500);
    /** The window: 3 batches, sliding every batch. */
    public static final Duration WINDOW = Duration.ofMillis(1500);

    private WindowedChaosApp() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 6) {
            System.err.println("usage: WindowedChaosApp host port checkpointDir outDir maxLinesPerSecond bucketSize");
            System.exit(2);
        }
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String checkpointDir = args[2];
        Path outDir = Paths.get(args[3]);
        long rate = Long.parseLong(args[4]);
        long bucketSize = Long.parseLong(args[5]);
        Files.createDirectories(outDir);
        ChaosApps.announce("STARTING pid=" + ProcessHandle.current().pid());

        StreamingContext ssc = StreamingContext.getOrCreate(checkpointDir, () -> {
            StreamingContext c = new StreamingContext(ChaosApps.conf("WindowedChaosApp"), BATCH);
            c.checkpoint(checkpointDir);
            DStream<String> lines = c.receiverStream(new ReplayableLineReceiver(host, port, 2_000, 50, rate));
            DStream<Long> positions = lines.map(ChaosApps::position);
            PairDStream<Long, Long> ones = positions.mapToPair(p -> new Tuple2<>(p / bucketSize, 1L));
            PairDStream<Long, Long> counts = ones.reduceByKey(Long::sum);
            PairDStream<Long, Long> window = ones.reduceByKeyAndWindow(Long::sum, (a, b) -> a - b, WINDOW, BATCH,
                    c.defaultParallelism(), kv -> kv._2() != 0L);
            PairDStream<Long, Long> totals = counts.updateStateByKey(WindowedChaosApp::addUp);
            DStream<long[]> range = positions.map(p -> new long[] {p, p, 1})
                    .reduce((a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1]), a[2] + b[2]});

            // One stream of report lines, so that a batch's outputs go to one file, atomically.
            DStream<String> report = c.transform(List.of(range, counts, window, totals), (rdds, t) -> {
                @SuppressWarnings("unchecked")
                RDD<long[]> r = (RDD<long[]>) rdds.get(0);
                return r.map(x -> "range " + x[0] + " " + x[1] + " " + x[2])
                        .union(tagged("count", rdds.get(1)))
                        .union(tagged("window", rdds.get(2)))
                        .union(tagged("total", rdds.get(3)));
            });
            report.foreachRDD((rdd, time) -> {
                List<String> out = new ArrayList<>(rdd.collect());
                Collections.sort(out);
                ChaosApps.writeBatchFile(outDir, time.milliseconds(), out);
                long lineCount = 0;
                for (String l : out) {
                    if (l.startsWith("total ")) {
                        lineCount += Long.parseLong(l.substring(l.lastIndexOf(' ') + 1));
                    }
                }
                ChaosApps.announce("BATCH " + time.milliseconds() + " lines=" + lineCount);
            });
            return c;
        });
        ssc.start();
        ssc.awaitTermination();
    }

    @SuppressWarnings("unchecked")
    private static RDD<String> tagged(String tag, RDD<?> rdd) {
        return ((RDD<Tuple2<Long, Long>>) rdd).map(kv -> tag + " " + kv._1() + " " + kv._2());
    }

    private static Optional<Long> addUp(List<Long> counts, Optional<Long> state) {
        long sum = state.orElse(0L);
        for (long c : counts) {
            sum += c;
        }
        return Optional.of(sum);
    }
}
