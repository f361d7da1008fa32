package io.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.internal.dstream.TextFileOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** saveAsTextFiles: one directory per batch, committed by batch time (DESIGN.md I6). */
class TextFileOutputTest {
    private static final Duration BATCH = Duration.ofSeconds(1);

    static SluiceConf manualConf() {
        return new SluiceConf(false).setMaster("local[2]").setAppName("text-output")
                .set("sluice.streaming.clock", "manual");
    }

    /** The part files of {@code dir}, in name order. */
    private static List<Path> partFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList();
        }
    }

    /** The lines of every part file of {@code dir}, part after part. */
    private static List<String> lines(Path dir) throws IOException {
        List<String> all = new ArrayList<>();
        for (Path p : partFiles(dir)) {
            all.addAll(Files.readAllLines(p, StandardCharsets.UTF_8));
        }
        return all;
    }

    private static List<String> entries(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static void assertNoTemporaries(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            List<String> temps = s.map(p -> p.getFileName().toString())
                    .filter(n -> n.contains("_temporary") || n.contains(".tmp")).toList();
            assertEquals(List.of(), temps, "temporary files or directories left in " + dir);
        }
    }

    private static void runTwoBatches(Path root, String suffix) throws Exception {
        try (StreamingContext ssc = new StreamingContext(manualConf(), BATCH)) {
            Queue<RDD<String>> q = new ConcurrentLinkedQueue<>();
            ssc.queueStream(q).mapToPair(w -> new Tuple2<>(w, w.length()))
                    .saveAsTextFiles(root.resolve("out").resolve("words").toString(), suffix);
            q.add(ssc.parallelize(List.of("a", "bb", "ccc"), 2));
            q.add(ssc.parallelize(List.of("dddd"), 3));
            ssc.start();
            for (int i = 0; i < 2; i++) {
                Time t = ssc.manualClock().advance(BATCH);
                assertTrue(ssc.awaitBatchCompletion(t, Duration.ofSeconds(10)));
            }
        }
    }

    @Test
    void oneDirectoryPerBatchWithSuffix(@TempDir Path root) throws Exception {
        runTwoBatches(root, "txt");
        Path out = root.resolve("out");
        assertEquals(List.of("words-1000.txt", "words-2000.txt"), entries(out).stream()
                .filter(n -> !n.startsWith(".")).toList());
        assertEquals(List.of("(a,1)", "(bb,2)", "(ccc,3)"), lines(out.resolve("words-1000.txt")));
        assertEquals(List.of("(dddd,4)"), lines(out.resolve("words-2000.txt")));
        assertEquals(2, partFiles(out.resolve("words-1000.txt")).size(), "one part file per partition");
        assertEquals(3, partFiles(out.resolve("words-2000.txt")).size(), "one part file per partition, empty ones too");
        assertTrue(Files.exists(out.resolve("words-1000.txt").resolve("_SUCCESS")));
        assertNoTemporaries(root);
    }

    @Test
    void emptySuffixGivesPrefixDashTime(@TempDir Path root) throws Exception {
        runTwoBatches(root, "");
        Path out = root.resolve("out");
        assertEquals(List.of("words-1000", "words-2000"), entries(out).stream().filter(n -> !n.startsWith(".")).toList());
        assertEquals(List.of("(a,1)", "(bb,2)", "(ccc,3)"), lines(out.resolve("words-1000")));
        assertNoTemporaries(root);
    }

    @Test
    void nullSuffixGivesPrefixDashTime() {
        TextFileOutput out = new TextFileOutput("/x/words", null, new Configuration());
        assertEquals("/x/words-1000", out.directoryFor(new Time(1000)));
        assertEquals("/x/words-2000.csv", new TextFileOutput("/x/words", "csv", new Configuration())
                .directoryFor(new Time(2000)));
    }

    @Test
    void rewritingABatchReplacesItsDirectory(@TempDir Path root) throws Exception {
        try (StreamingContext ssc = new StreamingContext(manualConf(), BATCH)) {
            String prefix = root.resolve("re").toString();
            TextFileOutput out = new TextFileOutput(prefix, "out", new Configuration());
            Path dir = root.resolve("re-1000.out");
            out.write(ssc.parallelize(List.of("1", "2", "3", "4"), 3), new Time(1000));
            assertEquals(List.of("1", "2", "3", "4"), lines(dir));
            assertEquals(3, partFiles(dir).size());

            // The re-run of batch 1000 after a recovery: different partitioning, other records.
            out.write(ssc.parallelize(List.of("5", "6"), 1), new Time(1000));
            assertEquals(List.of("5", "6"), lines(dir), "the directory is replaced, not merged or nested");
            assertEquals(1, partFiles(dir).size(), "no part file of the first run survives");
            try (Stream<Path> s = Files.list(dir)) {
                assertFalse(s.anyMatch(Files::isDirectory), "the rename must not nest the new directory in the old");
            }
            assertNoTemporaries(root);
        }
    }

    @Test
    void emptyBatchStillCommitsADirectory(@TempDir Path root) throws Exception {
        try (StreamingContext ssc = new StreamingContext(manualConf(), BATCH)) {
            TextFileOutput out = new TextFileOutput(root.resolve("e").toString(), "", new Configuration());
            out.write(ssc.parallelize(List.<String>of(), 2), new Time(3000));
            Path dir = root.resolve("e-3000");
            assertTrue(Files.isDirectory(dir));
            assertEquals(List.of(), lines(dir));
            assertTrue(Files.exists(dir.resolve("_SUCCESS")));
        }
    }
}
