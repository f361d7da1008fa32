package io.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/** What the file output tests share: a manual-clock context and directory inspection. */
final class FileOutputTestKit {
    static final Duration BATCH = Duration.ofSeconds(1);

    private FileOutputTestKit() {
    }

    static SluiceConf manualConf(String app) {
        return new SluiceConf(false).setMaster("local[2]").setAppName(app)
                .set("sluice.streaming.clock", "manual");
    }

    /** Advances the manual clock one batch at a time and waits for each of {@code n} batches. */
    static void runBatches(StreamingContext ssc, int n) throws InterruptedException {
        for (int i = 0; i < n; i++) {
            Time t = ssc.manualClock().advance(BATCH);
            if (!ssc.awaitBatchCompletion(t, Duration.ofSeconds(20))) {
                throw new AssertionError("batch " + t + " did not complete in 20 s");
            }
        }
    }

    /** The visible entries of {@code dir} (names not starting with a dot), in name order. */
    static List<String> visibleEntries(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }

    /** The part files of {@code dir}, in name order. */
    static List<Path> partFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList();
        }
    }

    static void assertNoTemporaries(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            List<String> temps = s.map(p -> p.getFileName().toString())
                    .filter(n -> n.contains("_temporary") || n.contains(".tmp")).toList();
            assertEquals(List.of(), temps, "temporary files or directories left in " + root);
        }
    }
}
