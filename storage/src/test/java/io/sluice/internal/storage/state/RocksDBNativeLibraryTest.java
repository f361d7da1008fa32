package io.sluice.internal.storage.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksDB;
import org.rocksdb.util.Environment;

/**
 * The native library is extracted once into a directory keyed by its jar entry, reused while
 * it matches the entry, replaced when it does not, and is what the store's JVM loaded.
 */
class RocksDBNativeLibraryTest {

    @TempDir
    Path base;

    private static byte[] jarEntryBytes() throws Exception {
        URL url = RocksDB.class.getClassLoader().getResource(Environment.getJniLibraryFileName("rocksdb"));
        assertNotNull(url, "rocksdbjni has no native library for this platform");
        try (InputStream in = url.openStream()) {
            return in.readAllBytes();
        }
    }

    private static long crc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return crc.getValue();
    }

    @Test
    void extractsOnceAnExactCopyAndReusesIt() throws Exception {
        byte[] expected = jarEntryBytes();
        Path copy = RocksDBNativeLibrary.verifiedCopy(base);
        assertNotNull(copy, "the library is in a jar on the test class path: a copy is expected");
        assertTrue(copy.startsWith(base), copy + " is not under " + base);
        assertEquals(String.format("%08x-%d", crc(expected), expected.length), copy.getParent().getFileName().toString());
        assertArrayEquals(expected, Files.readAllBytes(copy));
        try (var files = Files.list(copy.getParent())) {
            assertEquals(1, files.count(), "no temporary file is left beside the copy");
        }

        FileTime old = FileTime.fromMillis(1_000_000L);
        Files.setLastModifiedTime(copy, old);
        assertEquals(copy, RocksDBNativeLibrary.verifiedCopy(base));
        assertEquals(old, Files.getLastModifiedTime(copy), "a matching copy is reused, not rewritten");
    }

    @Test
    void replacesADamagedOrTruncatedCopy() throws Exception {
        byte[] expected = jarEntryBytes();
        Path copy = RocksDBNativeLibrary.verifiedCopy(base);
        // Same size, one byte changed: only the CRC tells.
        byte[] damaged = expected.clone();
        damaged[damaged.length / 2] ^= 0x5a;
        Files.write(copy, damaged);
        assertEquals(copy, RocksDBNativeLibrary.verifiedCopy(base));
        assertArrayEquals(expected, Files.readAllBytes(copy));

        try (FileChannel ch = FileChannel.open(copy, StandardOpenOption.WRITE)) {
            ch.truncate(expected.length / 3);
        }
        assertEquals(copy, RocksDBNativeLibrary.verifiedCopy(base));
        assertArrayEquals(expected, Files.readAllBytes(copy));
    }

    @Test
    void theStoreLoadsTheVerifiedCopy() throws Exception {
        Path working = Files.createDirectories(base.resolve("working"));
        try (RocksDBStateStore store = RocksDBStateStore.open(working, StateStoreOptions.defaults())) {
            store.table("t").put("k".getBytes(), "v".getBytes());
            assertArrayEquals("v".getBytes(), store.table("t").get("k".getBytes()));
        }
        Path loaded = RocksDBNativeLibrary.loadedFrom();
        assertNotNull(loaded, "the library was extracted to a new temporary file instead of the stable copy");
        assertEquals(crc(jarEntryBytes()), RocksDBNativeLibrary.crcOf(loaded));
    }
}
