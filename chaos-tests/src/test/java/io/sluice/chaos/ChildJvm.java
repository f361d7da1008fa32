package io.sluice.chaos;

import io.sluice.examples.JvmFlags;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A JVM running one of the chaos applications ({@link WordCountChaosApp},
 * {@link WindowedChaosApp}, {@link MapWithStateChaosApp}), started with the flags Sluice needs
 * and this test's class path. Its stdout and stderr go to a log file and a tail kept for failure
 * messages; its {@code BATCH} lines are queued for the test.
 */
final class ChildJvm {
    private static final int TAIL_LINES = 60;
    private static final String EOF = "\u0000EOF";

    private final Process process;
    private final long startNanos;
    private final BlockingQueue<String> batches = new LinkedBlockingQueue<>();
    private final ArrayDeque<String> tail = new ArrayDeque<>();
    private final Thread reader;
    private final Path log;
    private final PrintWriter logWriter;
    private volatile boolean killedByUs;

    private ChildJvm(Process process, long startNanos, Path log) throws IOException {
        this.process = process;
        this.startNanos = startNanos;
        this.log = log;
        PrintWriter logWriter = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true);
        this.logWriter = logWriter;
        this.reader = new Thread(() -> {
            try (logWriter; BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    logWriter.println(line);
                    synchronized (tail) {
                        tail.addLast(line);
                        if (tail.size() > TAIL_LINES) {
                            tail.removeFirst();
                        }
                    }
                    if (line.startsWith("BATCH ")) {
                        batches.add(line);
                    }
                }
            } catch (IOException e) {
                // the process died; the pipe is closed
            } finally {
                batches.add(EOF);
            }
        }, "chaos-child-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code WordCountChaosApp args} with {@code extraJvmArgs}, logging to {@code log}. */
    static ChildJvm start(List<String> args, List<String> extraJvmArgs, Path workDir, Path log) throws IOException {
        return start(WordCountChaosApp.class, args, extraJvmArgs, workDir, log);
    }

    /** Starts {@code mainClass args} with {@code extraJvmArgs}, logging to {@code log}. */
    static ChildJvm start(Class<?> mainClass, List<String> args, List<String> extraJvmArgs, Path workDir, Path log)
            throws IOException {
        List<String> jvm = new ArrayList<>(List.of("-Xmx512m"));
        jvm.addAll(extraJvmArgs);
        List<String> cmd = JvmFlags.javaCommand(mainClass.getName(), jvm, args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true);
        long start = System.nanoTime();
        return new ChildJvm(pb.start(), start, log);
    }

    /** Extra JVM arguments from {@code -Dchaos.childJvmArgs} (space separated), if any. */
    static List<String> extraJvmArgsFromSystemProperty() {
        String s = System.getProperty("chaos.childJvmArgs", "").trim();
        return s.isEmpty() ? List.of() : Arrays.asList(s.split("\\s+"));
    }

    /**
     * The next {@code BATCH} line, or null if none came within {@code timeoutMs} or the process
     * ended (see {@link #isAlive()}).
     */
    String nextBatch(long timeoutMs) throws InterruptedException {
        String s = batches.poll(timeoutMs, TimeUnit.MILLISECONDS);
        if (s == EOF) {
            batches.add(EOF);
            return null;
        }
        return s;
    }

    /** Milliseconds since the process was started. */
    long uptimeMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Whether the process ended without being killed by the test. */
    boolean diedOnItsOwn() {
        return !killedByUs && !process.isAlive();
    }

    /**
     * Writes {@code #### <HH:mm:ss.SSS> test: <what>} into the child's log, in line with its own
     * output, so that a log shows when the test signalled the child.
     */
    private void mark(String what) {
        logWriter.println("#### " + java.time.LocalTime.now() + " test: " + what);
    }

    /** SIGKILL (kill -9), then waits for the process to be gone. */
    void kill() throws InterruptedException {
        killedByUs = true;
        mark("SIGKILL");
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("child JVM " + process.pid() + " still alive 30 s after SIGKILL");
        }
        reader.join(5_000);
    }

    /**
     * SIGTERM, then SIGKILL if it has not exited within 15 s; returns whether it had to be
     * killed (the life then ended with SIGKILL, not on the graceful path).
     */
    boolean stop() throws InterruptedException {
        killedByUs = true;
        mark("SIGTERM (then SIGKILL after 15 s)");
        sigterm();
        boolean escalated = false;
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            escalated = true;
            mark("SIGKILL: still running 15 s after SIGTERM");
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        reader.join(5_000);
        return escalated;
    }

    /** SIGTERM without waiting: the graceful path runs while the test reads the batches it completes. */
    void terminate() {
        killedByUs = true;
        mark("SIGTERM");
        sigterm();
    }

    /**
     * Sends SIGTERM through the process handle, not {@link Process#destroy()}: on Linux and macOS,
     * {@code Process.destroy()} also closes this side of the child's stdout and stderr pipes right
     * after the signal, so everything the child prints while its shutdown hook runs (the batches
     * a graceful stop completes, its log lines) is lost, and the child's writes fail with a broken
     * pipe. The pipes stay open here and are read to their end.
     */
    private void sigterm() {
        process.toHandle().destroy();
    }

    /**
     * Waits up to {@code timeoutMs} for the process to exit (on its own, or after
     * {@link #terminate()}); returns its exit status, or null if it is still running.
     */
    Integer awaitExit(long timeoutMs) throws InterruptedException {
        if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
            return null;
        }
        reader.join(5_000);
        return process.exitValue();
    }

    /** Everything the process printed so far (its log file). */
    String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    long pid() {
        return process.pid();
    }

    /** The last lines the process printed. */
    String tail() {
        synchronized (tail) {
            return String.join("\n", tail);
        }
    }
}
