package io.sluice.internal.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.SluiceException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.StreamCapabilities;
import org.junit.jupiter.api.Test;

/** The contract on the local filesystem, plus what is specific to it and to argument checking. */
final class HadoopCheckpointStoreLocalTest extends CheckpointStoreContract {

    private static final Configuration CONF = new Configuration();

    @Override
    String newRoot() {
        return local.resolve("checkpoints").toUri().toString();
    }

    @Override
    Configuration conf() {
        return CONF;
    }

    @Test
    void writesNoChecksumSideFilesAndNoTemporaryFiles() throws IOException {
        java.nio.file.Path snapshot = Files.createDirectories(local.resolve("snapshot"));
        Files.write(snapshot.resolve("a.sst"), payload("a"));
        try (HadoopCheckpointStore store = open(2)) {
            store.uploadState(1000, snapshot);
            store.write(1000, payload("meta"));
        }
        java.nio.file.Path dir = local.resolve("checkpoints");
        try (Stream<java.nio.file.Path> all = Files.walk(dir)) {
            List<String> names = all.filter(p -> !p.equals(dir)).map(p -> dir.relativize(p).toString()).sorted().toList();
            assertEquals(List.of("checkpoint-1000", "state", "state/1000", "state/1000/files", "state/1000/manifest",
                    "state/shared", "state/shared/a-1-" + String.format("%08x", LocalChecksums.compute(snapshot.resolve("a.sst")))
                            + ".sst"), names);
        }
    }

    /** The store's sync is only real if the raw local stream passes hsync down to the file. */
    @Test
    void theRawLocalFilesystemSupportsHsync() throws IOException {
        try (FSDataOutputStream out = raw.create(path("probe"), false)) {
            assertTrue(out.hasCapability(StreamCapabilities.HSYNC));
        }
    }

    /**
     * A {@code file:} root is served by a {@link LocalFileSystem} built without Hadoop's
     * filesystem registry and cache: the same class, URI and working directory as the cached
     * instance, but not that instance (the store closes its own).
     */
    @Test
    void aFileRootGetsALocalFilesystemOfItsOwnOutsideHadoopsCache() throws IOException {
        java.net.URI uri = local.resolve("own").toUri();
        FileSystem cached = FileSystem.get(uri, CONF);
        FileSystem own = HadoopCheckpointStore.newFileSystem(uri, CONF);
        try {
            assertEquals(LocalFileSystem.class, own.getClass());
            assertNotSame(cached, own);
            assertEquals(cached.getUri(), own.getUri());
            assertEquals(cached.getWorkingDirectory(), own.getWorkingDirectory());
        } finally {
            own.close();
        }
        try (HadoopCheckpointStore store = HadoopCheckpointStore.open(uri.toString(), CONF, 1)) {
            store.write(3, payload("x"));
            assertEquals(3, store.readLatestValid().orElseThrow().timeMs());
        }
    }

    /** A {@code file:} scheme bound to another class with {@code fs.file.impl} is honoured. */
    @Test
    void aFileSchemeBoundToAnotherClassIsHonoured() throws IOException {
        Configuration conf = new Configuration(CONF);
        conf.set("fs.file.impl", MarkedLocalFileSystem.class.getName());
        MarkedLocalFileSystem.initialized.set(0);
        try (HadoopCheckpointStore store = HadoopCheckpointStore.open(local.resolve("bound").toUri().toString(), conf, 1)) {
            store.write(5, payload("y"));
            assertEquals(5, store.readLatestValid().orElseThrow().timeMs());
        }
        assertEquals(1, MarkedLocalFileSystem.initialized.get(), "the configured class served the store");
    }

    /** A local filesystem that counts its initializations. */
    public static final class MarkedLocalFileSystem extends LocalFileSystem {
        static final java.util.concurrent.atomic.AtomicInteger initialized = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public void initialize(java.net.URI name, Configuration conf) throws IOException {
            super.initialize(name, conf);
            initialized.incrementAndGet();
        }
    }

