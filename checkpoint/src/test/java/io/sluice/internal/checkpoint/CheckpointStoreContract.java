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
            assertEquals(new TreeSet<>(List.of("4000", "5000")), names("state"));
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
            assertEquals(new TreeSet<>(List.of("3000")), names("state"));
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
            assertEquals(new TreeSet<>(List.of("CURRENT")), names("state/1000"), "no temporary file left");
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
            assertEquals(new TreeSet<>(List.of("CURRENT")), names("state/1000"),
                    "a file of the earlier upload that the new snapshot lacks must not survive");
        }
    }

    static Map<String, byte[]> regularFiles(java.nio.file.Path dir) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<java.nio.file.Path> paths = Files.walk(dir)) {
            for (java.nio.file.Path p : paths.filter(Files::isRegularFile).toList()) {
                files.put(dir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
            }
        }
        return files;
    }
}
