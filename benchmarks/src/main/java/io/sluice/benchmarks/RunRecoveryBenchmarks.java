package io.sluice.benchmarks;

import io.sluice.internal.recovery.LocalDirs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.util.Statistics;

/**
 * Runs the recovery and checkpoint JMH benchmarks ({@link RecoveryTimeBenchmark},
 * {@link CheckpointDurationBenchmark}) in the order and with the parameters the benchmarks
 * issue asks for, and writes one report: JMH's JSON of every run ({@code recovery-<date>.json})
 * and {@code recovery-latest.md}, the JMH scores with the phase timings the children printed
 * (where the time goes: JVM start, logging, getOrCreate, start, first batch; CPU and wall).
 *
 * <p>Steps, the results rewritten after each, so that a run stopped early keeps what it
 * measured: for the sizes up to 1 million keys, recovery and the restore alone; recovery
 * against the WAL backlog at {@code backlogKeys}; recovery with an AppCDS archive at
 * {@code cdsKeys}; checkpoint durations at those sizes; then the same for the larger sizes.
 *
 * <p>Usage, from the project root after {@code mvn -pl benchmarks -am package -DskipTests}:
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar io.sluice.benchmarks.RunRecoveryBenchmarks
 * }</pre>
 * System properties: {@code sluice.bench.recovery.keys} (state sizes, default
 * {@code 100000,1000000,10000000}; a shorter list for a quick run), {@code
 * sluice.bench.recovery.backlogs} (default {@code 0,10,50}; empty for none), {@code
 * sluice.bench.recovery.backlogKeys} (the state size of the backlog series, default 100000),
 * {@code sluice.bench.recovery.cdsKeys} (sizes measured again with AppCDS, default 1000000;
 * empty for none), {@code sluice.bench.recovery.runs} (measured children per configuration,
 * after one warm-up, default 3), {@code sluice.bench.checkpoint.changes} (default
 * {@code all,1,10,100}), {@code sluice.bench.recovery.xmx} (child heap, default {@code 3g}),
 * {@code sluice.bench.dir} (scratch, default {@code java.io.tmpdir}) and {@code
 * sluice.bench.results} (default {@code benchmarks/results}).
 */
public final class RunRecoveryBenchmarks {

    private RunRecoveryBenchmarks() {
    }

    /** One line of key=value fields a benchmark appended to its side file. */
    record Sample(Map<String, String> fields) {
        String get(String key) {
            String v = fields.get(key);
            if (v == null) {
                throw new IllegalStateException("The sample has no [" + key + "]: " + fields);
            }
            return v;
        }

        double num(String key) {
            return Double.parseDouble(get(key));
        }
    }

