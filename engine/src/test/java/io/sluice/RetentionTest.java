package io.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention follows checkpoints (DESIGN.md I5): over many batches the checkpoint directory and
 * the block tracker's log stay bounded (only the retained checkpoints and what they need are
 * kept), and nothing the oldest retained checkpoint needs is deleted before a newer checkpoint is
 * durable: with the newer checkpoints lost, a recovery from the oldest retained one re-runs the
 * batches after it from the write-ahead log and state snapshot it references and gets the same
 * result.
 */
class RetentionTest {
    private static final long B = 1000;
    private static final Duration BATCH = Duration.ofMillis(B);
    private static final int RETAINED = 3;
    private static final int INTERVAL_K = 2;
    private static final int WINDOW_K = 4;
    private static final int BATCHES = 40;
    static final Map<Long, Map<String, Long>> TOTALS = new ConcurrentHashMap<>();

    @TempDir
    Path dir;

    private static final class App {
        final StreamingContext ssc;
        final TestReceiver<String> receiver = new TestReceiver<>();

        App(String cp) {
            SluiceConf conf = new SluiceConf(false).setMaster("local[2]").setAppName("retention")
                    .set("sluice.streaming.clock", "manual")
                    .set("sluice.streaming.checkpoint.interval", INTERVAL_K + "s")
                    .set("sluice.streaming.checkpoint.retained", Integer.toString(RETAINED))
                    .set("sluice.streaming.writeAheadLog.durability", "process");
            ssc = new StreamingContext(conf, BATCH);
            ssc.checkpoint(cp);
            PairDStream<String, Long> ones = ssc.receiverStream(receiver).mapToPair(w -> new Tuple2<>(w, 1L));
            ones.updateStateByKey((List<Long> vs, Optional<Long> s) ->
                            Optional.of(s.orElse(0L) + vs.stream().mapToLong(Long::longValue).sum()))
                    .foreachRDD((rdd, t) -> TOTALS.put(t.milliseconds(), new HashMap<>(PairRDD.fromRDD(rdd).collectAsMap())));
            ones.reduceByKeyAndWindow(Long::sum, (a, b) -> a - b, Duration.ofMillis(WINDOW_K * B), BATCH)
                    .foreachRDD(rdd -> rdd.count());
        }
    }

    private static TreeSet<Long> checkpointTimes(Path cp) throws IOException {
        TreeSet<Long> times = new TreeSet<>();
        try (Stream<Path> s = Files.list(cp)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.matches("checkpoint-\\d+"))
                    .forEach(n -> times.add(Long.parseLong(n.substring("checkpoint-".length()))));
        }
        return times;
    }

    private static long size(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            return s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static Map<String, Long> expectedTotals(int upTo) {
        Map<String, Long> m = new HashMap<>();
        for (int j = 1; j <= upTo; j++) {
            m.merge("w" + (j % 3), 1L, Long::sum);
        }
        return m;
    }

    @Test
    void retentionStaysBoundedAndNeverDeletesWhatTheOldestRetainedCheckpointNeeds() throws Exception {
        TOTALS.clear();
        Path cpDir = dir.resolve("cp");
        String cp = cpDir.toString();
        App[] app = new App[1];
        StreamingContext ssc = StreamingContext.getOrCreate(cp, () -> (app[0] = new App(cp)).ssc);
        long sizeAtTen = 0;
        long maxTracked = 0;
        try {
            ssc.start();
            app[0].receiver.awaitStarted();
            for (int j = 1; j <= BATCHES; j++) {
                app[0].receiver.storeAt(List.of("w" + (j % 3)), j);
                Time t = ssc.manualClock().advance(BATCH);
                assertTrue(ssc.awaitBatchCompletion(t, Duration.ofSeconds(30)), "batch " + t);
                TreeSet<Long> kept = checkpointTimes(cpDir);
                assertTrue(kept.size() <= RETAINED, "at most " + RETAINED + " checkpoints after " + t + ": " + kept);
                assertEquals(t.milliseconds() / (INTERVAL_K * B) * INTERVAL_K * B, kept.last(), "newest checkpoint");
                // I5: every allocation a recovery from the oldest retained checkpoint re-runs is kept.
                TreeSet<Long> allocated = new TreeSet<>(ssc.runtime().tracker().allocatedTimes());
                for (long x = kept.first() + B; x <= t.milliseconds(); x += B) {
                    assertTrue(allocated.contains(x), "allocation of " + x + " needed by checkpoint " + kept.first()
                            + " was deleted; kept: " + allocated);
                }
                // ... and nothing older than that checkpoint minus what windows remember.
                long floor = kept.first() - (WINDOW_K + 1) * B;
                assertTrue(allocated.isEmpty() || allocated.first() > floor - INTERVAL_K * B,
                        "allocations older than needed are kept after " + t + ": " + allocated);
                maxTracked = Math.max(maxTracked, allocated.size());
                if (j == 10) {
                    sizeAtTen = size(cpDir);
                }
            }
            assertEquals(expectedTotals(BATCHES), TOTALS.get(BATCHES * B));
        } finally {
            ssc.stop();
        }
        long sizeAtEnd = size(cpDir);
        assertTrue(sizeAtEnd <= 2 * sizeAtTen, "the checkpoint directory grows with the batches: " + sizeAtTen
                + " bytes after 10 batches, " + sizeAtEnd + " after " + BATCHES);
        assertTrue(maxTracked <= (RETAINED + 1) * INTERVAL_K + WINDOW_K + 1, "tracked allocations: " + maxTracked);

        // The newer checkpoints are lost: the oldest retained one must still be complete.
        TreeSet<Long> kept = checkpointTimes(cpDir);
        assertEquals(RETAINED, kept.size());
        long oldest = kept.first();
        for (long t : kept.tailSet(oldest, false)) {
            Files.delete(cpDir.resolve("checkpoint-" + t));
        }
        TOTALS.clear();
        StreamingContext again = StreamingContext.getOrCreate(cp, () -> (app[0] = new App(cp)).ssc);
        try {
            again.manualClock().setTime(BATCHES * B);
            again.start();
            assertTrue(again.awaitBatchCompletion(new Time(BATCHES * B), Duration.ofSeconds(30)));
        } finally {
            again.stop();
        }
        assertEquals(new TreeSet<>(List.of(oldest + B, oldest + 2 * B, oldest + 3 * B, oldest + 4 * B)),
                new TreeSet<>(TOTALS.keySet()), "batches re-run from the oldest retained checkpoint " + oldest);
        assertEquals(expectedTotals(BATCHES), TOTALS.get(BATCHES * B),
                "the re-run from the oldest retained checkpoint found its state, blocks and allocations");
    }
}
