package io.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local recovery: a restart on the same machine restores the state from the local copy of the
 * last checkpoint's snapshot (kept under {@code <localDir>/snapshots/<time>}) and opens it
 * through hard links, without downloading or copying the table files; a damaged local copy is
 * repaired from the checkpoint; a restart without any local copy (another machine) downloads.
 * Files that are neither downloaded nor copied keep their inode, which is what these tests
 * observe.
 */
class LocalRecoveryTest {
    private static final Duration BATCH = Duration.ofSeconds(1);
    private static final int KEYS = 3000;
    static final Map<Long, Map<String, Integer>> OUT = new ConcurrentHashMap<>();

    private static final class App {
        final StreamingContext ssc;
        final TestReceiver<String> receiver = new TestReceiver<>();

        App(String checkpointDir) {
            SluiceConf conf = new SluiceConf(false).setMaster("local[2]").setAppName("local-recovery")
                    .set("sluice.streaming.clock", "manual")
                    .set("sluice.streaming.checkpoint.interval", "2s")
                    .set("sluice.streaming.writeAheadLog.durability", "process");
            ssc = new StreamingContext(conf, BATCH);
            ssc.checkpoint(checkpointDir);
            ssc.receiverStream(receiver).mapToPair(w -> new Tuple2<>(w, 1))
                    .updateStateByKey((List<Integer> vs, Optional<Integer> s) ->
                            Optional.of(s.orElse(0) + vs.stream().mapToInt(Integer::intValue).sum()))
                    .foreachRDD((rdd, t) -> OUT.put(t.milliseconds(), new HashMap<>(PairRDD.fromRDD(rdd).collectAsMap())));
        }
    }

    private static List<String> words(int from, int to) {
        List<String> words = new ArrayList<>();
        for (int i = from; i < to; i++) {
            words.add("word-" + i);
        }
        return words;
    }

    /** Runs batches 1000 and 2000 (checkpoint 2000 holds every key) and stops. */
    private static void firstRun(String cp) throws Exception {
        App app = new App(cp);
        StreamingContext ssc = StreamingContext.getOrCreate(cp, () -> app.ssc);
        ssc.start();
        app.receiver.awaitStarted();
        app.receiver.storeAt(words(0, KEYS), 1);
        step(ssc, 1000);
        app.receiver.storeAt(words(0, 10), 2);
        step(ssc, 2000);
        ssc.stop();
    }

    /** Restarts, runs batch 3000 with one more word, and returns its output. */
    private static Map<String, Integer> secondRun(String cp, Path local, Map<String, Object> inodesAtStart)
            throws Exception {
        OUT.clear();
        App[] holder = new App[1];
        StreamingContext ssc = StreamingContext.getOrCreate(cp, () -> (holder[0] = new App(cp)).ssc);
        ssc.manualClock().setTime(2000);
        ssc.start();
        inodesAtStart.putAll(tableFiles(local.resolve("snapshots").resolve("2000")));
        Map<String, Object> working = tableFiles(local.resolve("state"));
        for (Map.Entry<String, Object> e : inodesAtStart.entrySet()) {
            assertEquals(e.getValue(), working.get(e.getKey()), "the working state links " + e.getKey()
                    + " of the local copy instead of copying it");
        }
        holder[0].receiver.awaitStarted();
        holder[0].receiver.storeAt(List.of("word-0"), 3);
        step(ssc, 3000);
        ssc.stop();
        return OUT.get(3000L);
    }

    private static void step(StreamingContext ssc, long expected) throws InterruptedException {
        Time t = ssc.manualClock().advance(BATCH);
        assertEquals(expected, t.milliseconds());
        assertTrue(ssc.awaitBatchCompletion(t, Duration.ofSeconds(30)), "batch " + t + " did not complete");
    }