    public static void main(String[] args) throws Exception {
        Instant begin = Instant.now();
        String loadAtStart = load();
        List<Integer> sizes = ints(System.getProperty("sluice.bench.recovery.keys", "100000,1000000,10000000"));
        List<Integer> backlogs = ints(System.getProperty("sluice.bench.recovery.backlogs", "0,10,50"));
        int backlogKeys = Integer.parseInt(System.getProperty("sluice.bench.recovery.backlogKeys", "100000"));
        List<Integer> cdsKeys = ints(System.getProperty("sluice.bench.recovery.cdsKeys", "1000000"));
        int runs = Integer.parseInt(System.getProperty("sluice.bench.recovery.runs", "3"));
        List<String> changes = Arrays.stream(System.getProperty("sluice.bench.checkpoint.changes", "all,1,10,100")
                .split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        Path results = Paths.get(System.getProperty(RunStorageBenchmarks.RESULTS_DIR_PROPERTY,
                Paths.get("benchmarks", "results").toString())).toAbsolutePath();
        Path scratch = ScratchDirectory.root().resolve("sluice-recovery-bench-" + UUID.randomUUID());
        Files.createDirectories(results);
        Files.createDirectories(scratch);
        Path phasesFile = scratch.resolve("phases.txt");
        Path samplesFile = scratch.resolve("checkpoint-samples.txt");
        String date = LocalDate.now(ZoneOffset.UTC).toString();
        Path json = results.resolve("recovery-" + date + ".json");
        Path md = results.resolve("recovery-latest.md");

        List<RunResult> all = new ArrayList<>();
        List<Step> steps = new ArrayList<>();
        List<Integer> small = sizes.stream().filter(k -> k <= 1_000_000).toList();
        List<Integer> large = sizes.stream().filter(k -> k > 1_000_000).toList();
        for (List<Integer> group : List.of(small, large)) {
            if (!group.isEmpty()) {
                steps.add(new Step("recovery and restore at " + group + " keys", () -> jmh(
                        "RecoveryTimeBenchmark\\.(recover|restore|baseline)$", runs, phasesFile, samplesFile,
                        Map.of("keys", csv(group), "backlog", "0", "appCds", "off"))));
            }
            if (group == small) {
                List<Integer> series = backlogs.stream()
                        .filter(b -> !(b == 0 && sizes.contains(backlogKeys))).toList();
                if (!series.isEmpty()) {
                    steps.add(new Step("recovery against backlogs " + series + " at " + backlogKeys + " keys", () -> jmh(
                            "RecoveryTimeBenchmark\\.recover$", runs, phasesFile, samplesFile,
                            Map.of("keys", Integer.toString(backlogKeys), "backlog", csv(series), "appCds", "off"))));
                }
                if (!cdsKeys.isEmpty()) {
                    steps.add(new Step("recovery with AppCDS at " + cdsKeys + " keys", () -> jmh(
                            "RecoveryTimeBenchmark\\.recover$", runs, phasesFile, samplesFile,
                            Map.of("keys", csv(cdsKeys), "backlog", "0", "appCds", "on"))));
                }
            }
            if (!group.isEmpty() && !changes.isEmpty()) {
                steps.add(new Step("checkpoint durations at " + group + " keys", () -> jmh(
                        "CheckpointDurationBenchmark\\.checkpoint$", runs, phasesFile, samplesFile,
                        Map.of("keys", csv(group), "change", String.join(",", changes)))));
            }
        }
        try {
            for (int i = 0; i < steps.size(); i++) {
                log("step " + (i + 1) + " of " + steps.size() + ": " + steps.get(i).name());
                all.addAll(steps.get(i).run().call());
                String status = i == steps.size() - 1 ? "complete" : "partial: " + (i + 1) + " of " + steps.size()
                        + " steps done (the file is rewritten after each step)";
                Files.writeString(json, jmhJson(all).replace(scratch.toString(), "<scratch>"), StandardCharsets.UTF_8);
                Files.writeString(md, markdown(all, samples(phasesFile), samples(samplesFile), begin, Instant.now(),
                        loadAtStart, load(), json.getFileName().toString(), scratch.getParent(), status, runs),
                        StandardCharsets.UTF_8);
                log("wrote " + md + " and " + json + " (" + status + ")");
            }
        } finally {
            LocalDirs.delete(scratch);
        }
    }

    private record Step(String name, java.util.concurrent.Callable<Collection<RunResult>> run) {
    }

    private static Collection<RunResult> jmh(String include, int runs, Path phasesFile, Path samplesFile,
                                             Map<String, String> params) throws RunnerException {
        List<String> jvmArgs = new ArrayList<>(Arrays.asList(RunStorageBenchmarks.chronicleFlags()));
        jvmArgs.add("-D" + RecoveryTimeBenchmark.PHASES_FILE_PROPERTY + "=" + phasesFile);
        jvmArgs.add("-D" + RecoveryTimeBenchmark.CHECKPOINTS_DIR_PROPERTY + "="
                + phasesFile.resolveSibling("checkpoints"));
        jvmArgs.add("-D" + CheckpointDurationBenchmark.SAMPLES_FILE_PROPERTY + "=" + samplesFile);
        for (String passed : List.of("sluice.bench.recovery.xmx", ScratchDirectory.BENCH_DIR_PROPERTY)) {
            if (System.getProperty(passed) != null) {
                jvmArgs.add("-D" + passed + "=" + System.getProperty(passed));
            }
        }
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(RunRecoveryBenchmarks.class.getPackageName().replace(".", "\\.") + "\\." + include)
                .jvmArgsAppend(jvmArgs.toArray(String[]::new))
                .measurementIterations(runs)
                .shouldFailOnError(true);
        params.forEach((k, v) -> options.param(k, v.split(",")));
        return new Runner(options.build()).run();
    }

    // ---------------------------------------------------------------------------------------
    // Results

    private static String markdown(List<RunResult> all, List<Sample> phases, List<Sample> checkpoints, Instant begin,
                                   Instant end, String loadStart, String loadEnd, String json, Path scratchParent,
                                   String status, int runs) {
        List<Sample> measured = phases.stream().filter(s -> s.get("measured").equals("true")).toList();
        StringBuilder md = new StringBuilder();
        md.append("# Recovery and checkpoint benchmarks\n\n");
        md.append("| | |\n|---|---|\n");
        md.append("| command | `java").append(properties())
                .append(" -cp benchmarks/target/benchmarks.jar io.sluice.benchmarks.RunRecoveryBenchmarks` |\n");
        md.append("| date | ").append(begin).append(" |\n");
        md.append("| status | ").append(status).append(" |\n");
        md.append("| wall time | ").append(Duration.between(begin, end).toSeconds()).append(" s |\n");
        md.append("| load average (1, 5, 15 min) | ").append(loadStart).append(" at the start, ").append(loadEnd)
                .append(" at the end |\n");
        md.append("| CPU | ").append(Runtime.getRuntime().availableProcessors()).append(" cores |\n");
        md.append("| memory | ").append(memTotal()).append(" |\n");
        md.append("| Java | ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.vm.version")).append(" |\n");
        md.append("| child JVM heap | -Xmx").append(System.getProperty("sluice.bench.recovery.xmx", "3g")).append(" |\n");
        md.append("| scratch file system | ").append(fileStore(scratchParent)).append(" |\n");
        md.append("| JMH | single shot per child JVM, 1 warm-up and ").append(runs)
                .append(" measured invocations per configuration; score: mean, ± the half-width of the 99.9% ")
                .append("confidence interval, min - max |\n");
        md.append("| raw results | `").append(json).append("` (JMH's JSON) |\n\n");

        md.append("## Recovery time against state size\n\n");
        md.append("`RecoveryTimeBenchmark.recover`: `updateStateByKey` with one `Long` per key, checkpoint on the ")
                .append("local file system, no WAL backlog. The score is **spawn to first completed batch**: from ")
                .append("just before the benchmark starts the child process to the child's report that its first ")
                .append("batch after the restart completed (that batch visits every key, as `updateStateByKey` does ")
                .append("in Spark). The phases are the children's own clocks (median of the measured children), from ")
                .append("the JVM's start as the OS reports it; \"launch\" is spawn to that start.\n\n");
        md.append("| keys | **spawn to first completed batch (JMH)** | launch | JVM start to main | logging start | ")
                .append("getOrCreate | start (restore state, open logs) | first batch | JVM start to end of start | ")
                .append("JVM start to first completed batch |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (RunResult r : select(all, "recover", "backlog", "0", "appCds", "off")) {
            List<Sample> s = phasesOf(measured, "recover", r);
            md.append("| ").append(keysText(r)).append(" | **").append(score(r)).append("**")
                    .append(" | ").append(median(s, x -> x.num("launch")))
                    .append(" | ").append(median(s, x -> x.num("main")))
                    .append(" | ").append(median(s, x -> x.num("logging") - x.num("main")))
                    .append(" | ").append(median(s, x -> x.num("created") - x.num("logging")))
                    .append(" | ").append(median(s, x -> x.num("started") - x.num("created")))
                    .append(" | ").append(median(s, x -> x.num("firstBatch") - x.num("started")))
                    .append(" | ").append(median(s, x -> x.num("started")))
                    .append(" | ").append(median(s, x -> x.num("firstBatch"))).append(" |\n");
        }
        md.append("\nCPU time of the child (all threads, ms) in the same phases, median; on a shared machine it says ")
                .append("how much of the wall time was work rather than waiting for a core, and a phase whose CPU ")
                .append("time exceeds its wall time ran on both cores:\n\n");
        md.append("| keys | JVM start to main | logging start | getOrCreate | start | first batch | JVM start to end of start ")
                .append("| JVM start to first completed batch |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (RunResult r : select(all, "recover", "backlog", "0", "appCds", "off")) {
            List<Sample> s = phasesOf(measured, "recover", r);
            md.append("| ").append(keysText(r))
                    .append(" | ").append(median(s, x -> x.num("cpuMain")))
                    .append(" | ").append(median(s, x -> x.num("cpuLogging") - x.num("cpuMain")))
                    .append(" | ").append(median(s, x -> x.num("cpuCreated") - x.num("cpuLogging")))
                    .append(" | ").append(median(s, x -> x.num("cpuStarted") - x.num("cpuCreated")))
                    .append(" | ").append(median(s, x -> x.num("cpuFirstBatch") - x.num("cpuStarted")))
                    .append(" | ").append(median(s, x -> x.num("cpuStarted")))
                    .append(" | ").append(median(s, x -> x.num("cpuFirstBatch"))).append(" |\n");
        }

        md.append("\nThe floor (`RecoveryTimeBenchmark.baseline`): a JVM with the same class path and flags that ")
                .append("starts its logging and reports at once, ms: ");
        for (RunResult r : select(all, "baseline")) {
            List<Sample> s = phasesOf(measured, "baseline", r);
            md.append("**").append(score(r)).append("** spawn to report (").append(keysText(r))
                    .append("-key parameter set; of which JVM start to main ").append(median(s, x -> x.num("main")))
                    .append(", logging start ").append(median(s, x -> x.num("logging") - x.num("main")))
                    .append(", CPU to report ").append(median(s, x -> x.num("cpuLogging"))).append("); ");
        }
        md.append("\n");
        md.append("\n## The restore part alone\n\n");
        md.append("`RecoveryTimeBenchmark.restore`: what `start` does to the state, in a new JVM: read the newest ")
                .append("checkpoint, make the local snapshot copy match its manifest (local recovery: nothing is ")
                .append("downloaded when it matches), open RocksDB on it through hard links. Score: spawn to the ")
                .append("opened store; phases: median ms of wall (CPU).\n\n");
        md.append("| keys | **spawn to opened state (JMH)** | read checkpoint (incl. Hadoop start) | verify local copy | ")
                .append("open state store | files downloaded | files reused | bytes reused |\n")
                .append("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (RunResult r : select(all, "restore")) {
            List<Sample> s = phasesOf(measured, "restore", r);
            md.append("| ").append(keysText(r)).append(" | **").append(score(r)).append("**")
                    .append(" | ").append(median(s, x -> x.num("checkpointRead") - x.num("logging")))
                    .append(" (").append(median(s, x -> x.num("cpuCheckpointRead") - x.num("cpuLogging"))).append(")")
                    .append(" | ").append(median(s, x -> x.num("localCopyVerified") - x.num("checkpointRead")))
                    .append(" (").append(median(s, x -> x.num("cpuLocalCopyVerified") - x.num("cpuCheckpointRead")))
                    .append(")")
                    .append(" | ").append(median(s, x -> x.num("stateOpened") - x.num("localCopyVerified")))
                    .append(" (").append(median(s, x -> x.num("cpuStateOpened") - x.num("cpuLocalCopyVerified")))
                    .append(")")
                    .append(" | ").append(median(s, x -> x.num("filesDownloaded")))
                    .append(" | ").append(median(s, x -> x.num("filesReused")))
                    .append(" | ").append(median(s, x -> x.num("bytesReused"))).append(" |\n");
        }

        md.append("\n## Recovery time against the WAL backlog\n\n");
        md.append("The same application, checkpointed, then that many batches run (1,000 keys each, blocks in the ")
                .append("WAL, allocations in the tracker log) before the JVM halted as a kill would: recovery re-runs ")
                .append("them onto the checkpoint's state. Score: spawn to the first completed (re-run) batch; ")
                .append("then the median of the children's own clocks.\n\n");
        md.append("| keys | logged batches to re-run | **spawn to first completed batch (JMH)** | start (restore, ")
                .append("tracker log) | JVM start to caught up (last re-run batch done) |\n|---:|---:|---:|---:|---:|\n");
        List<RunResult> backlogRuns = new ArrayList<>(select(all, "recover", "appCds", "off"));
        backlogRuns.sort((a, b) -> Integer.compare(Integer.parseInt(a.getParams().getParam("backlog")),
                Integer.parseInt(b.getParams().getParam("backlog"))));
        int backlogKeys = Integer.parseInt(System.getProperty("sluice.bench.recovery.backlogKeys", "100000"));
        for (RunResult r : backlogRuns) {
            if (Integer.parseInt(r.getParams().getParam("keys")) != backlogKeys) {
                continue;
            }
            List<Sample> s = phasesOf(measured, "recover", r);
            md.append("| ").append(keysText(r)).append(" | ").append(r.getParams().getParam("backlog"))
                    .append(" | **").append(score(r)).append("**")
                    .append(" | ").append(median(s, x -> x.num("started") - x.num("created")))
                    .append(" | ").append(median(s, x -> x.num("caughtUp"))).append(" |\n");
        }

        md.append("\n## AppCDS (a deployment option)\n\n");
        md.append("The same recovery with the children started with `-XX:SharedArchiveFile` of a dynamic AppCDS ")
                .append("archive that one training child wrote with `-XX:ArchiveClassesAtExit` (see the README). ")
                .append("ms, median of the children's clocks, wall (CPU).\n\n");
        md.append("| keys | AppCDS | **spawn to first completed batch (JMH)** | JVM start to end of start | ")
                .append("JVM start to first completed batch |\n|---:|---|---:|---:|---:|\n");
        List<RunResult> cds = select(all, "recover", "backlog", "0", "appCds", "on");
        for (RunResult on : cds) {
            select(all, "recover", "backlog", "0", "appCds", "off", "keys", on.getParams().getParam("keys"))
                    .forEach(off -> cdsRow(md, off, measured));
            cdsRow(md, on, measured);
        }

        md.append("\n## Checkpoint duration against state size and change\n\n");
        md.append("`CheckpointDurationBenchmark.checkpoint`: the state part of a checkpoint (RocksDB snapshot, ")
                .append("incremental upload to a `file:` checkpoint directory with fsync, metadata, old local snapshot ")
                .append("deleted), in the JMH fork. \"all\": a first checkpoint into an empty directory, every file ")
                .append("uploaded (what every checkpoint cost before uploads were incremental); a percentage: that ")
                .append("share of the keys, drawn at random, got a new value since the last checkpoint. Transfer ")
                .append("figures are medians of the measured invocations; \"write\" is the time the change took, ")
                .append("not part of the checkpoint.\n\n");
        md.append("| keys | change | **checkpoint ms (JMH)** | uploaded files | uploaded bytes | reused files | ")
                .append("reused bytes | write ms |\n|---:|---|---:|---:|---:|---:|---:|---:|\n");
        List<Sample> cpMeasured = checkpoints.stream().filter(s -> s.get("measured").equals("true")).toList();
        for (RunResult r : all) {
            if (!r.getParams().getBenchmark().endsWith("CheckpointDurationBenchmark.checkpoint")) {
                continue;
            }
            String keys = r.getParams().getParam("keys");
            String change = r.getParams().getParam("change");
            List<Sample> s = cpMeasured.stream()
                    .filter(x -> x.get("keys").equals(keys) && x.get("change").equals(change)).toList();
            md.append("| ").append(keysText(r)).append(" | ").append(change.equals("all") ? "all new" : change + "%")
                    .append(" | **").append(score(r)).append("**")
                    .append(" | ").append(median(s, x -> x.num("filesUploaded")))
                    .append(" | ").append(median(s, x -> x.num("bytesUploaded")))
                    .append(" | ").append(median(s, x -> x.num("filesReused")))
                    .append(" | ").append(median(s, x -> x.num("bytesReused")))
                    .append(" | ").append(median(s, x -> x.num("writeMs"))).append(" |\n");
        }
        return md.toString();
    }

