package io.sluice.chaos;

import io.sluice.DStream;
import io.sluice.PairDStream;
import io.sluice.State;
import io.sluice.StateSpec;
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
 * {@code mapWithState} with a timeout, for the chaos tests: a running count per key whose every
 * emission, timeouts included, is written per batch, so that the whole history can be replayed
 * against a model of mapWithState whatever lines each batch got.
 *
 * <pre>
 * MapWithStateChaosApp host port checkpointDir outDir maxLinesPerSecond bucketSize modKeys
 * </pre>
 *
 * <p>It reads lines that start with their source position ({@code "<position> w1 ... w10"}, as
 * {@code PositionTaggingProxy} serves a {@link io.sluice.examples.ReplayableLineServer}) with a
 * {@link ReplayableLineReceiver}. Every line p gives two records, both with value p:
 * <ul>
 *   <li>key {@code b<p / bucketSize>}: a short-lived key, which gets data for bucketSize
 *       consecutive lines and then none, so it times out while the stream goes on;</li>
 *   <li>key {@code m<p % modKeys>}: a long-lived key, which gets data until the source ends (and
 *       times out during any longer pause of the data, such as a restart).</li>
 * </ul>
 * The state of a key is the number of records it got since it last timed out; the function
 * emits {@code <key>:<position>:<count>} for every record and {@code <key>:timeout:<count>} when
 * the key times out (no data for more than {@link #TIMEOUT}). After every batch the emissions of
 * the batch go, sorted, to {@code outDir/batch-<timeMs>.txt} (atomically; a re-run batch
 * rewrites its file), then it prints {@code BATCH <timeMs> records=<n> maxPosition=<p or -1>}.
 * It prints {@code STARTING pid=<pid>} first.
 */
public final class MapWithStateChaosApp {
    /** The batch interval. */
    public static final Duration BATCH = Duration.ofMillis(500);
    /** The idle timeout of a key: three batches. */
    public static final Duration TIMEOUT = Duration.ofMillis(1500);
    /** The marker of a timeout emission, in place of the position. */
    public static final String TIMEOUT_MARK = "timeout";

    private MapWithStateChaosApp() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 7) {
            System.err.println("usage: MapWithStateChaosApp host port checkpointDir outDir maxLinesPerSecond"
                    + " bucketSize modKeys");
            System.exit(2);
        }
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String checkpointDir = args[2];
        Path outDir = Paths.get(args[3]);
        long rate = Long.parseLong(args[4]);
        long bucketSize = Long.parseLong(args[5]);
        long modKeys = Long.parseLong(args[6]);
        Files.createDirectories(outDir);
        ChaosApps.announce("STARTING pid=" + ProcessHandle.current().pid());

        StreamingContext ssc = StreamingContext.getOrCreate(checkpointDir, () -> {
            StreamingContext c = new StreamingContext(ChaosApps.conf("MapWithStateChaosApp"), BATCH);
            c.checkpoint(checkpointDir);
            DStream<String> lines = c.receiverStream(new ReplayableLineReceiver(host, port, 2_000, 50, rate));
            PairDStream<String, Long> records = lines.map(ChaosApps::position)
                    .flatMapToPair(p -> List.of(new Tuple2<>("b" + p / bucketSize, p),
                            new Tuple2<>("m" + p % modKeys, p)).iterator());
            StateSpec<String, Long, Long, String> spec =
                    StateSpec.function(MapWithStateChaosApp::count).timeout(TIMEOUT);
            DStream<String> emitted = records.mapWithState(spec);
            emitted.foreachRDD((rdd, time) -> {
                List<String> out = new ArrayList<>(rdd.collect());
                Collections.sort(out);
                ChaosApps.writeBatchFile(outDir, time.milliseconds(), out);
                long max = -1;
                for (String e : out) {
                    String[] f = e.split(":");
                    if (!f[1].equals(TIMEOUT_MARK)) {
                        max = Math.max(max, Long.parseLong(f[1]));
                    }
                }
                ChaosApps.announce("BATCH " + time.milliseconds() + " records=" + out.size() + " maxPosition=" + max);
            });
            return c;
        });
        ssc.start();
        ssc.awaitTermination();
    }

    /** The mapping function: counts the key's records; on timeout, emits the count. */
    private static String count(String key, Optional<Long> position, State<Long> state) {
        long n = state.getOption().orElse(0L);
        if (state.isTimingOut()) {
            return key + ":" + TIMEOUT_MARK + ":" + n;
        }
        n++;
        state.update(n);
        return key + ":" + position.orElseThrow() + ":" + n;
    }
}
