package io.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * State larger than the heap's comfort: an updateStateByKey state of many keys in a child JVM
 * with a 512 MiB heap. The default build uses 1 million keys; the 5-million-key run of the
 * issue is {@code mvn -pl engine -am verify -Dtest=LargeStateTest -Dsluice.test.largeState.keys=5000000
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class LargeStateTest {

    @Test
    void largeStateRunsWithA512MiBHeap(@TempDir Path dir) throws Exception {
        int keys = Integer.getInteger("sluice.test.largeState.keys", 1_000_000);
        int batches = Math.max(2, keys / 500_000);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens") || a.startsWith("--add-exports") || a.startsWith("-Dchronicle.")) {
                command.add(a);
            }
        }
        command.addAll(List.of("-Xmx512m", "-cp", System.getProperty("java.class.path"),
                LargeStateChild.class.getName(), dir.resolve("cp").toString(), Integer.toString(keys),
                Integer.toString(batches)));
        Process child = new ProcessBuilder(command).redirectError(dir.resolve("child.err").toFile()).start();
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
        assertTrue(child.waitFor(10, TimeUnit.MINUTES), "child did not finish");
        assertEquals(0, child.exitValue(), "child failed (OutOfMemoryError?): " + lines + " stderr in " + dir);
        String[] parts = result.split(" ");
        assertEquals(keys, Long.parseLong(parts[1]), "keys in the final state: " + lines);
        assertEquals(keys + 1000L, Long.parseLong(parts[2]), "sum of the final state: " + lines);
        assertEquals("maxHeapMiB=512", parts[3]);
    }
}
