package io.sluice.internal.storage.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * State far larger than the heap: a table of millions of entries written, snapshotted,
 * restored and scanned in a child JVM with a 128 MiB heap. The default build uses 3 million
 * entries; {@code -Dsluice.test.largeStore.keys=20000000} runs the tens of millions.
 */
class LargeStateStoreTest {

    @Test
    void millionsOfEntriesWithA128MiBHeap(@TempDir Path dir) throws Exception {
        long keys = Long.getLong("sluice.test.largeStore.keys", 3_000_000L);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens") || a.startsWith("--add-exports")) {
                command.add(a);
            }
        }
        command.addAll(List.of("-Xmx128m", "-cp", System.getProperty("java.class.path"),
                LargeStateStoreChild.class.getName(), dir.toString(), Long.toString(keys)));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String result = null;
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines.add(line);
                if (line.startsWith("RESULT ")) {
                    result = line;
                }
            }
        }
        assertTrue(child.waitFor(20, TimeUnit.MINUTES));
        assertEquals(0, child.exitValue(), "child failed: " + lines);
        assertNotNull(result, "no result: " + lines);
        String[] parts = result.split(" ");
        long expectedSum = 0;
        for (long k = 0; k < keys; k++) {
            expectedSum += k % 1000;
        }
        assertEquals(keys, Long.parseLong(parts[1]), "entries after snapshot and restore");
        assertEquals(expectedSum, Long.parseLong(parts[2]), "sum of the values after snapshot and restore");
        assertEquals("maxHeapMiB=128", parts[4]);
        System.out.println("LargeStateStoreTest: " + keys + " entries in " + parts[3] + " s with a 128 MiB heap");
    }
}
