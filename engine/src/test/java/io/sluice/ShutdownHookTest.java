package io.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SIGTERM path in a child JVM ({@link ShutdownHookChild}), with
 * {@code sluice.streaming.stopGracefullyOnShutdown}. The invariant: a process that receives
 * SIGTERM at any moment after {@code start()} began, and whose shutdown hook runs to its end,
 * has processed every block a receiver acknowledged before the signal, and the checkpoints due
 * meanwhile (here one per batch) are written; a JVM that is already shutting down refuses to
 * start a context, so nothing is ever received that no hook would stop.
 *
 * <p>The signal is sent with {@code ProcessHandle.destroy()}: {@code Process.destroy()} would
 * also close this side of the child's output pipes, and the lines the child prints while its
 * hook runs would be lost.
 */
class ShutdownHookTest {

    @Test
    void sigtermProcessesAndCheckpointsEveryAcknowledgedBlockBeforeHadoopClosesItsFileSystems(@TempDir Path dir)
            throws Exception {
        int blocks = 50;
        Path checkpoint = dir.resolve("checkpoint");
        Process child = start(dir, "graceful", ClosingFileSystem.SCHEME + "://" + checkpoint.toAbsolutePath(),
                dir.resolve("local").toString(), Integer.toString(blocks));
        List<String> out = new ArrayList<>();
        try (BufferedReader r = reader(child)) {
            String line;
            while ((line = r.readLine()) != null) {
                out.add(line);
                if (line.equals("ACKED-ALL")) {
                    child.toHandle().destroy();
                }
            }
        } finally {
            child.destroyForcibly();
        }
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child did not exit");
        String all = String.join("\n", out);
        assertTrue(out.contains("ACKED-ALL"), "the receiver never stored its blocks:\n" + all);
        assertEquals(143, child.exitValue(), "not the exit of a JVM that ran its hooks on SIGTERM:\n" + all);
        assertTrue(all.contains("JVM shutting down: stopping the context (graceful=true)"),
                "the shutdown hook did not run:\n" + all);
        assertTrue(all.contains("StreamingContext stopped gracefully"), "the graceful stop did not end:\n" + all);
        assertFalse(all.contains("Filesystem closed"),
                "the graceful stop wrote to a FileSystem that Hadoop's shutdown hook had closed:\n" + all);
        assertFalse(all.contains("Graceful stop incomplete"), "the graceful stop ran out of time:\n" + all);

        long lastBatch = -1;
        long lastTotal = -1;
        for (String l : out) {
            if (l.startsWith("BATCH ")) {
                String[] f = l.split(" ");
                lastBatch = Long.parseLong(f[1]);
                lastTotal = Long.parseLong(f[2].substring("total=".length()));
            }
        }
        assertEquals(blocks, lastTotal, "records processed when the process exited, of the " + blocks
                + " acknowledged before SIGTERM:\n" + all);
        long newestCheckpoint = newestCheckpoint(checkpoint);
        assertTrue(newestCheckpoint >= lastBatch, "the newest checkpoint is of batch " + newestCheckpoint
                + " but the last batch the graceful stop ran is " + lastBatch + ": a restart would re-run it");
    }

    @Test
    void aJvmAlreadyShuttingDownRefusesToStartAContext(@TempDir Path dir) throws Exception {
        Process child = start(dir, "during-shutdown");
        List<String> out = new ArrayList<>();
        try (BufferedReader r = reader(child)) {
            String line;
            while ((line = r.readLine()) != null) {
                out.add(line);
                if (line.equals("READY")) {
                    child.toHandle().destroy();
                }
            }
        } finally {
            child.destroyForcibly();
        }
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child did not exit");
        String all = String.join("\n", out);
        assertTrue(out.stream().anyMatch(l -> l.startsWith("START-REFUSED ") && l.contains("JVM is shutting down")),
                "start() during shutdown must fail saying why:\n" + all);
        assertTrue(out.contains("STATE STOPPED"), "the refused context must be stopped:\n" + all);
        assertFalse(out.contains("RECEIVER-STARTED"), "a receiver started that no shutdown hook stops:\n" + all);
    }

    /**
     * SIGTERM while {@code start()} runs, and start-up then fails because the JVM is exiting (as
     * Chronicle does when first used during shutdown): {@code start()} must say so instead of
     * the misleading error of the library, and the hook, which waited for {@code start()}, must
     * say there was nothing to stop, so that nobody reads it as a lost graceful stop.
     */
    @Test
    void aStartCutShortByShutdownSaysSoAndTheHookHasNothingToStop(@TempDir Path dir) throws Exception {
        Process child = start(dir, "abort-mid-start", dir.toAbsolutePath().toString());
        List<String> out = new ArrayList<>();
        try (BufferedReader r = reader(child)) {
            String line;
            while ((line = r.readLine()) != null) {
                out.add(line);
                if (line.equals("FS-INIT")) {
                    child.toHandle().destroy();
                }
            }
        } finally {
            child.destroyForcibly();
        }
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child did not exit");
        String all = String.join("\n", out);
        assertTrue(out.contains("FS-INIT"), "start() never reached the checkpoint store:\n" + all);
        assertEquals(143, child.exitValue(), "not the exit of a JVM that ran its hooks on SIGTERM:\n" + all);
        String aborted = StreamingContext.START_ABORTED_BY_SHUTDOWN;
        assertTrue(out.stream().anyMatch(l -> l.startsWith("START-FAILED java.lang.IllegalStateException " + aborted)),
                "start() must fail saying the JVM was shutting down:\n" + all);
        assertTrue(out.contains("STATE STOPPED"), "the context must be stopped:\n" + all);
        assertTrue(all.contains("JVM shutting down: stopping the context (graceful=true)"),
                "the shutdown hook did not run:\n" + all);
        assertTrue(all.contains("Shutdown hook: " + aborted + "; there was nothing to stop"),
                "the hook must say start() was cut short:\n" + all);
        assertFalse(out.contains("RECEIVER-STARTED"), "a receiver started although start() failed:\n" + all);
    }

    private static Process start(Path dir, String... args) throws IOException {
        // The lines this test looks for (the hook ran, the context stopped gracefully) are INFO.
        Path logback = dir.resolve("logback-child.xml");
        Files.writeString(logback, """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n</pattern></encoder>
                  </appender>
                  <logger name="org.apache.hadoop" level="ERROR"/>
                  <logger name="net.openhft" level="ERROR"/>
                  <logger name="io.sluice.StreamingContext" level="INFO"/>
                  <root level="WARN"><appender-ref ref="OUT"/></root>
                </configuration>
                """, StandardCharsets.UTF_8);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens") || a.startsWith("--add-exports") || a.startsWith("-Dchronicle.")) {
                command.add(a);
            }
        }
        command.addAll(List.of("-Xmx256m", "-Dlogback.configurationFile=" + logback, "-cp", System.getProperty("java.class.path"),
                ShutdownHookChild.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    }

    private static BufferedReader reader(Process p) {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    }

    private static long newestCheckpoint(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("checkpoint-\\d+"))
                    .mapToLong(n -> Long.parseLong(n.substring("checkpoint-".length()))).max().orElse(-1);
        }
    }
}
