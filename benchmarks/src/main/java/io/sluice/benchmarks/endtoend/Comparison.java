package io.sluice.benchmarks.endtoend;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The driver of the end-to-end benchmarks: runs every configuration of the chosen workloads on
 * each engine in child JVMs ({@link EngineRun}; same heap, same flags; one per engine and
 * workload, which runs its configurations one after the other), alternating which engine goes
 * first from one workload to the next, and writes the figures of both
 * side by side with the ratio Sluice/Spark as Markdown and JSON.
 *
 * <p>The whole run is time-boxed ({@code sluice.bench.totalMinutes}, default 19; the one-command
 * script gives it what its build left of 19.5 minutes); configurations are run with the
 * issue's targets first, and those the time box leaves no room for are reported as not run: each rate
 * search gets at most {@code sluice.bench.budgetSeconds} (default 30, counted from the end of its
 * warm-up) and less when the
 * remaining time must be shared by more runs; a search stopped by its budget reports the
 * highest rate that passed and says so. Settings, as system properties of the launcher:
 * <ul>
 *   <li>{@code sluice.bench.engines}: {@code sluice,spark} (default when the Spark classpath
 *       exists) or one of them;</li>
 *   <li>{@code sluice.bench.workloads}: workload ids, comma-separated (default all);</li>
 *   <li>{@code sluice.bench.intervals}: batch intervals in ms for the receiver workloads
 *       (default {@code 1000,500,100});</li>
 *   <li>{@code sluice.bench.holdSeconds}: how long a rate must hold (default 3; the issue's
 *       definition says 60, which makes the full set take hours);</li>
 *   <li>{@code sluice.bench.warmupSeconds}: how long a child's first run warms up under load
 *       before its search (default 15);</li>
 *   <li>{@code sluice.bench.rewarmSeconds}: the same for the later runs of a child (default 5);</li>
 *   <li>{@code sluice.bench.sparkMaster}: Spark's master (default {@code local[2]} plus one
 *       thread per receiver);</li>
 *   <li>{@code sluice.bench.heap}: the children's heap (default {@code 2g});</li>
 *   <li>{@code sluice.bench.startRate}: the first rate of the first search (default 20,000
 *       lines/s; later searches of an engine start from its previous result);</li>
 *   <li>{@code sluice.bench.sparkClasspath}: the classpath file written by the Spark peer
 *       module's build (default {@code benchmarks-spark/target/spark-bench.classpath});</li>
 *   <li>{@code sluice.bench.results}: the results directory (default {@code benchmarks/results});</li>
 *   <li>{@code sluice.bench.jfr}: {@code true} records every child with JFR into the scratch
 *       directory;</li>
 *   <li>every other {@code sluice.bench.*} property is passed on to the children.</li>
 * </ul>
 */
public final class Comparison {
    /** Flags Spark needs on Java 17 (its own launcher adds the same), given to both engines. */
    static final String SPARK_FLAGS = "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED "
            + "--add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED "
            + "--add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED "
            + "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED "
            + "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED "
            + "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false";

    private final String name;
    private final List<Workload> workloads;
    private final List<String> engines;
    private final Path results;
    private final Path scratch;
    private final String sparkClasspath;
    private final long deadlineNanos;
    private final double holdSeconds;
    private final double budgetSeconds;
    private final Map<String, Double> lastRate = new LinkedHashMap<>();
    private final List<Map<String, RunResult>> rows = new ArrayList<>();
    private final List<RunSpec> specs = new ArrayList<>();

    private Comparison(String name, List<Workload> workloads) throws IOException {
        this.name = name;
        this.workloads = workloads;
        this.results = Path.of(System.getProperty("sluice.bench.results",
                Files.isDirectory(Path.of("benchmarks")) ? "benchmarks/results" : "results"));
        Path cpFile = Path.of(System.getProperty("sluice.bench.sparkClasspath",
                "benchmarks-spark/target/spark-bench.classpath"));
        this.sparkClasspath = Files.exists(cpFile)
                ? cpFile.toAbsolutePath().getParent().resolve("classes") + File.pathSeparator
                        + Files.readString(cpFile).trim()
                : null;
        String engineList = System.getProperty("sluice.bench.engines", sparkClasspath != null ? "sluice,spark" : "sluice");
        this.engines = List.of(engineList.split(","));
        if (engines.contains("spark") && sparkClasspath == null) {
            throw new IllegalStateException("the Spark engine needs the classpath file " + cpFile.toAbsolutePath()
                    + "; build it first: mvn -Pspark-bench -pl benchmarks-spark -am package -DskipTests");
        }
        this.scratch = Files.createTempDirectory("sluice-bench-");
        this.deadlineNanos = System.nanoTime()
                + (long) (Double.parseDouble(System.getProperty("sluice.bench.totalMinutes", "19")) * 60e9);
        this.holdSeconds = Double.parseDouble(System.getProperty("sluice.bench.holdSeconds", "3"));
        this.budgetSeconds = Double.parseDouble(System.getProperty("sluice.bench.budgetSeconds", "30"));
    }

