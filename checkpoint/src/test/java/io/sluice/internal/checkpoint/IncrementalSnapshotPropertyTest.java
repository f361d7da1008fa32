package io.sluice.internal.checkpoint;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.sluice.internal.storage.state.RocksDBStateStore;
import io.sluice.internal.storage.state.StateStoreOptions;
import io.sluice.internal.storage.state.StateTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * For any sequence of state writes (puts and deletes, into two tables, with write buffers small
 * enough that RocksDB flushes and compacts along the way), checkpoints taken as the engine takes
 * them (snapshot, incremental upload, metadata), and any retention, restoring any retained
 * checkpoint, into an empty directory or over the local copy of another checkpoint, gives
 * exactly the state as it was at that checkpoint.
 */
final class IncrementalSnapshotPropertyTest {

    private static final Configuration CONF = new Configuration();
    private static final List<String> TABLES = List.of("op-a", "op-b");

    @TempDir
    Path dir;

    @Test
    void restoringAnyRetainedCheckpointGivesTheStateAtThatCheckpoint() {
        int[] example = {0};
        qt().withExamples(6).withShrinkCycles(20)
                .forAll(integers().between(2, 7), integers().between(1, 4), integers().between(50, 1500), longs().all())
                .checkAssert((checkpoints, retained, writesPerCheckpoint, seed) -> {
                    Path root = dir.resolve("example-" + example[0]++);
                    try {
                        checkOneExample(root, checkpoints, retained, writesPerCheckpoint, new Random(seed));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }

    private static void checkOneExample(Path root, int checkpoints, int retained, int writesPerCheckpoint,
                                        Random random) throws IOException {
        Map<String, TreeMap<String, String>> model = new TreeMap<>();
        TABLES.forEach(t -> model.put(t, new TreeMap<>()));
        Map<Long, Map<String, TreeMap<String, String>>> expected = new TreeMap<>();
        // 64 KiB write buffers: a few thousand writes make several table files and compactions.
        StateStoreOptions options = new StateStoreOptions(1 << 20, 64 << 10);
        int keySpace = 1 + random.nextInt(5000);
        try (HadoopCheckpointStore store = HadoopCheckpointStore.open(root.resolve("checkpoints").toString(), CONF, retained);
             RocksDBStateStore state = RocksDBStateStore.open(root.resolve("working"), options)) {
            for (int c = 1; c <= checkpoints; c++) {
                for (int w = 0; w < writesPerCheckpoint; w++) {
                    String table = TABLES.get(random.nextInt(TABLES.size()));
                    String key = "k" + random.nextInt(keySpace);
                    if (random.nextInt(10) == 0) {
                        state.table(table).delete(key.getBytes(UTF_8));
                        model.get(table).remove(key);
                    } else {
                        String value = "v" + random.nextLong() + "x".repeat(random.nextInt(100));
                        state.table(table).put(key.getBytes(UTF_8), value.getBytes(UTF_8));
                        model.get(table).put(key, value);
                    }
                }
                long t = c * 1000L;
                Path snapshot = root.resolve("snapshots").resolve(Long.toString(t));
                state.snapshot(snapshot);
                store.uploadState(t, snapshot);
                store.write(t, ("meta " + t).getBytes(UTF_8));
                Map<String, TreeMap<String, String>> copy = new TreeMap<>();
                model.forEach((k, v) -> copy.put(k, new TreeMap<>(v)));
                expected.put(t, copy);
            }
            List<Long> kept = store.listTimes();
            assertEquals(Math.min(retained, checkpoints), kept.size(), "retention keeps the newest " + retained);
            // Every retained checkpoint, downloaded afresh.
            for (long t : kept) {
                Path restored = root.resolve("restored-" + t);
                store.downloadState(t, restored);
                assertEquals(expected.get(t), readAll(restored, root.resolve("work-" + t), options), "checkpoint " + t);
            }
            // And restored over another checkpoint's local copy (local recovery after a fall back).
            List<Long> order = new ArrayList<>(kept);
            java.util.Collections.shuffle(order, random);
            Path localCopy = root.resolve("local-copy");
            for (long t : order) {
                StateTransfer transfer = store.restoreState(t, localCopy);
                assertTrue(transfer.filesTransferred() + transfer.filesReused()
                        == store.readStateManifest(t).files().size(), transfer.toString());
                assertEquals(expected.get(t), readAll(localCopy, root.resolve("work-local-" + t), options),
                        "checkpoint " + t + " over a local copy");
            }
        }
    }

    private static Map<String, TreeMap<String, String>> readAll(Path snapshot, Path working, StateStoreOptions options) {
        Map<String, TreeMap<String, String>> result = new TreeMap<>();
        try (RocksDBStateStore restored = RocksDBStateStore.restore(snapshot, working, options)) {
            for (String table : TABLES) {
                TreeMap<String, String> entries = new TreeMap<>();
                try (StateTable.StateIterator it = restored.table(table).scan(new byte[0])) {
                    while (it.hasNext()) {
                        it.next();
                        entries.put(new String(it.key(), UTF_8), new String(it.value(), UTF_8));
                    }
                }
                result.put(table, entries);
            }
        }
        return result;
    }
}
