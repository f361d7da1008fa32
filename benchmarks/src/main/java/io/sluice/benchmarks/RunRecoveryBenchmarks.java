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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Recovery and checkpoint benchmarks (DESIGN.md "A checkpoint"; targets of the benchmarks
 * issue: recovery under 1 s at 1 million keys, at 10 million keys no more than twice the
 * 100-thousand-key time, checkpoint time growing with the change, not the state).
 *
 * <p>A runner rather than JMH: each measurement is a new child JVM ({@link RecoveryBenchmarkApp})
 * started on a checkpoint prepared once per configuration, and what is measured is split into
 * phases that JMH's single-shot mode would fold into one number. For each state size
 * ({@code updateStateByKey} over 100 thousand, 1 million and 10 million keys):
 * <ol>
 *   <li>one child prepares the checkpoint (loads the keys, checkpoints, halts);</li>
 *   <li>{@code runs} children each restore the state alone (the restore part);</li>
 *   <li>{@code runs} children each recover the application: JVM start, getOrCreate, start
 *       (which restores the state), and the first completed batch.</li>
 * </ol>
 * Then the same at one size against a WAL backlog of 0, 10 and 50 logged batches after the
 * checkpoint, and, in this JVM, {@link CheckpointDurationBenchmark} for every size.
 *
 * <p>Usage, from the project root after {@code mvn -pl benchmarks -am package -DskipTests}:
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar io.sluice.benchmarks.RunRecoveryBenchmarks
 * }</pre>
 * System properties: {@code sluice.bench.recovery.keys} (sizes, default
 * {@code 100000,1000000,10000000}; a smaller list for a quick run), {@code
 * sluice.bench.recovery.backlogs} (default {@code 0,10,50}), {@code
 * sluice.bench.recovery.backlogKeys} (the state size of the backlog series, default 100000),
 * {@code sluice.bench.recovery.runs} (children per configuration, default 3), {@code
 * sluice.bench.recovery.xmx} (child heap, default {@code 3g}), {@code sluice.bench.dir}
 * (scratch, default {@code java.io.tmpdir}) and {@code sluice.bench.results} (default
 * {@code benchmarks/results}). Writes {@code recovery-<date>.json} and {@code recovery-latest.md}.
 */
public final class RunRecoveryBenchmarks {

    private RunRecoveryBenchmarks() {
    }

    /** One child run's timings, milliseconds since the child JVM started, plus its launch delay. */
    record Recovery(long keys, int backlog, int run, long launchMs, Map<String, Long> times) {
        long get(String key) {
            Long v = times.get(key);
            if (v == null) {
                throw new IllegalStateException("The child printed no [" + key + "]: " + times);
            }
            return v;
        }
    }