    /** Runs every workload on both engines; writes {@code comparison-latest.md} and {@code .json}. */
    public static void main(String[] args) throws Exception {
        run("comparison", selected(List.of(Workload.values())));
    }

    /** Runs {@code workloads} (narrowed by {@code sluice.bench.workloads}) and writes {@code <name>-latest.*}. */
    static void run(String name, List<Workload> workloads) throws Exception {
        new Comparison(name, workloads).runAll();
    }

    private static List<Workload> selected(List<Workload> all) {
        String filter = System.getProperty("sluice.bench.workloads");
        if (filter == null || filter.isBlank()) {
            return all;
        }
        List<Workload> out = new ArrayList<>();
        for (String id : filter.split(",")) {
            out.add(Workload.of(id.trim()));
        }
        return out;
    }

    private void runAll() throws Exception {
        Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String loadBefore = loadAverage();
        List<Long> intervals = new ArrayList<>();
        for (String s : System.getProperty("sluice.bench.intervals", "1000,500,100").split(",")) {
            intervals.add(Long.parseLong(s.trim()));
        }
        // The configurations behind the targets first, so that a tight time box cuts
        // the others: the receiver word count with the WAL, the queue stream, the 1M-key state,
        // the scheduling overhead; then the rest.
        for (Workload w : workloads) {
            switch (w) {
                case RECEIVER_WORD_COUNT -> intervals.forEach(ms -> specs.add(spec("", w, ms, true)));
                case QUEUE_WORD_COUNT, UPDATE_STATE_1M -> specs.add(spec("", w, 1000, false));
                case SCHEDULING_OVERHEAD -> specs.add(spec("", w, 100, false));
                default -> {
                }
            }
        }
        for (Workload w : workloads) {
            if (w == Workload.RECEIVER_WORD_COUNT) {
                intervals.forEach(ms -> specs.add(spec("", w, ms, false)));
            } else if (w == Workload.WINDOWED_COUNT) {
                for (boolean wal : new boolean[] {true, false}) {
                    intervals.forEach(ms -> specs.add(spec("", w, ms, wal)));
                }
            }
        }
        System.out.printf("%d configurations x %s; scratch directory %s%n", specs.size(), engines, scratch);
        for (int i = 0; i < specs.size(); i++) {
            rows.add(new LinkedHashMap<>());
        }
        // One child JVM per engine and workload, running its configurations (intervals, WAL on
        // and off) one after the other: the JIT warm-up (long for Spark) is paid once per workload.
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < specs.size(); i++) {
            groups.computeIfAbsent(specs.get(i).workload().id(), k -> new ArrayList<>()).add(i);
        }
        // Time planning: searches (the throughput workloads) share what the children's starts and
        // first warm-ups, and the fixed-length runs (1M-key state, overhead), leave.
        int left = 0;
        double fixedLeft = 0;
        for (RunSpec s : specs) {
            if (s.workload() == Workload.UPDATE_STATE_1M) {
                fixedLeft += 90 * engines.size();
            } else if (s.workload() == Workload.SCHEDULING_OVERHEAD) {
                fixedLeft += 25 * engines.size();
            } else {
                left += engines.size();
            }
        }
        int childrenLeft = groups.size() * engines.size();
        int g = 0;
        for (List<Integer> group : groups.values()) {
            List<String> order = new ArrayList<>(engines);
            if (g++ % 2 == 1) {
                java.util.Collections.reverse(order);
            }
            for (String engine : order) {
                double remaining = (deadlineNanos - System.nanoTime()) / 1e9;
                if (remaining < 40) {
                    for (int i : group) {
                        RunResult skipped = new RunResult();
                        skipped.put("engine", engine).put("workload", specs.get(i).workload().id());
                        skipped.note("not run: the time box of the whole comparison was spent");
                        rows.get(i).put(engine, skipped);
                    }
                    left -= searches(group);
                    fixedLeft -= fixed(group);
                    childrenLeft--;
                    continue;
                }
                // A child costs about 8 s of JVM and engine start plus its first warm-up; each search
                // in it its budget plus about 5 s (the last trial, the stop) and a re-warm.
                double perRun = (remaining - fixedLeft - childrenLeft * (8 + WorkloadRun.WARMUP_SECONDS))
                        / Math.max(1, left) - 5 - WorkloadRun.REWARM_SECONDS;
                double budget = Math.max(8, Math.min(budgetSeconds, perRun));
                String key = engine + "/" + specs.get(group.get(0)).workload().id();
                double start = lastRate.getOrDefault(key,
                        Double.parseDouble(System.getProperty("sluice.bench.startRate", "20000")));
                List<RunSpec> child = new ArrayList<>();
                for (int i : group) {
                    RunSpec base = specs.get(i);
                    child.add(new RunSpec(engine, base.workload(), base.batchMs(), base.wal(), holdSeconds, start,
                            budget, scratch.resolve("data-" + i + "-" + engine),
                            scratch.resolve("result-" + i + "-" + engine + ".properties")));
                }
                List<RunResult> results = runChild(child);
                for (int k = 0; k < group.size(); k++) {
                    RunResult r = results.get(k);
                    rows.get(group.get(k)).put(engine, r);
                    double sustained = r.number("sustainedLinesPerSec");
                    if (sustained > 0 && k == 0) {
                        lastRate.put(key, sustained);
                    }
                    deleteRecursively(child.get(k).dataDir());
                }
                left -= searches(group);
                fixedLeft -= fixed(group);
                childrenLeft--;
            }
        }
        Instant ended = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        write(started, ended, loadBefore, loadAverage());
    }

    private RunSpec spec(String engine, Workload w, long ms, boolean wal) {
        return new RunSpec(engine, w, ms, wal, 0, 0, 0, scratch, scratch);
    }

    /** How many rate searches the configurations {@code group} (spec indices) hold. */
    private int searches(List<Integer> group) {
        return (int) group.stream().filter(i -> fixed(List.of(i)) == 0).count();
    }

    /** The seconds the fixed-length runs among {@code group} (spec indices) take, about. */
    private double fixed(List<Integer> group) {
        double t = 0;
        for (int i : group) {
            Workload w = specs.get(i).workload();
            t += w == Workload.UPDATE_STATE_1M ? 90 : w == Workload.SCHEDULING_OVERHEAD ? 25 : 0;
        }
        return t;
    }

    /** Runs {@code runs} (one engine, one workload) in one child JVM; a result per run, in order. */
    private List<RunResult> runChild(List<RunSpec> runs) throws IOException, InterruptedException {
        RunSpec first = runs.get(0);
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(jvmFlags().split(" +")));
        // No -Xms: with -Xms equal to -Xmx, Spark Streaming's word-count batches took about twice
        // as long on this machine (the same pipeline A/B, 5,000-line batches; not a GC pause
        // total). Spark's own launcher sets only -Xmx.
        cmd.add("-Xmx" + System.getProperty("sluice.bench.heap", "2g"));
        cmd.add("-Djava.io.tmpdir=" + scratch);
        for (String k : System.getProperties().stringPropertyNames()) {
            if (k.startsWith("sluice.bench.") && !k.equals("sluice.bench.jfr")) {
                cmd.add("-D" + k + "=" + System.getProperty(k));
            }
        }
        String label = first.workload().id() + "-" + first.engine();
        if (Boolean.getBoolean("sluice.bench.jfr")) {
            cmd.add("-XX:StartFlightRecording=settings=profile,filename=" + scratch.resolve(label + ".jfr"));
        }
        cmd.add("-cp");
        cmd.add(first.engine().equals("spark") ? sparkClasspath : System.getProperty("java.class.path"));
        cmd.add(EngineRun.class.getName());
        double limit = 15 + WorkloadRun.WARMUP_SECONDS;
        for (RunSpec spec : runs) {
            if (spec != first) {
                cmd.add("--");
            }
            cmd.addAll(List.of(spec.toArgs()));
            // A search ends within its budget plus one trial; update-state waits up to 90 s for
            // its first batch and then measures 20 s.
            limit += spec.budgetSeconds() + WorkloadRun.REWARM_SECONDS
                    + (spec.workload() == Workload.UPDATE_STATE_1M ? 150 : 75);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        Path log = scratch.resolve(label + ".log");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        System.out.printf(Locale.ROOT, "[%s] %s on %s (search budget %.0f s each, log %s)%n",
                Instant.now().truncatedTo(ChronoUnit.SECONDS),
                runs.stream().map(RunSpec::label).reduce((a, b) -> a + ", " + b).orElse(""), first.engine(),
                first.budgetSeconds(), log);
        Process p = pb.start();
        boolean done = p.waitFor((long) limit, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly().waitFor();
        }
        try (Stream<String> lines = Files.lines(log)) {
            lines.filter(l -> l.contains(" trial ") || l.contains("warm-up") || l.startsWith("=="))
                    .forEach(l -> System.out.println("  " + l.trim()));
        }
        List<RunResult> out = new ArrayList<>();
        for (RunSpec spec : runs) {
            RunResult r;
            if (Files.exists(spec.out())) {
                r = RunResult.read(spec.out());
            } else {
                r = new RunResult();
                r.put("engine", spec.engine()).put("workload", spec.workload().id()).put("batchMs", spec.batchMs())
                        .put("wal", spec.wal());
                r.note(done ? "the run failed (child exit " + p.exitValue() + "); see its log"
                        : "the child JVM did not finish within " + (long) limit + " s and was killed");
                System.out.println("  FAILED: " + spec.label() + ": " + r.notes().get(0) + ": " + log);
            }
            r.put("log", log.getFileName());
            out.add(r);
        }
        return out;
    }

    /** The flags every child gets: Chronicle's (the build's {@code sluice.jvm.flags}) and Spark's. */
    static String jvmFlags() throws IOException {
        Properties p = new Properties();
        try (InputStream in = Comparison.class.getResourceAsStream("/io/sluice/benchmarks/jvm-flags.properties")) {
            if (in == null) {
                throw new IllegalStateException("jvm-flags.properties is missing from the classpath; build the "
                        + "benchmarks module with Maven (it fills in the root pom's sluice.jvm.flags)");
            }
            p.load(in);
        }
        return p.getProperty("jvm.flags").trim() + " " + SPARK_FLAGS;
    }

    // ------------------------------------------------------------------ output

    private void write(Instant started, Instant ended, String loadBefore, String loadAfter) throws IOException {
        Files.createDirectories(results);
        String md = new ComparisonReport(name, specs, rows, engines).markdown(started, ended, loadBefore, loadAfter,
                machine(), command(), holdSeconds);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", name);
        json.put("started", started.toString());
        json.put("ended", ended.toString());
        json.put("machine", machine());
        json.put("command", command());
        json.put("holdSeconds", holdSeconds);
        json.put("loadAverageBefore", loadBefore);
        json.put("loadAverageAfter", loadAfter);
        List<Object> runs = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("configuration", specs.get(i).label());
            for (Map.Entry<String, RunResult> e : rows.get(i).entrySet()) {
                run.put(e.getKey(), e.getValue().toJson());
            }
            runs.add(run);
        }
        json.put("runs", runs);
        Files.writeString(results.resolve(name + "-latest.md"), md, StandardCharsets.UTF_8);
        Files.writeString(results.resolve(name + "-latest.json"), Json.write(json), StandardCharsets.UTF_8);
        System.out.println("wrote " + results.resolve(name + "-latest.md") + " and .json; child logs in " + scratch);
    }

    private static String command() {
        return System.getProperty("sluice.bench.command",
                "java -cp benchmarks/target/benchmarks.jar " + ManagementFactory.getRuntimeMXBean().getInputArguments()
                        .stream().filter(a -> a.startsWith("-Dsluice.bench.")).reduce("", (a, b) -> a + b + " ")
                        + mainClass());
    }

    /** The class the JVM was started with (a single workload's runner, or this driver). */
    private static String mainClass() {
        String command = System.getProperty("sun.java.command", "").trim();
        String first = command.isEmpty() ? "" : command.split("\\s+")[0];
        return first.startsWith("io.sluice.") ? first : Comparison.class.getName();
    }

    static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("memory", readFirst("/proc/meminfo", "MemTotal"));
        m.put("cpu", readFirst("/proc/cpuinfo", "model name"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        return m;
    }

    private static String readFirst(String file, String prefix) {
        try (Stream<String> lines = Files.lines(Path.of(file))) {
            return lines.filter(l -> l.startsWith(prefix)).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim().replaceAll("\\s+", " ")).orElse("unknown");
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