    /**
     * A recovery from a local root (newest checkpoint, state manifest, state restored both by
     * reusing matching local files and by copying missing ones) reads through java.nio: the
     * store never builds a Hadoop filesystem, and reads what the Hadoop-written files hold.
     */
    @Test
    void aLocalRootIsRecoveredWithoutBuildingAHadoopFilesystem() throws IOException {
        java.nio.file.Path snapshot = Files.createDirectories(local.resolve("snapshot"));
        Files.write(snapshot.resolve("a.sst"), payload("immutable"));
        Files.write(snapshot.resolve("MANIFEST-1"), payload("mutable"));
        try (HadoopCheckpointStore store = open(2)) {
            store.uploadState(2000, snapshot);
            store.write(2000, payload("meta-2000"));
            assertTrue(store.filesystemBuilt(), "writes go through Hadoop's local filesystem");
        }
        java.nio.file.Path restored = local.resolve("restored");
        try (HadoopCheckpointStore store = open(2)) {
            CheckpointStore.Checkpoint latest = store.readLatestValid().orElseThrow();
            assertEquals(2000, latest.timeMs());
            assertArrayEquals(payload("meta-2000"), latest.metadata());
            assertEquals(List.of(2000L), store.listTimes());
            assertEquals(2, store.readStateManifest(2000).files().size());
            StateTransfer first = store.restoreState(2000, restored);
            assertEquals(2, first.filesTransferred());
            Files.delete(restored.resolve("MANIFEST-1"));
            StateTransfer second = store.restoreState(2000, restored);
            assertEquals(1, second.filesTransferred());
            assertEquals(1, second.filesReused());
            assertArrayEquals(payload("immutable"), Files.readAllBytes(restored.resolve("a.sst")));
            assertArrayEquals(payload("mutable"), Files.readAllBytes(restored.resolve("MANIFEST-1")));
            assertFalse(store.filesystemBuilt(), "the recovery built a Hadoop filesystem");
            store.write(3000, payload("meta-3000"));
            assertTrue(store.filesystemBuilt());
            assertEquals(3000, store.readLatestValid().orElseThrow().timeMs());
        }
    }

    /** Another scheme, or a file: URI with an authority, keeps the Hadoop filesystem from the start. */
    @Test
    void onlyAPlainLocalRootIsReadWithoutHadoop() {
        assertEquals(local.resolve("x").toAbsolutePath(),
                HadoopCheckpointStore.localPathOf(local.resolve("x").toUri(), CONF));
        assertNull(HadoopCheckpointStore.localPathOf(java.net.URI.create("hdfs://nn:8020/x"), CONF));
        assertNull(HadoopCheckpointStore.localPathOf(java.net.URI.create("file://host/x"), CONF));
        Configuration bound = new Configuration(CONF);
        bound.set("fs.file.impl", MarkedLocalFileSystem.class.getName());
        assertNull(HadoopCheckpointStore.localPathOf(local.resolve("x").toUri(), bound));
    }

    @Test
    void aPlainPathMeansTheLocalFilesystemAndIsCreated() throws IOException {
        java.nio.file.Path dir = local.resolve("plain/nested");
        try (HadoopCheckpointStore store = HadoopCheckpointStore.open(dir.toString(), CONF, 1)) {
            store.write(7, payload("x"));
            assertEquals(dir.toString(), store.root(), "root() is the string as given");
        }
        assertTrue(Files.isRegularFile(dir.resolve("checkpoint-7")));
        assertEquals("file", HadoopCheckpointStore.resolve("relative/dir").getScheme());
        assertTrue(HadoopCheckpointStore.resolve("relative/dir").getPath().startsWith("/"), "made absolute");
    }

