package io.sluice.chaos;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.internal.checkpoint.CheckpointStore;
import io.sluice.internal.checkpoint.HadoopCheckpointStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault-injecting filesystem, and checkpoints written through it: a failed checkpoint
 * leaves the previous one the newest valid, and the next one succeeds once the fault clears.
 */
class FaultFileSystemTest {
    @TempDir
    Path dir;

    @BeforeEach
    @AfterEach
    void clear() {
        for (String k : new String[] {"faultfs.fault", "faultfs.from", "faultfs.count", "faultfs.action"}) {
            System.clearProperty(k);
        }
        FaultFileSystem.resetCounts();
    }

    private String uri() {
        return "faultfs://" + dir.toAbsolutePath();
    }

    @Test
    void theSchemeResolvesToTheLocalFilesystem() throws IOException {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(uri() + "/a.txt");
        FileSystem fs = FileSystem.newInstance(p.toUri(), new Configuration());
        assertTrue(fs instanceof FaultFileSystem, fs.getClass().getName());
        try (FSDataOutputStream out = fs.create(p)) {
            out.write("hello".getBytes(StandardCharsets.UTF_8));
            out.hsync();
        }
        assertEquals("hello", Files.readString(dir.resolve("a.txt")));
        assertTrue(fs.rename(p, new org.apache.hadoop.fs.Path(uri() + "/b.txt")));
        assertTrue(Files.exists(dir.resolve("b.txt")));
        fs.close();
    }

    @Test
    void renamesFailFromTheNthAndClearAfterCount() throws IOException {
        System.setProperty("faultfs.fault", "rename");
        System.setProperty("faultfs.from", "2");
        System.setProperty("faultfs.count", "2");
        FileSystem fs = FileSystem.newInstance(java.net.URI.create(uri()), new Configuration());
        for (int i = 0; i < 5; i++) {
            Files.writeString(dir.resolve("f" + i), "x");
        }
        org.apache.hadoop.fs.Path base = new org.apache.hadoop.fs.Path(uri());
        assertTrue(fs.rename(new org.apache.hadoop.fs.Path(base, "f0"), new org.apache.hadoop.fs.Path(base, "g0")));
        for (int i = 1; i <= 2; i++) {
            int n = i;
            IOException e = assertThrows(IOException.class, () -> fs.rename(new org.apache.hadoop.fs.Path(base, "f" + n),
                    new org.apache.hadoop.fs.Path(base, "g" + n)));
            assertTrue(e.getMessage().startsWith("faultfs: injected rename failure"), e.getMessage());
        }
        assertTrue(fs.rename(new org.apache.hadoop.fs.Path(base, "f3"), new org.apache.hadoop.fs.Path(base, "g3")));
        assertEquals(2, FaultFileSystem.injected());
        fs.close();
    }

    @Test
    void aFullDiskFailsCreatesWritesAndSyncs() throws IOException {
        System.setProperty("faultfs.fault", "diskfull");
        System.setProperty("faultfs.from", "2");
        FileSystem fs = FileSystem.newInstance(java.net.URI.create(uri()), new Configuration());
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(uri() + "/full");
        FSDataOutputStream out = fs.create(p); // operation 1
        IOException e = assertThrows(IOException.class, () -> out.write(new byte[10]));
        assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
        assertThrows(IOException.class, out::hsync);
        out.close();
        assertThrows(IOException.class, () -> fs.create(new org.apache.hadoop.fs.Path(uri() + "/other")));
        fs.close();
    }

    /** Each failure kind, from an operation inside the second checkpoint write. */
    @Test
    void aFailedCheckpointLeavesThePreviousOneValidAndTheNextSucceedsOnceTheFaultClears() throws IOException {
        for (String fault : new String[] {"rename", "write", "sync", "diskfull"}) {
            Path root = dir.resolve(fault);
            try (CheckpointStore store = HadoopCheckpointStore.open("faultfs://" + root.toAbsolutePath(),
                    new Configuration(), 3)) {
                store.write(1_000, "first".getBytes(StandardCharsets.UTF_8));
                FaultFileSystem.resetCounts();
                System.setProperty("faultfs.fault", fault);
                System.setProperty("faultfs.count", "1");
                IOException e = assertThrows(IOException.class,
                        () -> store.write(2_000, "second".getBytes(StandardCharsets.UTF_8)), fault);
                assertTrue(e.getMessage().contains("Cannot write checkpoint [2000]") && e.getMessage().contains("faultfs:"),
                        e.getMessage());
                assertEquals(1, FaultFileSystem.injected(), fault);
                var latest = store.readLatestValid().orElseThrow();
                assertEquals(1_000, latest.timeMs(), fault);
                assertArrayEquals("first".getBytes(StandardCharsets.UTF_8), latest.metadata(), fault);
                // The fault has cleared (count 1): the next checkpoint is written and is the newest.
                store.write(3_000, "third".getBytes(StandardCharsets.UTF_8));
                assertEquals(3_000, store.readLatestValid().orElseThrow().timeMs(), fault);
            } finally {
                clear();
            }
        }
    }
}
