package io.sluice.benchmarks;

import io.sluice.internal.recovery.LocalDirs;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Recovery time, process start to first completed batch, against the state size and the WAL
 * backlog to re-run (the benchmarks issue's targets: under 1 s at 1 million keys; at 10 million
 * keys no more than twice the 100-thousand-key time).
 *
 * <p>Each invocation starts one child JVM of {@link RecoveryBenchmarkApp} on a checkpoint that
 * {@code @Setup(Level.Trial)} prepared once per parameter set (a child that loads {@code keys}
 * keys into {@code updateStateByKey}, checkpoints, runs {@code backlog} more logged batches and
 * halts as a kill would; with {@code -Dsluice.bench.recovery.checkpoints=DIR}, as
 * {@link RunRecoveryBenchmarks} sets it, a checkpoint prepared there by the fork of another
 * method with the same parameters is reused). The score of {@link #recover} is the wall time from just before
 * {@link ProcessBuilder#start} to the moment this JVM reads the child's {@code REACHED} line,
 * which the child prints when its first batch after the restart has completed: the process's
 * whole start (fork and exec, JVM boot, class loading, logging, getOrCreate, start with the
 * state restore and the re-opened logs) and the first batch, which visits every key as
 * {@code updateStateByKey} does. With a backlog, the first batch is the first re-run one.
 * Reading a pipe adds microseconds. The child then finishes (with a backlog, re-runs the rest)
 * and prints its own per-phase timings, which {@code @TearDown(Level.Invocation)}, outside the
 * measured time, collects: printed to this JVM's output, and appended to the file named by
 * {@code -Dsluice.bench.recovery.phases} if set ({@link RunRecoveryBenchmarks} reads them for
 * its phase tables).
 *
 * <p>{@link #restore} is the state restore alone in a new JVM (read the newest checkpoint, make
 * the local copy match its manifest, open RocksDB), to the opened store. {@link #baseline} is the
 * floor under both: a JVM with the same class path and flags that starts its logging and
 * reports at once.
 *
 * <p>{@code appCds=on} runs the children with a dynamic AppCDS archive of the classes a recovery
 * loads, written in {@code @Setup(Level.Trial)} by one training child
 * ({@code -XX:ArchiveClassesAtExit}): a deployment option (see the README), measured here for
 * what it saves.
 *
 * <p>Run (after {@code mvn -pl benchmarks -am package -DskipTests}); {@link RunRecoveryBenchmarks}
 * runs it with the flags and writes the report, or plain JMH with the Chronicle flags passed on:
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar RecoveryTimeBenchmark.recover -p keys=100000,1000000 -p backlog=0 \
 *     -jvmArgsAppend "$(unzip -p benchmarks/target/benchmarks.jar io/sluice/benchmarks/jvm-flags.properties | sed -n 's/^jvm.flags=//p')"
 * }</pre>
 * The child's heap is {@code -Dsluice.bench.recovery.xmx} (default {@code 3g}).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@State(Scope.Benchmark)
public class RecoveryTimeBenchmark {

    /** The system property naming the file the children's phase timings are appended to. */
    static final String PHASES_FILE_PROPERTY = "sluice.bench.recovery.phases";

    /**
     * The system property naming a directory where prepared checkpoints are kept for the other
     * benchmark methods of the same parameters (JMH runs each method in a fork of its own, with
     * its own trial setup; preparing 10 million keys takes minutes). Whoever sets it deletes it.
     */
    static final String CHECKPOINTS_DIR_PROPERTY = "sluice.bench.recovery.checkpoints";

    private static final String PREPARED_MARKER = "prepared";

    /** The state size: keys in {@code updateStateByKey}, one {@code Long} each. */
    @Param({"100000", "1000000", "10000000"})
    public int keys;

    /** Batches run after the checkpoint, in the WAL and the tracker log, that recovery re-runs. */
    @Param({"0", "10", "50"})
    public int backlog;

    /** {@code on}: the children run with a dynamic AppCDS archive of the recovery's classes. */
    @Param({"off"})
    public String appCds;

    private Path dir;
    private boolean ownsDir;
    private Path archive;
    private boolean measuring;
    private Process child;
    private BufferedReader childOut;
    private Path childErr;
    private long spawnedAtMs;
    private String method;

    /** Prepares the checkpoint (and the AppCDS archive) of this parameter set. */
    @Setup(Level.Trial)
    public void prepare() throws IOException, InterruptedException {
        if (!appCds.equals("on") && !appCds.equals("off")) {
            throw new IllegalArgumentException("appCds must be on or off, got [" + appCds + "]");
        }
        String shared = System.getProperty(CHECKPOINTS_DIR_PROPERTY);
        if (shared == null || shared.isBlank()) {
            ownsDir = true;
            dir = ScratchDirectory.create("recovery-" + keys + "-" + backlog + "-");
        } else {
            ownsDir = false;
            dir = Paths.get(shared).resolve("keys-" + keys + "-backlog-" + backlog);
        }
        if (ownsDir || !Files.exists(dir.resolve(PREPARED_MARKER))) {
            // The child deletes and recreates its directory's checkpoint, so an interrupted
            // earlier preparation leaves nothing behind that could be mistaken for this one.
            Files.createDirectories(dir);
            runToEnd(List.of(), "prepare", dir.toString(), Integer.toString(keys), Integer.toString(backlog));
            Files.writeString(dir.resolve(PREPARED_MARKER), "prepared by RecoveryTimeBenchmark\n");
        } else {
            System.out.println("prepare: reusing the checkpoint prepared in " + dir);
        }
        if (appCds.equals("on")) {
            archive = dir.resolve("recovery.jsa");
            Files.deleteIfExists(archive);
            // The training run recovers as a measured one does; the JVM writes the archive as it exits.
            runToEnd(List.of("-XX:ArchiveClassesAtExit=" + archive), "recover", dir.toString(),
                    Integer.toString(keys), Integer.toString(backlog));
            if (!Files.isRegularFile(archive)) {
                throw new IllegalStateException("The training child wrote no AppCDS archive [" + archive + "]");
            }
        }
    }

    /** Whether this iteration's invocations count (warmups are not recorded as phases). */
    @Setup(Level.Iteration)
    public void iteration(IterationParams params) {
        measuring = params.getType() == IterationType.MEASUREMENT;
    }

    /** A new JVM recovers the application: spawn to its first completed batch. */
    @Benchmark
    public void recover() throws IOException {
        spawnAndAwaitReached("recover", dir.toString(), Integer.toString(keys), Integer.toString(backlog));
    }

    /** A new JVM restores the state alone: spawn to the opened state store. */
    @Benchmark
    public void restore() throws IOException {
        spawnAndAwaitReached("restore", dir.toString());
    }

    /**
     * The floor: a new JVM with the same class path and flags that starts its logging and
     * reports at once, without touching Sluice.
     */
    @Benchmark
    public void baseline() throws IOException {
        spawnAndAwaitReached("baseline", dir.toString());
    }

    /** Outside the measured time: lets the child finish and collects its phase timings. */
    @TearDown(Level.Invocation)
    public void collect(BenchmarkParams params) throws IOException, InterruptedException {
        if (child == null) {
            return;
        }
        Process p = child;
        child = null;
        try {
            String result = null;
            for (String line; (line = childOut.readLine()) != null; ) {
                if (line.startsWith("RESULT ")) {
                    result = line.substring("RESULT ".length()).trim();
                }
            }
            int exit = p.waitFor();
            if (exit != 0 || result == null) {
                throw failure(method, exit);
            }
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("method", method);
            fields.put("keys", Integer.toString(keys));
            fields.put("backlog", Integer.toString(backlog));
            fields.put("appCds", appCds);
            fields.put("measured", Boolean.toString(measuring));
            for (String field : result.split("\\s+")) {
                String[] kv = field.split("=", 2);
                fields.putIfAbsent(kv[0], kv[1]);
            }
            if (fields.containsKey("jvmStart")) {
                fields.put("launch", Long.toString(Long.parseLong(fields.get("jvmStart")) - spawnedAtMs));
            }
            StringBuilder line = new StringBuilder();
            fields.forEach((k, v) -> line.append(line.length() == 0 ? "" : " ").append(k).append('=').append(v));
            System.out.println("child: " + line);
            String file = System.getProperty(PHASES_FILE_PROPERTY);
            if (file != null && !file.isBlank()) {
                Files.writeString(Paths.get(file), line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            }
        } finally {
            p.destroyForcibly();
            childOut.close();
        }
    }

    /** Deletes the checkpoint and the archive, unless they are kept for the other methods. */
    @TearDown(Level.Trial)
    public void delete() {
        if (child != null) {
            child.destroyForcibly();
        }
        if (ownsDir) {
            LocalDirs.delete(dir);
        }
    }

    private void spawnAndAwaitReached(String mode, String... args) throws IOException {
        method = mode;
        List<String> extra = archive == null ? List.of() : List.of("-XX:SharedArchiveFile=" + archive);
        ProcessBuilder builder = builder(extra, mode, args);
        childErr = dir.resolve("child-stderr.txt");
        builder.redirectError(childErr.toFile());
        spawnedAtMs = System.currentTimeMillis();
        child = builder.start();
        childOut = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = childOut.readLine()) != null; ) {
            if (line.equals(RecoveryBenchmarkApp.REACHED)) {
                return;
            }
        }
        int exit;
        try {
            exit = child.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exit = -1;
        }
        child = null;
        throw failure(mode, exit);
    }

    private IllegalStateException failure(String mode, int exit) throws IOException {
        String err = childErr != null && Files.exists(childErr) ? Files.readString(childErr) : "";
        return new IllegalStateException("The benchmark child (" + mode + ", " + keys + " keys, backlog " + backlog
                + ") exited with [" + exit + "] before reporting its result; its stderr:\n" + err);
    }

    private void runToEnd(List<String> extraJvmArgs, String mode, String... args) throws IOException, InterruptedException {
        Path err = dir.resolve("child-stderr.txt");
        Process p = builder(extraJvmArgs, mode, args).redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        if (exit != 0 || out.lines().noneMatch(l -> l.startsWith("RESULT "))) {
            throw new IllegalStateException("The benchmark child " + mode + " " + Arrays.toString(args) + " exited with ["
                    + exit + "]:\n" + out + Files.readString(err));
        }
        System.out.println(mode + ": " + out.lines().filter(l -> l.startsWith("RESULT ")).findFirst().orElseThrow());
    }

    /** A child JVM of {@link RecoveryBenchmarkApp} with this JVM's class path and Chronicle's flags. */
    static ProcessBuilder builder(List<String> extraJvmArgs, String mode, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(RunStorageBenchmarks.chronicleFlags()));
        command.add("-Xmx" + System.getProperty("sluice.bench.recovery.xmx", "3g"));
        command.addAll(extraJvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(RecoveryBenchmarkApp.class.getName());
        command.add(mode);
        command.addAll(Arrays.asList(args));
        return new ProcessBuilder(command);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "RecoveryTimeBenchmark[keys=%d, backlog=%d, appCds=%s]", keys, backlog, appCds);
    }
}