    /**
     * JMH's JSON of {@code all}. The caller writes the run's scratch directory, which appears in
     * the forks' arguments, as {@code <scratch>}: the file describes the run, not this machine.
     */
    private static String jmhJson(List<RunResult> all) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.PrintStream out = new java.io.PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            ResultFormatFactory.getInstance(ResultFormatType.JSON, out).writeOut(all);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static void cdsRow(StringBuilder md, RunResult r, List<Sample> measured) {
        List<Sample> s = phasesOf(measured, "recover", r);
        md.append("| ").append(keysText(r)).append(" | ").append(r.getParams().getParam("appCds"))
                .append(" | **").append(score(r)).append("**")
                .append(" | ").append(median(s, x -> x.num("started"))).append(" (")
                .append(median(s, x -> x.num("cpuStarted"))).append(")")
                .append(" | ").append(median(s, x -> x.num("firstBatch"))).append(" (")
                .append(median(s, x -> x.num("cpuFirstBatch"))).append(") |\n");
    }

    /** The runs of {@code RecoveryTimeBenchmark.<method>} whose parameters have the given values. */
    private static List<RunResult> select(List<RunResult> all, String method, String... keyValues) {
        return all.stream().filter(r -> r.getParams().getBenchmark().endsWith("RecoveryTimeBenchmark." + method))
                .filter(r -> {
                    for (int i = 0; i < keyValues.length; i += 2) {
                        if (!keyValues[i + 1].equals(r.getParams().getParam(keyValues[i]))) {
                            return false;
                        }
                    }
                    return true;
                }).toList();
    }

