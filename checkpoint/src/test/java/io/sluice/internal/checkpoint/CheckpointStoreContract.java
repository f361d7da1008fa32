package io.sluice.internal.checkpoint;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.internal.checkpoint.CheckpointStore.Checkpoint;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link HadoopCheckpointStore} must do, whatever the filesystem: each subclass gives
 * a fresh root per test. Files are damaged through the raw Hadoop API, as a crash or a bad disk
 * would leave them.
 */
abstract class CheckpointStoreContract {

    @TempDir
    java.nio.file.Path local;

    String root;
    FileSystem raw;
    /** The store's warnings, captured rather than printed. */
    CapturedLog log;
    private FileSystem owned;

    /** The URI of a fresh directory, not created yet. */
    abstract String newRoot() throws IOException;

    abstract Configuration conf();

    @BeforeEach
    void setUpRoot() throws IOException {
        root = newRoot();
        owned = FileSystem.newInstance(URI.create(root), conf());
        raw = owned instanceof LocalFileSystem lfs ? lfs.getRawFileSystem() : owned;
        log = new CapturedLog(HadoopCheckpointStore.class);
    }

    @AfterEach
    void closeFileSystem() throws IOException {
        log.close();
        owned.close();
    }

    HadoopCheckpointStore open(int retained) {
        return HadoopCheckpointStore.open(root, conf(), retained);
    }

    static byte[] payload(String text) {
        return text.getBytes(UTF_8);
    }

    Path path(String relative) {
        return new Path(root + "/" + relative);
    }

    byte[] readRaw(String relative) throws IOException {
        try (FSDataInputStream in = raw.open(path(relative))) {
            return in.readAllBytes();
        }
    }

    void writeRaw(String relative, byte[] bytes) throws IOException {
        try (FSDataOutputStream out = raw.create(path(relative), true)) {
            out.write(bytes);
        }
    }