    public static void main(String[] args) throws Exception {
        Instant begin = Instant.now();
        String loadAtStart = load();
        List<Long> sizes = longs(System.getProperty("sluice.bench.recovery.keys", "100000,1000000,10000000"));
        List<Long> backlogs = longs(System.getProperty("sluice.bench.recovery.backlogs", "0,10,50"));
        long backlogKeys = Long.parseLong(System.getProperty("sluice.bench.recovery.backlogKeys", "100000"));
        int runs = Integer.parseInt(System.getProperty("sluice.bench.recovery.runs", "3"));
        Path results = Paths.get(System.getProperty(RunStorageBenchmarks.RESULTS_DIR_PROPERTY,
                Paths.get("benchmarks", "results").toString())).toAbsolutePath();
        Path scratch = Paths.get(System.getProperty("sluice.bench.dir", System.getProperty("java.io.tmpdir")))
                .resolve("sluice-recovery-bench-" + UUID.randomUUID());
        Files.createDirectories(results);
        Files.createDirectories(scratch);

        List<Recovery> restores = new ArrayList<>();
        List<Recovery> recoveries = new ArrayList<>();
        List<Recovery> backlogRecoveries = new ArrayList<>();
        Map<String, Long> prepareMs = new LinkedHashMap<>();
        List<CheckpointDurationBenchmark.Sample> checkpoints = new ArrayList<>();
        String date = LocalDate.now(ZoneOffset.UTC).toString();
        Path json = results.resolve("recovery-" + date + ".json");
        Path md = results.resolve("recovery-latest.md");
        // Small sizes and the backlog series first, the largest sizes last, and the results
        // written after every step: a run cut short still leaves what it measured.
        List<Runnable> steps = new ArrayList<>();
        List<Long> small = sizes.stream().filter(k -> k <= 1_000_000).toList();
        List<Long> large = sizes.stream().filter(k -> k > 1_000_000).toList();
        for (List<Long> group : List.of(small, large)) {
            for (long keys : group) {
                steps.add(step(() -> {
                    Path dir = scratch.resolve("state-" + keys);
                    prepareMs.put(keys + " keys, backlog 0", prepare(dir, keys, 0));
                    for (int run = 1; run <= runs; run++) {
                        restores.add(child(keys, 0, run, "restore", dir.toString()));
                    }
                    for (int run = 1; run <= runs; run++) {
                        recoveries.add(child(keys, 0, run, "recover", dir.toString(), Long.toString(keys), "0"));
                    }
                    LocalDirs.delete(dir);
                }));
            }
            if (group == small) {
                for (long backlog : backlogs) {
                    steps.add(step(() -> {
                        Path dir = scratch.resolve("backlog-" + backlog);
                        prepareMs.put(backlogKeys + " keys, backlog " + backlog, prepare(dir, backlogKeys, (int) backlog));
                        for (int run = 1; run <= runs; run++) {
                            backlogRecoveries.add(child(backlogKeys, (int) backlog, run, "recover", dir.toString(),
                                    Long.toString(backlogKeys), Long.toString(backlog)));
                        }
                        LocalDirs.delete(dir);
                    }));
                }
            }
            for (long keys : group) {
                steps.add(step(() -> {
                    log("checkpoint durations at " + keys + " keys");
                    checkpoints.addAll(CheckpointDurationBenchmark.run(scratch, keys, runs));
                }));
            }
        }
        try {
            for (int i = 0; i < steps.size(); i++) {
                steps.get(i).run();
                String status = i == steps.size() - 1 ? "complete" : "partial: " + (i + 1) + " of " + steps.size()
                        + " steps done (the file is rewritten after each step)";
                Files.writeString(json, json(restores, recoveries, backlogRecoveries, checkpoints, prepareMs));
                Files.writeString(md, markdown(restores, recoveries, backlogRecoveries, checkpoints, prepareMs, begin,
                        Instant.now(), loadAtStart, load(), json.getFileName().toString(), scratch.getParent(), status));
                log("wrote " + md + " and " + json + " (" + status + ")");
            }
        } finally {
            LocalDirs.delete(scratch);
        }
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    private static Runnable step(Step step) {
        return () -> {
            try {
                step.run();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("A benchmark step failed: " + e, e);
            }
        };
    }

    // ---------------------------------------------------------------------------------------
    // Children

    private static long prepare(Path dir, long keys, int backlog) throws IOException, InterruptedException {
        log("preparing " + keys + " keys, backlog " + backlog);
        Recovery r = child(keys, backlog, 0, "prepare", dir.toString(), Long.toString(keys), Long.toString(backlog));
        return r.get("prepareMs");
    }

    private static Recovery child(long keys, int backlog, int run, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(RunStorageBenchmarks.chronicleFlags()));
        command.add("-Xmx" + System.getProperty("sluice.bench.recovery.xmx", "3g"));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(RecoveryBenchmarkApp.class.getName());
        command.addAll(Arrays.asList(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        long spawnedAt = System.currentTimeMillis();
        Process process = builder.start();
        // A runner stopped with Ctrl-C or kill must not leave its child running.
        Thread reaper = new Thread(process::destroyForcibly);
        Runtime.getRuntime().addShutdownHook(reaper);
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        Runtime.getRuntime().removeShutdownHook(reaper);
        Optional<String> line = out.lines().filter(l -> l.startsWith("RESULT ")).findFirst();
        if (exit != 0 || line.isEmpty()) {
            throw new IllegalStateException("The benchmark child " + Arrays.toString(args) + " exited with [" + exit
                    + "] and printed no result:\n" + out);
        }
        Map<String, Long> times = new LinkedHashMap<>();
        for (String field : line.get().substring("RESULT ".length()).trim().split("\\s+")) {
            String[] kv = field.split("=", 2);
            times.put(kv[0], Long.parseLong(kv[1]));
        }
        long launch = times.containsKey("jvmStart") ? times.get("jvmStart") - spawnedAt : -1;
        Recovery r = new Recovery(keys, backlog, run, launch, times);
        log(args[0] + " " + keys + " keys, backlog " + backlog + ", run " + run + ": " + times);
        return r;
    }

    // ---------------------------------------------------------------------------------------
    // Results

    private static String markdown(List<Recovery> restores, List<Recovery> recoveries, List<Recovery> backlogs,
                                   List<CheckpointDurationBenchmark.Sample> checkpoints, Map<String, Long> prepareMs,
                                   Instant begin, Instant end, String loadStart, String loadEnd, String json,
                                   Path scratchParent, String status) {
        StringBuilder md = new StringBuilder();
        md.append("# Recovery and checkpoint benchmarks\n\n");
        md.append("| | |\n|---|---|\n");
        md.append("| command | `java -cp benchmarks/target/benchmarks.jar io.sluice.benchmarks.RunRecoveryBenchmarks`")
                .append(properties()).append(" |\n");
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
        md.append("| raw results | `").append(json).append("` |\n\n");

        md.append("## Recovery time against state size\n\n");
        md.append("`updateStateByKey` with one `Long` per key, checkpoint on the local file system, a new JVM per run, ")
                .append("no WAL backlog (the first batch after the restart is a new one, which visits every key, as ")
                .append("`updateStateByKey` does in Spark). Times in ms, median of the runs (min - max); phases ")
                .append("measured from the child JVM's start as the OS reports it.\n\n");
        md.append("| keys | launch (spawn to JVM start) | JVM start to main | getOrCreate (read checkpoint, setup) | ")
                .append("start (restore state, rebuild tracker) | first batch | **JVM start to first completed batch** | ")
                .append("**spawn to first completed batch** |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (long keys : distinct(recoveries)) {
            List<Recovery> rs = recoveries.stream().filter(r -> r.keys() == keys && r.backlog() == 0).toList();
            md.append("| ").append(String.format(Locale.ROOT, "%,d", keys))
                    .append(" | ").append(stat(rs, r -> r.launchMs()))
                    .append(" | ").append(stat(rs, r -> r.get("main")))
                    .append(" | ").append(stat(rs, r -> r.get("created") - r.get("main")))
                    .append(" | ").append(stat(rs, r -> r.get("started") - r.get("created")))
                    .append(" | ").append(stat(rs, r -> r.get("firstBatch") - r.get("started")))
                    .append(" | **").append(stat(rs, r -> r.get("firstBatch"))).append("**")
                    .append(" | **").append(stat(rs, r -> r.launchMs() + r.get("firstBatch"))).append("** |\n");
        }
        md.append("\nCPU time of the child (all threads, ms) in the same phases, which on a shared machine says ")
                .append("how much of the wall time was work rather than waiting for a core:\n\n");
        md.append("| keys | JVM start to main | getOrCreate | start (restore) | first batch | JVM start to first batch |\n")
                .append("|---:|---:|---:|---:|---:|---:|\n");
        for (long keys : distinct(recoveries)) {
            List<Recovery> rs = recoveries.stream().filter(r -> r.keys() == keys && r.backlog() == 0).toList();
            md.append("| ").append(String.format(Locale.ROOT, "%,d", keys))
                    .append(" | ").append(stat(rs, r -> r.get("cpuMain")))
                    .append(" | ").append(stat(rs, r -> r.get("cpuCreated") - r.get("cpuMain")))
                    .append(" | ").append(stat(rs, r -> r.get("cpuStarted") - r.get("cpuCreated")))
                    .append(" | ").append(stat(rs, r -> r.get("cpuFirstBatch") - r.get("cpuStarted")))
                    .append(" | ").append(stat(rs, r -> r.get("cpuFirstBatch"))).append(" |\n");
        }
        md.append("\n## The restore part alone\n\n");
        md.append("What `start` does to the state, in a new JVM: read the newest checkpoint, make the local ")
                .append("snapshot copy match its manifest (local recovery: nothing downloaded when it matches), and ")
                .append("open RocksDB on it through hard links. ms, median (min - max).\n\n");
        md.append("| keys | read checkpoint (incl. Hadoop FS start) | verify local copy against the manifest | open state store | ")
                .append("**restore total** | files downloaded | files reused | bytes reused |\n")
                .append("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (long keys : distinct(restores)) {
            List<Recovery> rs = restores.stream().filter(r -> r.keys() == keys).toList();
            md.append("| ").append(String.format(Locale.ROOT, "%,d", keys))
                    .append(" | ").append(stat(rs, r -> r.get("checkpointRead") - r.get("main")))
                    .append(" | ").append(stat(rs, r -> r.get("localCopyVerified") - r.get("checkpointRead")))
                    .append(" | ").append(stat(rs, r -> r.get("stateOpened") - r.get("localCopyVerified")))
                    .append(" | **").append(stat(rs, r -> r.get("stateOpened") - r.get("main"))).append("**")
                    .append(" | ").append(stat(rs, r -> r.get("filesDownloaded")))
                    .append(" | ").append(stat(rs, r -> r.get("filesReused")))
                    .append(" | ").append(stat(rs, r -> r.get("bytesReused")))
                    .append(" |\n");
        }
        md.append("\nCPU ms of the same phases: ");
        for (long keys : distinct(restores)) {
            List<Recovery> rs = restores.stream().filter(r -> r.keys() == keys).toList();
            md.append(String.format(Locale.ROOT, "%,d keys: read checkpoint %s, verify %s, open %s; ", keys,
                    stat(rs, r -> r.get("cpuCheckpointRead") - r.get("cpuMain")),
                    stat(rs, r -> r.get("cpuLocalCopyVerified") - r.get("cpuCheckpointRead")),
                    stat(rs, r -> r.get("cpuStateOpened") - r.get("cpuLocalCopyVerified"))));
        }
        md.append("\n");
        md.append("\n## Recovery time against the WAL backlog\n\n");
        md.append("The same application, checkpointed, then that many batches run (1,000 keys each, blocks in the ")
                .append("WAL, allocations in the tracker log) before the JVM halted: recovery re-runs them onto the ")
                .append("checkpoint's state. ms from the child JVM's start, median (min - max).\n\n");
        md.append("| keys | logged batches to re-run | start (restore, tracker log) | JVM start to first completed batch | ")
                .append("JVM start to caught up (last re-run batch done) |\n|---:|---:|---:|---:|---:|\n");
        for (Recovery first : backlogs.stream().filter(r -> r.run() == 1).toList()) {
            List<Recovery> rs = backlogs.stream().filter(r -> r.backlog() == first.backlog()).toList();
            md.append("| ").append(String.format(Locale.ROOT, "%,d", first.keys())).append(" | ").append(first.backlog())
                    .append(" | ").append(stat(rs, r -> r.get("started") - r.get("created")))
                    .append(" | ").append(stat(rs, r -> r.get("firstBatch")))
                    .append(" | ").append(stat(rs, r -> r.get("caughtUp"))).append(" |\n");
        }
        md.append("\n## Checkpoint duration against state size and change\n\n");
        md.append("The state part of a checkpoint (RocksDB snapshot, incremental upload to a `file:` checkpoint ")
                .append("directory with fsync, metadata, old local snapshot deleted), in this JVM. The first ")
                .append("checkpoint uploads everything: that is what every checkpoint cost before uploads were ")
                .append("incremental. Changed keys are drawn at random over all keys; \"write\" is the time to write ")
                .append("them, not part of the checkpoint.\n\n");
        md.append("| keys | change | run | **checkpoint ms** | uploaded files | uploaded bytes | reused files | reused bytes | write ms |\n")
                .append("|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (CheckpointDurationBenchmark.Sample s : checkpoints) {
            md.append(String.format(Locale.ROOT, "| %,d | %s | %d | **%,.0f** | %,d | %,d | %,d | %,d | %,.0f |%n",
                    s.keys(), s.change(), s.run(), s.checkpointMs(), s.filesUploaded(), s.bytesUploaded(),
                    s.filesReused(), s.bytesReused(), s.writeMs()));
        }
        md.append("\n## Preparing the checkpoints (not a measurement target)\n\n| configuration | ms |\n|---|---:|\n");
        prepareMs.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(String.format(Locale.ROOT, "%,d", v))
                .append(" |\n"));
        return md.toString();
    }

    private static String json(List<Recovery> restores, List<Recovery> recoveries, List<Recovery> backlogs,
                               List<CheckpointDurationBenchmark.Sample> checkpoints, Map<String, Long> prepareMs) {
        StringBuilder j = new StringBuilder("{\n");
        j.append("  \"restore\": ").append(jsonRuns(restores)).append(",\n");
        j.append("  \"recovery\": ").append(jsonRuns(recoveries)).append(",\n");
        j.append("  \"recoveryWithBacklog\": ").append(jsonRuns(backlogs)).append(",\n");
        j.append("  \"checkpoint\": [\n").append(checkpoints.stream().map(s -> String.format(Locale.ROOT,
                "    {\"keys\": %d, \"change\": \"%s\", \"run\": %d, \"checkpointMs\": %.1f, \"writeMs\": %.1f,"
                        + " \"filesUploaded\": %d, \"bytesUploaded\": %d, \"filesReused\": %d, \"bytesReused\": %d}",
                s.keys(), s.change(), s.run(), s.checkpointMs(), s.writeMs(), s.filesUploaded(), s.bytesUploaded(),
                s.filesReused(), s.bytesReused())).collect(Collectors.joining(",\n"))).append("\n  ],\n");
        j.append("  \"prepareMs\": {").append(prepareMs.entrySet().stream()
                .map(e -> "\"" + e.getKey() + "\": " + e.getValue()).collect(Collectors.joining(", "))).append("}\n}\n");
        return j.toString();
    }

    private static String jsonRuns(List<Recovery> runs) {
        return "[\n" + runs.stream().map(r -> "    {\"keys\": " + r.keys() + ", \"backlog\": " + r.backlog()
                + ", \"run\": " + r.run() + ", \"launchMs\": " + r.launchMs() + ", \"msSinceJvmStart\": {"
                + r.times().entrySet().stream().filter(e -> !e.getKey().equals("jvmStart"))
                        .map(e -> "\"" + e.getKey() + "\": " + e.getValue()).collect(Collectors.joining(", "))
                + "}}").collect(Collectors.joining(",\n")) + "\n  ]";
    }

    private static List<Long> distinct(List<Recovery> runs) {
        return runs.stream().map(Recovery::keys).distinct().toList();
    }

    private static String stat(List<Recovery> runs, java.util.function.ToLongFunction<Recovery> f) {
        long[] v = runs.stream().mapToLong(f).sorted().toArray();
        if (v.length == 0) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%,d (%,d - %,d)", v[v.length / 2], v[0], v[v.length - 1]);
    }

    private static String properties() {
        String set = System.getProperties().stringPropertyNames().stream()
                .filter(k -> k.startsWith("sluice.bench.recovery."))
                .sorted().map(k -> " -D" + k + "=" + System.getProperty(k)).collect(Collectors.joining());
        return set.isEmpty() ? "" : " (with" + set + ")";
    }

    private static List<Long> longs(String list) {
        return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(Long::parseLong).toList();
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