    @Test
    void retainedMustBeAtLeastOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> open(0));
        assertTrue(e.getMessage().contains("retained must be at least 1"), e.getMessage());
    }

    @Test
    void aRootThatIsAFileIsRefusedNamingIt() throws IOException {
        java.nio.file.Path file = Files.write(local.resolve("a-file"), payload("x"));
        SluiceException e = assertThrows(SluiceException.class,
                () -> HadoopCheckpointStore.open(file.toString(), CONF, 1));
        assertTrue(e.getMessage().contains("[" + file + "]"), e.getMessage());
    }

    @Test
    void eachSkippedCheckpointIsLoggedWithItsReason() throws IOException {
        try (HadoopCheckpointStore store = open(3)) {
            store.write(1000, payload("good"));
            store.write(2000, payload("bad"));
            byte[] file = readRaw("checkpoint-2000");
            file[file.length - 1] ^= 1; // the stored checksum itself
            writeRaw("checkpoint-2000", file);

            assertEquals(1000, store.readLatestValid().orElseThrow().timeMs());
            assertTrue(log.warnings().stream().anyMatch(m -> m.contains("checkpoint-2000") && m.contains("bad checksum")),
                    log.warnings().toString());
        }
    }

    @Test
    void aCheckpointOfANewerFormatVersionIsSkippedNamingTheVersion() throws IOException {
        try (HadoopCheckpointStore store = open(3)) {
            store.write(1000, payload("v1"));
            writeRaw("checkpoint-2000", fileOfVersion((byte) 2, 2000, payload("v2")));

            assertEquals(1000, store.readLatestValid().orElseThrow().timeMs());
            assertTrue(log.warnings().stream().anyMatch(m -> m.contains("format version [2]")), log.warnings().toString());
        }
    }

    @Test
    void aFileWhoseContentNamesAnotherTimeIsSkipped() throws IOException {
        try (HadoopCheckpointStore store = open(3)) {
            store.write(1000, payload("one"));
            writeRaw("checkpoint-9000", readRaw("checkpoint-1000")); // copied by hand
            assertEquals(1000, store.readLatestValid().orElseThrow().timeMs());
        }
    }

    @Test
    void onlyInvalidFilesMeanNoCheckpoint() throws IOException {
        try (HadoopCheckpointStore store = open(3)) {
            writeRaw("checkpoint-1000", new byte[0]);
            writeRaw("checkpoint-2000", payload("not a checkpoint at all"));
            assertEquals(Optional.empty(), store.readLatestValid());
            assertEquals(List.of(1000L, 2000L), store.listTimes());
        }
    }

    @Test
    void unrelatedFilesAreNeitherListedNorDeleted() throws IOException {
        try (HadoopCheckpointStore store = open(1)) {
            writeRaw("checkpoint-abc", payload("x"));
            writeRaw("checkpoint-99999999999999999999", payload("x")); // beyond a long
            writeRaw("README", payload("x"));
            store.write(1000, payload("one"));
            store.write(2000, payload("two"));
            assertEquals(List.of(2000L), store.listTimes());
            assertEquals(new TreeSet<>(List.of("README", "checkpoint-2000", "checkpoint-99999999999999999999",
                    "checkpoint-abc")), names(""));
        }
    }

    @Test
    void aCheckpointOlderThanTheRetainedOnesIsNotDeletedByItsOwnRetention() throws IOException {
        try (HadoopCheckpointStore store = open(1)) {
            store.write(5000, payload("five"));
            writeRaw("checkpoint-5000", new byte[3]); // recovery will skip it and re-run from an older time
            store.write(4000, payload("four"));
            assertEquals(List.of(4000L, 5000L), store.listTimes());
            assertEquals(4000, store.readLatestValid().orElseThrow().timeMs());
            store.write(5000, payload("five again"));
            assertEquals(List.of(5000L), store.listTimes());
            assertArrayEquals(payload("five again"), store.readLatestValid().orElseThrow().metadata());
        }
    }

    @Test
    void downloadingMissingStateNamesTheCheckpointAndTheLikelyCause() throws IOException {
        try (HadoopCheckpointStore store = open(1)) {
            store.write(1000, payload("no state"));
            FileNotFoundException e = assertThrows(FileNotFoundException.class,
                    () -> store.downloadState(1000, local.resolve("restored")));
            assertTrue(e.getMessage().contains("Checkpoint [1000] has no state"), e.getMessage());
        }
    }

    @Test
    void downloadingIntoANonEmptyDirectoryIsRefused() throws IOException {
        java.nio.file.Path snapshot = Files.createDirectories(local.resolve("snapshot"));
        Files.write(snapshot.resolve("a"), payload("a"));
        java.nio.file.Path target = Files.createDirectories(local.resolve("target"));
        Files.write(target.resolve("stale"), payload("stale"));
        try (HadoopCheckpointStore store = open(1)) {
            store.uploadState(1000, snapshot);
            assertThrows(FileAlreadyExistsException.class, () -> store.downloadState(1000, target));
            assertArrayEquals(payload("stale"), Files.readAllBytes(target.resolve("stale")), "left untouched");
            assertFalse(Files.exists(target.resolve("a")));
        }
    }

    @Test
    void uploadingSomethingOtherThanADirectoryIsRefused() throws IOException {
        try (HadoopCheckpointStore store = open(1)) {
            assertThrows(NotDirectoryException.class, () -> store.uploadState(1000, local.resolve("missing")));
        }
    }

    @Test
    void negativeTimesAreRefused() throws IOException {
        try (HadoopCheckpointStore store = open(1)) {
            assertThrows(IllegalArgumentException.class, () -> store.write(-1, payload("x")));
        }
    }

    @Test
    void aClosedStoreRefusesWorkAndClosesOnce() throws IOException {
        HadoopCheckpointStore store = open(1);
        store.close();
        store.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> store.write(1, payload("x")));
        assertTrue(e.getMessage().contains("is closed"), e.getMessage());
    }

    /** A well-formed file of another format version, with a valid checksum. */
    static byte[] fileOfVersion(byte version, long timeMs, byte[] payload) {
        ByteBuffer buf = ByteBuffer.allocate(CheckpointFile.HEADER_BYTES + payload.length + CheckpointFile.CRC_BYTES);
        buf.putInt(CheckpointFile.MAGIC).put(version).putLong(timeMs).putInt(payload.length).put(payload);
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, buf.position());
        buf.putInt((int) crc.getValue());
        return buf.array();
    }
}