    /** Names directly under {@code relative} ("" for the root). */
    TreeSet<String> names(String relative) throws IOException {
        Path dir = relative.isEmpty() ? new Path(root) : path(relative);
        if (!raw.exists(dir)) {
            return new TreeSet<>();
        }
        return Arrays.stream(raw.listStatus(dir)).map(s -> s.getPath().getName())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void writeThenReadLatestValidReturnsTheNewest() throws IOException {
        try (HadoopCheckpointStore store = open(5)) {
            store.write(1000, payload("one"));
            store.write(3000, payload("three"));
            store.write(2000, payload("two"));

            Checkpoint latest = store.readLatestValid().orElseThrow();
            assertEquals(3000, latest.timeMs());
            assertArrayEquals(payload("three"), latest.metadata());
            assertEquals(List.of(1000L, 2000L, 3000L), store.listTimes());
            assertEquals(root, store.root());
        }
    }

    @Test
    void anEmptyDirectoryHasNoCheckpoint() throws IOException {
        try (HadoopCheckpointStore store = open(2)) {
            assertEquals(Optional.empty(), store.readLatestValid());
            assertEquals(List.of(), store.listTimes());
            assertTrue(raw.getFileStatus(new Path(root)).isDirectory(), "open creates the root");
        }
    }

    @Test
    void retentionKeepsExactlyTheNewestCheckpointsAndTheirState() throws IOException {
        java.nio.file.Path snapshot = Files.createDirectories(local.resolve("snapshot"));
        Files.write(snapshot.resolve("000001.sst"), payload("sst"));
        try (HadoopCheckpointStore store = open(2)) {
            for (long t = 1000; t <= 5000; t += 1000) {
                store.uploadState(t, snapshot);
                store.write(t, payload("m" + t));
            }
            assertEquals(List.of(4000L, 5000L), store.listTimes());
            assertEquals(new TreeSet<>(List.of("checkpoint-4000", "checkpoint-5000", "state")), names(""));
            assertEquals(new TreeSet<>(List.of("4000", "5000", "shared")), names("state"));
            assertEquals(1, names("state/shared").size(), "one copy of the file both checkpoints share");
            assertArrayEquals(payload("m5000"), store.readLatestValid().orElseThrow().metadata());
        }
    }

    @Test
    void retentionDeletesOrphanStateButKeepsStateOfTheComingCheckpoint() throws IOException {
        java.nio.file.Path snapshot = Files.createDirectories(local.resolve("snapshot"));
        Files.write(snapshot.resolve("a"), payload("a"));
        try (HadoopCheckpointStore store = open(1)) {
            store.uploadState(1000, snapshot); // its write never happens: orphan
            store.uploadState(3000, snapshot); // the coming checkpoint, not written yet
            store.write(2000, payload("two"));
            assertEquals(new TreeSet<>(List.of("3000", "shared")), names("state"));
        }
    }

    @Test
    void aCorruptNewestCheckpointFallsBackToThePreviousOne() throws IOException {
        try (HadoopCheckpointStore store = open(3)) {
            store.write(1000, payload("previous"));
            store.write(2000, payload("newest"));
            byte[] file = readRaw("checkpoint-2000");
            file[CheckpointFile.HEADER_BYTES + 2] ^= 0x40; // a byte of the payload
            writeRaw("checkpoint-2000", file);

            Checkpoint latest = store.readLatestValid().orElseThrow();
            assertEquals(1000, latest.timeMs());
            assertArrayEquals(payload("previous"), latest.metadata());
            assertEquals(List.of(1000L, 2000L), store.listTimes(), "listTimes lists invalid files too");
            assertTrue(log.warnings().stream().anyMatch(m -> m.contains("checkpoint-2000]: bad checksum")),
                    log.warnings().toString());
        }
    }

    @Test
    void aTruncatedNewestCheckpointFallsBackToThePreviousOne() throws IOException {
        try (HadoopCheckpointStore store = open(3)) {
            store.write(1000, payload("previous"));
            store.write(2000, payload("newest, cut short by a crash"));
            byte[] file = readRaw("checkpoint-2000");
            writeRaw("checkpoint-2000", Arrays.copyOf(file, file.length - 7));

            assertEquals(1000, store.readLatestValid().orElseThrow().timeMs());
            assertTrue(log.warnings().stream().anyMatch(m -> m.contains("checkpoint-2000]: truncated")),
                    log.warnings().toString());
        }
    }

    @Test
    void aLeftoverTemporaryFileIsIgnoredThenCleanedByRetention() throws IOException {
        try (HadoopCheckpointStore store = open(3)) {
            store.write(1000, payload("one"));
            String leftover = ".checkpoint-1500.tmp-" + UUID.randomUUID();
            // Complete and valid content: only the final name makes a checkpoint.
            writeRaw(leftover, CheckpointFile.encode(1500, payload("never renamed")));

            assertEquals(1000, store.readLatestValid().orElseThrow().timeMs());
            assertEquals(List.of(1000L), store.listTimes());

            store.write(2000, payload("two"));
            assertFalse(names("").contains(leftover), "retention deletes temporary files older than the newest");
        }
    }

    @Test
    void rewritingATimeReplacesItsCheckpoint() throws IOException {
        try (HadoopCheckpointStore store = open(2)) {
            store.write(1000, payload("first run"));
            store.write(1000, payload("re-run"));
            assertArrayEquals(payload("re-run"), store.readLatestValid().orElseThrow().metadata());
            assertEquals(new TreeSet<>(List.of("checkpoint-1000")), names(""), "no temporary file left");
        }
    }

    @Test
    void stateRoundTripsAsATreeOfFiles() throws IOException {
        java.nio.file.Path snapshot = Files.createDirectories(local.resolve("snapshot"));
        Map<String, byte[]> files = new TreeMap<>();
        byte[] big = new byte[1 << 20];
        new Random(42).nextBytes(big);
        files.put("000007.sst", big);
        files.put("CURRENT", payload("MANIFEST-000005\n"));
        files.put("empty.log", new byte[0]);
        files.put("cf/nested/OPTIONS-000009", payload("[Version]\n"));
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            java.nio.file.Path file = snapshot.resolve(e.getKey());
            Files.createDirectories(file.getParent());
            Files.write(file, e.getValue());
        }
        Files.createDirectories(snapshot.resolve("empty-dir"));

        java.nio.file.Path restored = local.resolve("restored");
        try (HadoopCheckpointStore store = open(2)) {
            store.uploadState(1000, snapshot);
            store.write(1000, payload("meta"));
            store.downloadState(1000, restored);
        }

        assertEquals(files.keySet(), regularFiles(restored).keySet());
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            assertArrayEquals(e.getValue(), Files.readAllBytes(restored.resolve(e.getKey())), e.getKey());
        }
        assertTrue(Files.isDirectory(restored.resolve("empty-dir")), "empty directories come back too");
    }

    @Test
    void repeatingAnUploadOverwritesTheFiles() throws IOException {
        java.nio.file.Path snapshot = Files.createDirectories(local.resolve("snapshot"));
        Files.write(snapshot.resolve("CURRENT"), payload("first"));
        java.nio.file.Path restored = local.resolve("restored");
        try (HadoopCheckpointStore store = open(2)) {
            store.uploadState(1000, snapshot);
            Files.write(snapshot.resolve("CURRENT"), payload("second, longer"));
            store.uploadState(1000, snapshot);
            store.downloadState(1000, restored);
            assertEquals(new TreeSet<>(List.of("files", "manifest")), names("state/1000"), "no temporary file left");
            assertEquals(new TreeSet<>(List.of("CURRENT")), names("state/1000/files"), "no temporary file left");
        }
        assertArrayEquals(payload("second, longer"), Files.readAllBytes(restored.resolve("CURRENT")));
    }

    @Test
    void repeatingAnUploadDropsFilesOfTheEarlierOne() throws IOException {
        java.nio.file.Path first = Files.createDirectories(local.resolve("first"));
        Files.write(first.resolve("CURRENT"), payload("a"));
        Files.write(first.resolve("000009.sst"), payload("stale"));
        java.nio.file.Path second = Files.createDirectories(local.resolve("second"));
        Files.write(second.resolve("CURRENT"), payload("b"));
        try (HadoopCheckpointStore store = open(2)) {
            store.uploadState(1000, first);
            store.uploadState(1000, second);
            assertEquals(new TreeSet<>(List.of("CURRENT")), names("state/1000/files"),
                    "a file of the earlier upload that the new snapshot lacks must not survive");
            java.nio.file.Path restored = local.resolve("restored");
            store.downloadState(1000, restored);
            assertEquals(new TreeSet<>(List.of("CURRENT")), new TreeSet<>(regularFiles(restored).keySet()));
        }
    }

    // ---------------------------------------------------------------------------------------
    // Incremental state snapshots

    /** Writes {@code name} with {@code size} bytes drawn from {@code seed} into {@code dir}. */
    static void writeFile(java.nio.file.Path dir, String name, int size, long seed) throws IOException {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), bytes);
    }

    static void deleteFile(java.nio.file.Path dir, String name) throws IOException {
        Files.delete(dir.resolve(name));
    }

    /** A snapshot directory as RocksDB writes one: table files plus the mutable files. */
    java.nio.file.Path snapshotOf(String dirName, long mutableSeed, Map<String, Long> tables) throws IOException {
        java.nio.file.Path dir = local.resolve(dirName);
        for (Map.Entry<String, Long> t : tables.entrySet()) {
            writeFile(dir, t.getKey(), 4096 + (int) (t.getValue() % 1000), t.getValue());
        }
        writeFile(dir, "CURRENT", 16, mutableSeed);
        writeFile(dir, "MANIFEST-000005", 300, mutableSeed + 1);
        writeFile(dir, "OPTIONS-000007", 200, mutableSeed + 2);
        return dir;
    }

    void assertSameFiles(java.nio.file.Path expected, java.nio.file.Path actual) throws IOException {
        Map<String, byte[]> want = regularFiles(expected);
        want.keySet().removeIf(n -> n.startsWith("."));
        Map<String, byte[]> got = regularFiles(actual);
        got.keySet().removeIf(n -> n.startsWith("."));
        assertEquals(want.keySet(), got.keySet());
        for (String name : want.keySet()) {
            assertArrayEquals(want.get(name), got.get(name), name);
        }
    }

    @Test
    void anIncrementalUploadSendsOnlyTheNewTableFiles() throws IOException {
        try (HadoopCheckpointStore store = open(3)) {
            java.nio.file.Path first = snapshotOf("s1", 1, Map.of("000010.sst", 10L, "000011.sst", 11L, "000012.sst", 12L));
            StateTransfer up1 = store.uploadState(1000, first);
            store.write(1000, payload("one"));
            assertEquals(6, up1.filesTransferred(), "everything travels the first time");
            assertEquals(0, up1.filesReused());

            // Compaction replaced 000010 and 000011 by 000013; 000012 is unchanged.
            java.nio.file.Path second = snapshotOf("s2", 2, Map.of("000012.sst", 12L, "000013.sst", 13L));
            StateTransfer up2 = store.uploadState(2000, second);
            store.write(2000, payload("two"));
            long newBytes = Files.size(second.resolve("000013.sst")) + Files.size(second.resolve("CURRENT"))
                    + Files.size(second.resolve("MANIFEST-000005")) + Files.size(second.resolve("OPTIONS-000007"));
            assertEquals(4, up2.filesTransferred(), "the new table file and the three mutable files");
            assertEquals(newBytes, up2.bytesTransferred());
            assertEquals(1, up2.filesReused());
            assertEquals(Files.size(second.resolve("000012.sst")), up2.bytesReused());

            // Nothing changed since the last checkpoint: only the mutable files travel.
            StateTransfer up3 = store.uploadState(3000, second);
            store.write(3000, payload("three"));
            assertEquals(3, up3.filesTransferred());
            assertEquals(2, up3.filesReused());
            assertEquals(4, names("state/shared").size(), "000010, 000011, 000012, 000013 once each");

            for (long t : List.of(1000L, 2000L, 3000L)) {
                java.nio.file.Path restored = local.resolve("restored-" + t);
                store.downloadState(t, restored);
                assertSameFiles(t == 1000 ? first : second, restored);
            }
        }
    }

    @Test
    void aReusedFileNameWithOtherContentIsNeverConfused() throws IOException {
        try (HadoopCheckpointStore store = open(3)) {
            java.nio.file.Path first = snapshotOf("s1", 1, Map.of("000010.sst", 10L));
            store.uploadState(1000, first);
            store.write(1000, payload("one"));
            // A run restored from an older checkpoint numbered a new file 000010 again: same name,
            // same size, other bytes.
            java.nio.file.Path second = local.resolve("s2");
            writeFile(second, "000010.sst", (int) Files.size(first.resolve("000010.sst")), 99);
            writeFile(second, "CURRENT", 16, 5);
            StateTransfer up = store.uploadState(2000, second);
            store.write(2000, payload("two"));
            assertEquals(2, up.filesTransferred(), "the new 000010.sst travels");
            assertEquals(0, up.filesReused());
            store.downloadState(1000, local.resolve("r1"));
            store.downloadState(2000, local.resolve("r2"));
            assertSameFiles(first, local.resolve("r1"));
            assertSameFiles(second, local.resolve("r2"));
        }
    }

    @Test
    void retentionDeletesOnlySharedFilesNoKeptCheckpointNeeds() throws IOException {
        try (HadoopCheckpointStore store = open(2)) {
            store.uploadState(1000, snapshotOf("s1", 1, Map.of("000001.sst", 1L, "000002.sst", 2L)));
            store.write(1000, payload("one"));
            store.uploadState(2000, snapshotOf("s2", 2, Map.of("000002.sst", 2L, "000003.sst", 3L)));
            store.write(2000, payload("two"));
            assertEquals(3, names("state/shared").size(), "both checkpoints kept, nothing collected");
            java.nio.file.Path third = snapshotOf("s3", 3, Map.of("000003.sst", 3L, "000004.sst", 4L));
            store.uploadState(3000, third);
            store.write(3000, payload("three"));

            TreeSet<String> shared = names("state/shared");
            assertEquals(3, shared.size(), shared.toString());
            assertTrue(shared.stream().noneMatch(n -> n.startsWith("000001-")), "only 1000 needed 000001: " + shared);
            assertTrue(shared.stream().anyMatch(n -> n.startsWith("000002-")), "2000 is kept and needs 000002");
            assertEquals(new TreeSet<>(List.of("2000", "3000", "shared")), names("state"));
            store.downloadState(2000, local.resolve("r2"));
            assertSameFiles(local.resolve("s2"), local.resolve("r2"));
            store.downloadState(3000, local.resolve("r3"));
            assertSameFiles(third, local.resolve("r3"));
        }
    }

    @Test
    void fallingBackToAnOlderCheckpointFindsAllItsFiles() throws IOException {
        try (HadoopCheckpointStore store = open(3)) {
            for (int i = 1; i <= 4; i++) {
                // Each checkpoint drops the oldest table file and adds one.
                store.uploadState(i * 1000L, snapshotOf("s" + i, i,
                        Map.of(String.format("%06d.sst", i), (long) i, String.format("%06d.sst", i + 1), i + 1L)));
                store.write(i * 1000L, payload("m" + i));
            }
            byte[] file = readRaw("checkpoint-4000");
            file[CheckpointFile.HEADER_BYTES] ^= 0x01;
            writeRaw("checkpoint-4000", file);

            Checkpoint latest = store.readLatestValid().orElseThrow();
            assertEquals(3000, latest.timeMs());
            java.nio.file.Path restored = local.resolve("restored");
            store.downloadState(3000, restored);
            assertSameFiles(local.resolve("s3"), restored);
            store.downloadState(2000, local.resolve("restored-2"));
            assertSameFiles(local.resolve("s2"), local.resolve("restored-2"));
        }
    }

    @Test
    void aCrashBetweenUploadAndMetadataLeavesThePreviousCheckpointValid() throws IOException {
        java.nio.file.Path first = snapshotOf("s1", 1, Map.of("000001.sst", 1L, "000002.sst", 2L));
        try (HadoopCheckpointStore store = open(1)) {
            store.uploadState(1000, first);
            store.write(1000, payload("one"));
            // The process dies after uploading the state of 2000, before its metadata.
            store.uploadState(2000, snapshotOf("s2", 2, Map.of("000003.sst", 3L)));
        }
        // ... and another died in the middle of an upload: a temporary shared file and a state
        // directory without its manifest.
        writeRaw("state/shared/.000009-10-00000000.sst.tmp-" + UUID.randomUUID(), new byte[10]);
        writeRaw("state/2500/files/CURRENT", payload("partial"));
        try (HadoopCheckpointStore store = open(1)) {
            Checkpoint latest = store.readLatestValid().orElseThrow();
            assertEquals(1000, latest.timeMs());
            java.nio.file.Path restored = local.resolve("restored");
            store.downloadState(1000, restored);
            assertSameFiles(first, restored);

            // The recovered run takes its next checkpoint; retention collects the debris only.
            java.nio.file.Path next = snapshotOf("s3", 3, Map.of("000002.sst", 2L, "000004.sst", 4L));
            store.uploadState(3000, next);
            store.write(3000, payload("three"));
            assertEquals(new TreeSet<>(List.of("3000", "shared")), names("state"));
            TreeSet<String> shared = names("state/shared");
            assertEquals(2, shared.size(), "000002 and 000004 only: " + shared);
            store.downloadState(3000, local.resolve("restored-3"));
            assertSameFiles(next, local.resolve("restored-3"));
        }
    }

    @Test
    void aDamagedManifestOfAKeptCheckpointStopsSharedFileCollection() throws IOException {
        try (HadoopCheckpointStore store = open(2)) {
            store.uploadState(1000, snapshotOf("s1", 1, Map.of("000001.sst", 1L)));
            store.write(1000, payload("one"));
            store.uploadState(2000, snapshotOf("s2", 2, Map.of("000002.sst", 2L)));
            store.write(2000, payload("two"));
            byte[] manifest = readRaw("state/2000/manifest");
            writeRaw("state/2000/manifest", Arrays.copyOf(manifest, manifest.length - 3));
            store.uploadState(3000, snapshotOf("s3", 3, Map.of("000003.sst", 3L)));
            store.write(3000, payload("three"));
            // 1000 is dropped, but 2000's manifest cannot say what 2000 needs: nothing is collected.
            assertEquals(3, names("state/shared").size());
            assertTrue(log.warnings().stream().anyMatch(m -> m.contains("no shared state file is deleted")),
                    log.warnings().toString());
            IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                    () -> store.downloadState(2000, local.resolve("r2")));
            assertTrue(e.getMessage().contains("truncated state manifest"), e.getMessage());
        }
    }

    @Test
    void localRecoveryDownloadsNothingWhenTheLocalCopyMatches() throws IOException {
        java.nio.file.Path snapshot = snapshotOf("snap", 1, Map.of("000001.sst", 1L, "000002.sst", 2L));
        java.nio.file.Path expected = local.resolve("expected");
        copyTree(snapshot, expected);
        try (HadoopCheckpointStore store = open(2)) {
            store.uploadState(1000, snapshot);
            store.write(1000, payload("one"));
        }
        // A restart: a new store (nothing remembered in memory), the local copy as it was left.
        try (HadoopCheckpointStore store = open(2)) {
            StateTransfer restored = store.restoreState(1000, snapshot);
            assertEquals(0, restored.filesTransferred(), "the local copy matches: nothing to download");
            assertEquals(5, restored.filesReused());
            assertSameFiles(expected, snapshot);
        }
    }

    @Test
    void localRecoveryRepairsACorruptedMissingOrExtraLocalFile() throws IOException {
        java.nio.file.Path snapshot = snapshotOf("snap", 1, Map.of("000001.sst", 1L, "000002.sst", 2L));
        java.nio.file.Path expected = local.resolve("expected");
        copyTree(snapshot, expected);
        try (HadoopCheckpointStore store = open(2)) {
            store.uploadState(1000, snapshot);
            store.write(1000, payload("one"));
        }
        // Same size, other bytes (a bad disk); a lost file; a file of some newer snapshot.
        byte[] damaged = Files.readAllBytes(snapshot.resolve("000001.sst"));
        damaged[100] ^= 0x10;
        Files.write(snapshot.resolve("000001.sst"), damaged);
        deleteFile(snapshot, "MANIFEST-000005");
        writeFile(snapshot, "000077.sst", 50, 77);
        try (HadoopCheckpointStore store = open(2)) {
            StateTransfer restored = store.restoreState(1000, snapshot);
            assertEquals(2, restored.filesTransferred(), "the damaged and the missing file");
            assertEquals(Files.size(expected.resolve("000001.sst")) + Files.size(expected.resolve("MANIFEST-000005")),
                    restored.bytesTransferred());
            assertEquals(3, restored.filesReused());
            assertSameFiles(expected, snapshot);
            // Without its index, the local copy is verified by reading it: still no download.
            Files.delete(snapshot.resolve(LocalChecksums.INDEX_NAME));
        }
        try (HadoopCheckpointStore store = open(2)) {
            assertEquals(0, store.restoreState(1000, snapshot).filesTransferred());
            // Another machine: nothing local at all.
            StateTransfer elsewhere = store.restoreState(1000, local.resolve("other-machine"));
            assertEquals(5, elsewhere.filesTransferred());
            assertSameFiles(expected, local.resolve("other-machine"));
        }
    }

    @Test
    void aRemoteFileThatDoesNotMatchItsManifestIsRefused() throws IOException {
        java.nio.file.Path snapshot = snapshotOf("snap", 1, Map.of("000001.sst", 1L));
        try (HadoopCheckpointStore store = open(2)) {
            store.uploadState(1000, snapshot);
            store.write(1000, payload("one"));
            String shared = names("state/shared").first();
            byte[] bytes = readRaw("state/shared/" + shared);
            bytes[7] ^= 0x01;
            writeRaw("state/shared/" + shared, bytes);
            IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                    () -> store.downloadState(1000, local.resolve("restored")));
            assertTrue(e.getMessage().contains("does not match the state manifest"), e.getMessage());
            assertFalse(Files.exists(local.resolve("restored").resolve("000001.sst")), "no unverified file in place");
        }
    }

    static void copyTree(java.nio.file.Path from, java.nio.file.Path to) throws IOException {
        for (Map.Entry<String, byte[]> e : regularFiles(from).entrySet()) {
            java.nio.file.Path target = to.resolve(e.getKey());
            Files.createDirectories(target.getParent());
            Files.write(target, e.getValue());
        }
    }

    static Map<String, byte[]> regularFiles(java.nio.file.Path dir) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<java.nio.file.Path> paths = Files.walk(dir)) {
            // The store's local checksum index is not part of a snapshot.
            for (java.nio.file.Path p : paths.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().equals(LocalChecksums.INDEX_NAME)).toList()) {
                files.put(dir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
            }
        }
        return files;
    }
}
