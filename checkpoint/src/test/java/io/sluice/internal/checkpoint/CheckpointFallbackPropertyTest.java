package io.sluice.internal.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.sluice.internal.checkpoint.CheckpointStore.Checkpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * For any payloads and any damage to the newest file (none, one changed byte, a cut tail), the
 * store returns the newest checkpoint if it is untouched, else the previous one with a warning
 * naming the skipped file, and never a payload other than one written.
 */
final class CheckpointFallbackPropertyTest {

    private static final Configuration CONF = new Configuration();
    private static final int UNTOUCHED = 0;
    private static final int ONE_BYTE_CHANGED = 1;
    private static final int TAIL_CUT = 2;

    @TempDir
    Path dir;

    @Test
    void readLatestValidReturnsTheNewestIfIntactElseThePrevious() {
        int[] example = {0};
        try (CapturedLog log = new CapturedLog(HadoopCheckpointStore.class)) {
            qt().withExamples(150)
                    .forAll(integers().between(0, 2000), integers().between(0, 2000),
                            integers().between(UNTOUCHED, TAIL_CUT), longs().all())
                    .checkAssert((previousSize, newestSize, damage, seed) -> {
                        log.clear();
                        Path root = dir.resolve("example-" + example[0]++);
                        try {
                            checkOneExample(root, previousSize, newestSize, damage, new Random(seed), log);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
        }
    }

    private static void checkOneExample(Path root, int previousSize, int newestSize, int damage, Random random,
            CapturedLog log) throws IOException {
        byte[] previous = new byte[previousSize];
        byte[] newest = new byte[newestSize];
        random.nextBytes(previous);
        random.nextBytes(newest);
        try (HadoopCheckpointStore store = HadoopCheckpointStore.open(root.toString(), CONF, 5)) {
            store.write(1000, previous);
            store.write(2000, newest);
            Path newestFile = root.resolve("checkpoint-2000");
            byte[] file = Files.readAllBytes(newestFile);
            if (damage == ONE_BYTE_CHANGED) {
                file[random.nextInt(file.length)] ^= (byte) (1 + random.nextInt(255));
            } else if (damage == TAIL_CUT) {
                file = Arrays.copyOf(file, random.nextInt(file.length));
            }
            Files.write(newestFile, file);

            Checkpoint latest = store.readLatestValid().orElseThrow();
            if (damage == UNTOUCHED) {
                assertEquals(2000, latest.timeMs());
                assertArrayEquals(newest, latest.metadata());
                assertEquals(List.of(), log.warnings());
            } else {
                assertEquals(1000, latest.timeMs());
                assertArrayEquals(previous, latest.metadata());
                assertTrue(log.warnings().stream().anyMatch(m -> m.startsWith("Skipping invalid checkpoint file [")
                        && m.contains("checkpoint-2000]")), log.warnings().toString());
            }
        }
    }
}
