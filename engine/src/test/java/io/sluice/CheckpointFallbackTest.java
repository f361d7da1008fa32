package io.sluice;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * A corrupt or truncated newest checkpoint file is skipped and the previous one is used
 * (DESIGN.md I4): the batches after it are re-run from the write-ahead log onto its state.
 */
class CheckpointFallbackTest {
    private static final Duration BATCH = Duration.ofSeconds(1);

    static final Map<Long, Map<String, Integer>> OUT = new ConcurrentHashMap<>();

    private static final class App {
        final StreamingContext ssc;
        final TestReceiver<String> receiver = new TestReceiver<>();

        App(String checkpointDir) {
            SluiceConf conf = new SluiceConf(false).setMaster("local[2]").setAppName("fallback")
                    .set("sluice.streaming.clock", "manual")
                    .set("sluice.streaming.checkpoint.interval", "1s")
                    .set("sluice.streaming.writeAheadLog.durability", "process");
            ssc = new StreamingContext(conf, BATCH);
            ssc.checkpoint(checkpointDir);
            ssc.receiverStream(receiver)
                    .mapToPair(w -> new Tuple2<>(w, 1))
                    .updateStateByKey((List<Integer> vs, Optional<Integer> s) ->
                            Optional.of(s.orElse(0) + vs.stream().mapToInt(Integer::intValue).sum()))
                    .foreachRDD((rdd, t) -> OUT.put(t.milliseconds(), new HashMap<>(PairRDD.fromRDD(rdd).collectAsMap())));
        }
    }

    private static Time step(StreamingContext ssc) throws InterruptedException {
        Time t = ssc.manualClock().advance(BATCH);
        assertTrue(ssc.awaitBatchCompletion(t, Duration.ofSeconds(20)), "batch " + t + " did not complete");
        return t;
    }

    /** checkpoint-<time> files of {@code cp}, by time. */
    private static TreeMap<Long, Path> checkpointFiles(Path cp) throws IOException {
        TreeMap<Long, Path> files = new TreeMap<>();
        try (Stream<Path> s = Files.list(cp)) {
            s.forEach(p -> {
                String n = p.getFileName().toString();
                if (n.matches("checkpoint-\\d+")) {
                    files.put(Long.parseLong(n.substring("checkpoint-".length())), p);
                }
            });
        }
        return files;
    }

    /** Runs batches 1000..4000 with a checkpoint after each; returns the checkpoint directory. */
    private static String runFirst(Path dir) throws Exception {
        OUT.clear();
        String cp = dir.resolve("cp").toString();
        App[] holder = new App[1];
        StreamingContext first = StreamingContext.getOrCreate(cp, () -> (holder[0] = new App(cp)).ssc);
        try {
            first.start();
            holder[0].receiver.awaitStarted();
            holder[0].receiver.storeAt(List.of("a", "b"), 1);
            step(first);                                          // 1000
            holder[0].receiver.storeAt(List.of("a"), 2);
            step(first);                                          // 2000
            holder[0].receiver.storeAt(List.of("c", "a"), 3);
            step(first);                                          // 3000
            holder[0].receiver.storeAt(List.of("b"), 4);
            step(first);                                          // 4000
        } finally {
            first.stop();
        }
        assertEquals(Map.of("a", 3, "b", 1, "c", 1), OUT.get(3000L));
        assertEquals(Map.of("a", 3, "b", 2, "c", 1), OUT.get(4000L));
        assertEquals(4000L, checkpointFiles(Path.of(cp)).lastKey(), "a checkpoint after every batch");
        return cp;
    }

    /** Recovers with the newest checkpoint damaged: batch 4000 is re-run onto checkpoint 3000. */
    private static void recoverAndCheck(String cp) throws Exception {
        OUT.clear();
        App[] holder = new App[1];
        StreamingContext second = assertDoesNotThrow(
                () -> StreamingContext.getOrCreate(cp, () -> (holder[0] = new App(cp)).ssc),
                "a damaged newest checkpoint must be skipped, not fail the recovery");
        try {
            second.manualClock().setTime(4000);
            second.start();
            assertTrue(second.awaitBatchCompletion(new Time(4000), Duration.ofSeconds(20)),
                    "batch 4000 must be re-run from the WAL onto the state of checkpoint 3000");
            assertEquals(Map.of("a", 3, "b", 2, "c", 1), OUT.get(4000L), "re-run of batch 4000 on checkpoint 3000");
            assertEquals(Optional.empty(), Optional.ofNullable(OUT.get(3000L)), "batch 3000 is in the checkpoint, not re-run");
            holder[0].receiver.awaitStarted();
            assertEquals(Optional.of(4L), holder[0].receiver.lastDurablePosition());
            holder[0].receiver.storeAt(List.of("c"), 5);
            step(second);                                          // 5000
            assertEquals(Map.of("a", 3, "b", 2, "c", 2), OUT.get(5000L));
        } finally {
            second.stop();
        }
    }

    @Test
    void corruptNewestCheckpointFallsBackToThePreviousOne(@TempDir Path dir) throws Exception {
        String cp = runFirst(dir);
        Path newest = checkpointFiles(Path.of(cp)).lastEntry().getValue();
        try (RandomAccessFile f = new RandomAccessFile(newest.toFile(), "rw")) {
            long middle = f.length() / 2;
            f.seek(middle);
            int b = f.read();
            f.seek(middle);
            f.write(b ^ 0xFF);
        }
        recoverAndCheck(cp);
    }

    @Test
    void truncatedNewestCheckpointFallsBackToThePreviousOne(@TempDir Path dir) throws Exception {
        String cp = runFirst(dir);
        Path newest = checkpointFiles(Path.of(cp)).lastEntry().getValue();
        try (RandomAccessFile f = new RandomAccessFile(newest.toFile(), "rw")) {
            f.setLength(f.length() / 2);
        }
        recoverAndCheck(cp);
    }

    @Test
    void emptyNewestCheckpointFallsBackToThePreviousOne(@TempDir Path dir) throws Exception {
        String cp = runFirst(dir);
        Path newest = checkpointFiles(Path.of(cp)).lastEntry().getValue();
        Files.write(newest, new byte[0]);
        recoverAndCheck(cp);
    }
}
