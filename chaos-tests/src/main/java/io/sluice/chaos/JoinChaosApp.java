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
import java.util.List;
import java.util.Optional;

/**
 * A join of two streams, killed by {@code JoinChaosTest}: two {@link ReplayableLineReceiver}s
 * read two sources (positions repeated at the start of each line), each keyed by bucket
 * {@code position / bucketSize} and counted with {@code updateStateByKey}; the two states are
 * joined by bucket. Every batch's result is committed with {@code saveAsTextFiles} (so through
 * {@code BatchDirectoryCommitter}, the {@code output.beforeCommit} fault point) to
 * {@code outDir/join-<timeMs>.txt/}, as lines {@code j <bucket> <countA> <countB>} for the
 * buckets both streams have, plus the two states, {@code a <bucket> <count>} and
 * {@code b <bucket> <count>}; then it prints {@code BATCH <timeMs> a=<nA> b=<nB>}, the sums of
 * the two states.
 *
 * <pre>
 * JoinChaosApp hostA portA hostB portB checkpointDir outDir maxLinesPerSecond bucketSize
 * </pre>
 *
 * <p>So after every batch, with totals nA and nB: each state must hold exactly the bucket counts
 * of source lines {@code [0, nA)} and {@code [0, nB)}, and the join exactly the buckets where
 * both are non-zero.
 */
public final class JoinChaosApp {
    /** The batch interval. */
    public static final Duration BATCH = Duration.ofMillis(500);
    /** The prefix of the committed batch directories. */
    public static final String PREFIX = "join";
    /** Their suffix. */
    public static final String SUFFIX = "txt";

    private JoinChaosApp() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 8) {
            System.err.println("usage: JoinChaosApp hostA portA hostB portB checkpointDir outDir maxLinesPerSecond"
                    + " bucketSize");
            System.exit(2);
        }
        String checkpointDir = args[4];
        Path outDir = Paths.get(args[5]);
        long rate = Long.parseLong(args[6]);
        long bucketSize = Long.parseLong(args[7]);
        Files.createDirectories(outDir);
        ChaosApps.announce("STARTING pid=" + ProcessHandle.current().pid());
        StreamingContext ssc = StreamingContext.getOrCreate(checkpointDir, () -> {
            StreamingContext c = new StreamingContext(ChaosApps.conf("JoinChaosApp"), BATCH);
            c.checkpoint(checkpointDir);
            PairDStream<Long, Long> a = counts(c.receiverStream(
                    new ReplayableLineReceiver(args[0], Integer.parseInt(args[1]), 2_000, 50, rate)), bucketSize);
            PairDStream<Long, Long> b = counts(c.receiverStream(
                    new ReplayableLineReceiver(args[2], Integer.parseInt(args[3]), 2_000, 50, rate)), bucketSize);
            PairDStream<Long, Tuple2<Long, Long>> joined = a.join(b);
            DStream<String> report = c.transform(List.of(joined, a, b), (rdds, t) -> {
                @SuppressWarnings("unchecked")
                RDD<Tuple2<Long, Tuple2<Long, Long>>> j = (RDD<Tuple2<Long, Tuple2<Long, Long>>>) rdds.get(0);
                return j.map(kv -> "j " + kv._1() + " " + kv._2()._1() + " " + kv._2()._2())
                        .union(tagged("a", rdds.get(1)))
                        .union(tagged("b", rdds.get(2)));
            });
            report.saveAsTextFiles(outDir.resolve(PREFIX).toString(), SUFFIX);
            report.foreachRDD((rdd, time) -> {
                long na = 0;
                long nb = 0;
                for (String l : rdd.collect()) {
                    long n = Long.parseLong(l.substring(l.lastIndexOf(' ') + 1));
                    if (l.startsWith("a ")) {
                        na += n;
                    } else if (l.startsWith("b ")) {
                        nb += n;
                    }
                }
                ChaosApps.announce("BATCH " + time.milliseconds() + " a=" + na + " b=" + nb);
            });
            return c;
        });
        ssc.start();
        ssc.awaitTermination();
    }

    private static PairDStream<Long, Long> counts(DStream<String> lines, long bucketSize) {
        return lines.map(ChaosApps::position).mapToPair(p -> new Tuple2<>(p / bucketSize, 1L))
                .reduceByKey(Long::sum).updateStateByKey(JoinChaosApp::addUp);
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