    private static List<Sample> phasesOf(List<Sample> measured, String method, RunResult r) {
        return measured.stream().filter(s -> s.get("method").equals(method)
                && s.get("keys").equals(r.getParams().getParam("keys"))
                && s.get("backlog").equals(r.getParams().getParam("backlog"))
                && s.get("appCds").equals(r.getParams().getParam("appCds"))).toList();
    }

    private static String keysText(RunResult r) {
        return String.format(Locale.ROOT, "%,d", Long.parseLong(r.getParams().getParam("keys")));
    }

    private static String score(RunResult r) {
        Statistics st = r.getPrimaryResult().getStatistics();
        double error = st.getN() > 1 ? st.getMeanErrorAt(0.999) : Double.NaN;
        return String.format(Locale.ROOT, "%,.0f%s (%,.0f - %,.0f)", st.getMean(),
                Double.isNaN(error) ? "" : String.format(Locale.ROOT, " ± %,.0f", error), st.getMin(), st.getMax());
    }

    private static String median(List<Sample> samples, ToDoubleFunction<Sample> f) {
        double[] v = samples.stream().mapToDouble(f).sorted().toArray();
        if (v.length == 0) {
            return "n/a";
        }
        double m = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        return String.format(Locale.ROOT, "%,.0f", m);
    }