    /** Table file name to file key (device and inode). */
    private static Map<String, Object> tableFiles(Path dir) throws IOException {
        Map<String, Object> files = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".sst")).toList()) {
                files.put(p.getFileName().toString(), Files.readAttributes(p, BasicFileAttributes.class).fileKey());
            }
        }
        return files;
    }

    private static void assertCounts(Map<String, Integer> out) {
        assertEquals(KEYS, out.size());
        assertEquals(3, out.get("word-0"), "1 + 1 + 1");
        assertEquals(2, out.get("word-9"));
        assertEquals(1, out.get("word-" + (KEYS - 1)));
    }

    @Test
    void aRestartOnTheSameMachineReusesTheLocalCopyWithoutDownloading(@TempDir Path dir) throws Exception {
        String cp = dir.resolve("cp").toString();
        Path local = dir.resolve("cp").resolve("local");
        firstRun(cp);
        Map<String, Object> before = tableFiles(local.resolve("snapshots").resolve("2000"));
        assertFalse(before.isEmpty(), "the checkpoint's snapshot stays as the local copy");
        Map<String, Object> atStart = new TreeMap<>();
        assertCounts(secondRun(cp, local, atStart));
        assertEquals(before, atStart, "no table file of the local copy was downloaded again");
    }

    @Test
    void aDamagedLocalCopyIsRepairedFromTheCheckpoint(@TempDir Path dir) throws Exception {
        String cp = dir.resolve("cp").toString();
        Path local = dir.resolve("cp").resolve("local");
        firstRun(cp);
        Path snapshot = local.resolve("snapshots").resolve("2000");
        Map<String, Object> before = tableFiles(snapshot);
        String damaged = before.keySet().iterator().next();
        byte[] bytes = Files.readAllBytes(snapshot.resolve(damaged));
        bytes[bytes.length / 2] ^= 0x5a;
        Files.delete(snapshot.resolve(damaged)); // a new inode, as a rewrite by a bad tool would leave
        Files.write(snapshot.resolve(damaged), bytes);
        Map<String, Object> damagedInodes = tableFiles(snapshot);

        Map<String, Object> atStart = new TreeMap<>();
        assertCounts(secondRun(cp, local, atStart));
        assertNotEquals(damagedInodes.get(damaged), atStart.get(damaged), "the damaged file was downloaded");
        assertEquals(Files.size(snapshot.resolve(damaged)), bytes.length);
    }

    @Test
    void aRestartWithoutALocalCopyDownloadsTheState(@TempDir Path dir) throws Exception {
        String cp = dir.resolve("cp").toString();
        Path local = dir.resolve("cp").resolve("local");
        firstRun(cp);
        io.sluice.internal.recovery.LocalDirs.delete(local.resolve("snapshots"));
        io.sluice.internal.recovery.LocalDirs.delete(local.resolve("state"));
        assertCounts(secondRun(cp, local, new TreeMap<>()));
    }

    /**
     * The state restore runs beside the opening of the logs; when it fails (a damaged checkpoint
     * and no local copy to fall back on), start fails with the restore's cause, no context is
     * left active, and nothing stays open: once the checkpoint is repaired, a new context in the
     * same JVM recovers over the same local directory (a RocksDB store or a log left open by the
     * failed start would refuse it).
     */
    @Test
    void aFailedRestoreFailsStartAndReleasesEverything(@TempDir Path dir) throws Exception {
        String cp = dir.resolve("cp").toString();
        Path local = dir.resolve("cp").resolve("local");
        firstRun(cp);
        io.sluice.internal.recovery.LocalDirs.delete(local.resolve("snapshots"));
        io.sluice.internal.recovery.LocalDirs.delete(local.resolve("state"));
        Path shared = dir.resolve("cp").resolve("state").resolve("shared");
        Path table;
        try (Stream<Path> s = Files.list(shared)) {
            table = s.filter(p -> p.getFileName().toString().endsWith(".sst")).findFirst().orElseThrow();
        }
        byte[] original = Files.readAllBytes(table);
        byte[] damaged = original.clone();
        damaged[damaged.length / 2] ^= 0x5a;
        Files.write(table, damaged);

        StreamingContext failing = StreamingContext.getOrCreate(cp, () -> new App(cp).ssc);
        failing.manualClock().setTime(2000);
        SluiceException e = assertThrows(SluiceException.class, failing::start);
        assertTrue(e.getMessage().contains("Cannot restore the state of checkpoint 2000"), e.getMessage());
        assertTrue(e.getMessage().contains("does not match the state manifest"), e.getMessage());
        assertEquals(StreamingContextState.STOPPED, failing.getState());
        assertTrue(StreamingContext.getActive().isEmpty(), "the failed context is not active");

        Files.write(table, original);
        assertCounts(secondRun(cp, local, new TreeMap<>()));
    }
}