    private static List<Sample> samples(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<Sample> samples = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, String> fields = new LinkedHashMap<>();
            for (String field : line.trim().split("\\s+")) {
                String[] kv = field.split("=", 2);
                fields.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
            samples.add(new Sample(fields));
        }
        return samples;
    }

    private static String properties() {
        String set = System.getProperties().stringPropertyNames().stream()
                .filter(k -> k.startsWith("sluice.bench."))
                .sorted().map(k -> " -D" + k + "=" + System.getProperty(k)).collect(Collectors.joining());
        return set;
    }

    private static String csv(List<Integer> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    private static List<Integer> ints(String list) {
        return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(Integer::parseInt).toList();
    }

    private static void log(String message) {
        System.err.println(Instant.now() + " RunRecoveryBenchmarks: " + message);
    }

    private static String load() {
        try {
            String[] fields = Files.readString(Paths.get("/proc/loadavg")).trim().split("\\s+");
            return String.join(" ", Arrays.copyOf(fields, 3));
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String memTotal() {
        try (Stream<String> lines = Files.lines(Paths.get("/proc/meminfo"))) {
            return lines.filter(l -> l.startsWith("MemTotal")).findFirst().map(l -> {
                long kib = Long.parseLong(l.split("\\s+")[1]);
                return String.format(Locale.ROOT, "%.1f GiB", kib / 1048576.0);
            }).orElse("unknown");
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String fileStore(Path dir) {
        try {
            var store = Files.getFileStore(dir);
            return "`" + store.name() + "` (" + store.type() + ")";
        } catch (IOException e) {
            return "unknown";
        }
    }
}
