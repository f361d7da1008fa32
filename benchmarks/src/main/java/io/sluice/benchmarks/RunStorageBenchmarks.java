package io.sluice.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Properties;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the storage benchmarks ({@link DiskWriteBaseline}, {@link WalAppendBenchmark},
 * {@link StateStoreBenchmark}, {@link SerializerBenchmark}) with the settings declared on
 * their classes, gives the forked JVMs the flags Chronicle Queue needs (the root pom's
 * {@code sluice.jvm.flags}, including {@code -Dchronicle.analytics.disable=true}), and writes:
 *
 * <ul>
 *   <li>{@code storage-<date>.json}: JMH's JSON results;</li>
 *   <li>{@code storage-latest.md}: the machine, the command, a table per benchmark class
 *       (score, error, unit, and MB/s where an op moves a known number of bytes), and the WAL
 *       figures set against the raw disk figures.</li>
 * </ul>
 *
 * <p>Usage, from the project root after {@code mvn -pl benchmarks -am package -DskipTests}:
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar io.sluice.benchmarks.RunStorageBenchmarks [regex ...]
 * }</pre>
 * With no argument it runs all four classes (about six minutes on 2 cores); arguments are
 * JMH include patterns, e.g. {@code WalAppendBenchmark}. The results go to
 * {@code benchmarks/results} under the working directory, or to {@code -Dsluice.bench.results}.
 * Scratch files go under {@code java.io.tmpdir}, or {@code -Dsluice.bench.dir}; every
 * benchmark deletes its own.
 */
public final class RunStorageBenchmarks {

    /** The system property naming the results directory. */
    static final String RESULTS_DIR_PROPERTY = "sluice.bench.results";

    private static final List<Class<?>> BENCHMARKS = List.of(DiskWriteBaseline.class,
            WalAppendBenchmark.class, StateStoreBenchmark.class, SerializerBenchmark.class);

    private static final String PACKAGE_PREFIX = RunStorageBenchmarks.class.getPackageName() + ".";

    private RunStorageBenchmarks() {
    }

    public static void main(String[] args) throws RunnerException, IOException {
        Path resultsDir = Paths.get(System.getProperty(RESULTS_DIR_PROPERTY,
                Paths.get("benchmarks", "results").toString())).toAbsolutePath();
        Files.createDirectories(resultsDir);
        Instant start = Instant.now();
        String loadAtStart = loadAverage();
        Path json = resultsDir.resolve("storage-" + LocalDate.ofInstant(start, ZoneOffset.UTC) + ".json");
        Path markdown = resultsDir.resolve("storage-latest.md");

        ChainedOptionsBuilder options = new OptionsBuilder()
                .jvmArgsAppend(chronicleFlags())
                .shouldFailOnError(true)
                .resultFormat(ResultFormatType.JSON)
                .result(json.toString());
        if (args.length == 0) {
            for (Class<?> benchmark : BENCHMARKS) {
                options.include("^" + benchmark.getName().replace(".", "\\.") + "\\.");
            }
        } else {
            Arrays.stream(args).forEach(options::include);
        }

        Collection<RunResult> results = new Runner(options.build()).run();
        Duration wallTime = Duration.between(start, Instant.now());

        String load = loadAtStart + " at the start, " + loadAverage() + " at the end";
        Files.writeString(markdown, summary(results, args, start, wallTime, load,
                json.getFileName().toString()), StandardCharsets.UTF_8);
        System.out.println();
        System.out.println("Wall time " + formatDuration(wallTime) + "; results in " + json
                + " and " + markdown);
    }

    /** The root pom's {@code sluice.jvm.flags}, filled into jvm-flags.properties by the build. */
    static String[] chronicleFlags() {
        Properties properties = new Properties();
        try (InputStream in = RunStorageBenchmarks.class.getResourceAsStream("jvm-flags.properties")) {
            if (in == null) {
                throw new IllegalStateException("jvm-flags.properties is missing from the classpath:"
                        + " run from benchmarks/target/benchmarks.jar as built by Maven");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read jvm-flags.properties: " + e, e);
        }
        String flags = properties.getProperty("jvm.flags", "").trim();
        if (flags.isEmpty() || flags.contains("${")) {
            throw new IllegalStateException("jvm-flags.properties holds no flags [" + flags + "]:"
                    + " the build did not filter it; build with mvn -pl benchmarks -am package");
        }
        return flags.split("\\s+");
    }

    // ---------------------------------------------------------------------------------------
    // The Markdown summary.

    /** One measured benchmark: its short name, parameters, score and bytes per operation. */
    record Row(String benchmarkClass, String method, Map<String, String> params, int threads,
               Mode mode, double score, double error, double min, double max, String unit,
               double opsPerSecond, OptionalDouble megabytesPerSecond) {

        String paramsText() {
            StringJoiner joiner = new StringJoiner(", ");
            params.forEach((key, value) -> joiner.add(key + "=" + value));
            return joiner.toString();
        }

        boolean is(String cls, String name, String... keyValues) {
            if (!benchmarkClass.equals(cls) || !method.equals(name)) {
                return false;
            }
            for (int i = 0; i < keyValues.length; i += 2) {
                if (!keyValues[i + 1].equals(params.get(keyValues[i]))) {
                    return false;
                }
            }
            return true;
        }
    }

    static String summary(Collection<RunResult> results, String[] args, Instant start,
                          Duration wallTime, String load, String jsonName) {
        List<Row> rows = results.stream().map(RunStorageBenchmarks::row).toList();
        StringBuilder md = new StringBuilder();
        md.append("# Storage benchmarks\n\n");
        md.append("Written by `io.sluice.benchmarks.RunStorageBenchmarks`; do not edit by hand. JMH's raw")
                .append(" results: `").append(jsonName).append("`.\n\n");
        md.append("| | |\n|---|---|\n");
        md.append("| command | `java -cp benchmarks/target/benchmarks.jar io.sluice.benchmarks.RunStorageBenchmarks")
                .append(args.length == 0 ? "" : " " + String.join(" ", args)).append("` |\n");
        md.append("| date | ").append(DateTimeFormatter.ISO_INSTANT.format(start.truncatedTo(
                java.time.temporal.ChronoUnit.SECONDS))).append(" |\n");
        md.append("| wall time | ").append(formatDuration(wallTime)).append(" |\n");
        md.append("| load average (1, 5, 15 min) | ").append(load).append(" |\n");
        md.append("| CPU | ").append(Runtime.getRuntime().availableProcessors()).append(" cores")
                .append(cpuModel().map(m -> ", " + m).orElse("")).append(" |\n");
        md.append("| memory | ").append(memTotal().orElse("unknown")).append(" (MemTotal)").append(" |\n");
        md.append("| Java | ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append(" |\n");
        md.append("| OS | ").append(System.getProperty("os.name")).append(' ')
                .append(System.getProperty("os.version")).append(" |\n");
        md.append("| scratch directory | `").append(ScratchDirectory.root()).append("` on ")
                .append(fileStore(ScratchDirectory.root())).append(" |\n\n");
        md.append("Error is the half-width of JMH's 99.9% confidence interval, wide with three")
                .append(" measured iterations (Student's t is 31.6 for two degrees of freedom); min – max")
                .append(" is the range of the iterations' scores. MB/s is 10^6 bytes per")
                .append(" second: ops/s times the bytes an op writes or reads (the block, the file,")
                .append(" the serialized block).\n\n");

        Map<String, List<Row>> byClass = new LinkedHashMap<>();
        for (Class<?> benchmark : BENCHMARKS) {
            byClass.put(benchmark.getSimpleName(), new ArrayList<>());
        }
        for (Row row : rows) {
            byClass.computeIfAbsent(row.benchmarkClass(), k -> new ArrayList<>()).add(row);
        }
        for (Map.Entry<String, List<Row>> entry : byClass.entrySet()) {
            if (entry.getValue().isEmpty()) {
                continue;
            }
            md.append("## ").append(entry.getKey()).append("\n\n");
            md.append("| benchmark | params | threads | mode | score | error | min – max | unit | ops/s | MB/s |\n");
            md.append("|---|---|---:|---|---:|---:|---:|---|---:|---:|\n");
            for (Row row : entry.getValue()) {
                md.append("| ").append(row.method())
                        .append(" | ").append(row.paramsText())
                        .append(" | ").append(row.threads())
                        .append(" | ").append(row.mode().shortLabel())
                        .append(" | ").append(number(row.score()))
                        .append(" | ").append(Double.isNaN(row.error()) ? "" : "± " + number(row.error()))
                        .append(" | ").append(number(row.min())).append(" – ").append(number(row.max()))
                        .append(" | ").append(row.unit())
                        .append(" | ").append(number(row.opsPerSecond()))
                        .append(" | ").append(row.megabytesPerSecond().isPresent()
                                ? number(row.megabytesPerSecond().getAsDouble()) : "")
                        .append(" |\n");
            }
            md.append('\n');
        }
        md.append(comparison(rows));
        return md.toString();
    }

    /** Sentences setting the WAL's figures against the disk's, computed from the rows. */
    static String comparison(List<Row> rows) {
        String disk = DiskWriteBaseline.class.getSimpleName();
        String wal = WalAppendBenchmark.class.getSimpleName();
        Optional<Row> rawForced = find(rows, disk, "writeFileAndForce");
        Optional<Row> rawCached = find(rows, disk, "writeFile");
        StringBuilder md = new StringBuilder("## The WAL against the disk\n\n");
        boolean any = false;
        if (rawForced.isPresent()) {
            any = true;
            md.append("- Raw sequential write of a ").append(DiskWriteBaseline.FILE_MIB)
                    .append(" MiB file in 1 MiB writes: ")
                    .append(number(mbps(rawForced.get()))).append(" MB/s with an fdatasync at the end")
                    .append(" (the device)");
            rawCached.ifPresent(r -> md.append(", ").append(number(mbps(r)))
                    .append(" MB/s without (the page cache)"));
            md.append(".\n");
        }
        for (String block : List.of("1024", "65536")) {
            for (String method : List.of("append", "append4Threads")) {
                Optional<Row> process = find(rows, wal, method, "durability", "process", "blockBytes", block);
                if (process.isEmpty()) {
                    continue;
                }
                any = true;
                Row p = process.get();
                md.append("- WAL, process durability, ").append(blockLabel(block)).append(" blocks, ")
                        .append(p.threads()).append(p.threads() == 1 ? " thread: " : " threads: ")
                        .append(number(p.opsPerSecond())).append(" appends/s = ")
                        .append(number(mbps(p))).append(" MB/s");
                rawForced.ifPresent(r -> md.append(", ").append(percent(mbps(p) / mbps(r)))
                        .append(" of the raw sequential write speed"));
                rawCached.ifPresent(r -> md.append(" (").append(percent(mbps(p) / mbps(r)))
                        .append(" of the page-cache write speed)"));
                md.append(".\n");
            }
        }
        for (String block : List.of("1024", "65536")) {
            Optional<Row> force = find(rows, disk, "writeAndForce", "blockBytes", block);
            Optional<Row> write = find(rows, disk, "write", "blockBytes", block);
            for (String method : List.of("append", "append4Threads")) {
                Optional<Row> fsync = find(rows, wal, method, "durability", "fsync", "blockBytes", block);
                if (fsync.isEmpty()) {
                    continue;
                }
                any = true;
                Row f = fsync.get();
                double appendMicros = 1e6 / f.opsPerSecond();
                md.append("- WAL, fsync durability, ").append(blockLabel(block)).append(" blocks, ")
                        .append(f.threads()).append(f.threads() == 1 ? " thread: " : " threads: ")
                        .append(number(f.opsPerSecond())).append(" appends/s = ")
                        .append(number(mbps(f))).append(" MB/s, ")
                        .append(number(appendMicros)).append(" µs per append");
                if (force.isPresent()) {
                    double forceMicros = 1e6 / force.get().opsPerSecond();
                    md.append(", against ").append(number(forceMicros))
                            .append(" µs for a bare ").append(blockLabel(block))
                            .append(" write and fdatasync");
                    write.ifPresent(w -> md.append(" (of which the write ")
                            .append(number(1e6 / w.opsPerSecond())).append(" µs)"));
                    md.append(": ").append(String.format(Locale.ROOT, "%.2f", appendMicros / forceMicros))
                            .append("x");
                }
                Optional<Row> single = find(rows, wal, "append", "durability", "fsync", "blockBytes", block);
                if (f.threads() > 1 && single.isPresent()) {
                    md.append("; ").append(String.format(Locale.ROOT, "%.2f",
                                    f.opsPerSecond() / single.get().opsPerSecond()))
                            .append("x the appends/s of one thread (group commit)");
                }
                md.append(".\n");
            }
        }
        return any ? md.append('\n').toString() : "";
    }

    static Row row(RunResult result) {
        BenchmarkParams params = result.getParams();
        String fullName = params.getBenchmark();
        String shortName = fullName.startsWith(PACKAGE_PREFIX)
                ? fullName.substring(PACKAGE_PREFIX.length()) : fullName;
        int dot = shortName.lastIndexOf('.');
        String cls = shortName.substring(0, dot);
        String method = shortName.substring(dot + 1);
        Map<String, String> values = new LinkedHashMap<>();
        for (String key : params.getParamsKeys()) {
            values.put(key, params.getParam(key));
        }
        Result<?> primary = result.getPrimaryResult();
        double score = primary.getScore();
        double seconds = secondsIn(params.getTimeUnit());
        double opsPerSecond = params.getMode() == Mode.Throughput ? score / seconds : 1 / (score * seconds);
        OptionalDouble bytes = bytesPerOp(cls, method, values);
        OptionalDouble mbps = bytes.isPresent()
                ? OptionalDouble.of(opsPerSecond * bytes.getAsDouble() / 1e6) : OptionalDouble.empty();
        return new Row(cls, method, values, params.getThreads(), params.getMode(), score,
                primary.getScoreError(), primary.getStatistics().getMin(),
                primary.getStatistics().getMax(), primary.getScoreUnit(), opsPerSecond, mbps);
    }

    /** The bytes one op of a benchmark writes or reads, where that is a known number. */
    static OptionalDouble bytesPerOp(String cls, String method, Map<String, String> params) {
        if (cls.equals(WalAppendBenchmark.class.getSimpleName())) {
            return OptionalDouble.of(Integer.parseInt(params.get("blockBytes")));
        }
        if (cls.equals(DiskWriteBaseline.class.getSimpleName())) {
            if (method.startsWith("writeFile")) {
                return OptionalDouble.of((double) DiskWriteBaseline.FILE_MIB * DiskWriteBaseline.BUFFER_BYTES);
            }
            return OptionalDouble.of(Integer.parseInt(params.get("blockBytes")));
        }
        if (cls.equals(SerializerBenchmark.class.getSimpleName())
                && (method.endsWith("Block") || method.equals("baselineCopy"))) {
            return OptionalDouble.of(SerializerBenchmark.serializedBlockBytes(params.get("records")));
        }
        return OptionalDouble.empty();
    }

    private static Optional<Row> find(List<Row> rows, String cls, String method, String... keyValues) {
        return rows.stream().filter(r -> r.is(cls, method, keyValues)).findFirst();
    }

    private static double mbps(Row row) {
        return row.megabytesPerSecond().orElse(Double.NaN);
    }

    private static String blockLabel(String blockBytes) {
        int bytes = Integer.parseInt(blockBytes);
        return bytes % 1024 == 0 ? bytes / 1024 + " KiB" : bytes + " B";
    }

    private static double secondsIn(TimeUnit unit) {
        return unit.toNanos(1) / 1e9;
    }

    static String number(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return "n/a";
        }
        double abs = Math.abs(value);
        if (abs >= 100) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (abs >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        if (abs >= 1) {
            return String.format(Locale.ROOT, "%.2f", value);
        }
        return String.format(Locale.ROOT, "%.3g", value);
    }

    private static String percent(double fraction) {
        return Double.isNaN(fraction) ? "n/a" : String.format(Locale.ROOT, "%.0f%%", fraction * 100);
    }

    private static String formatDuration(Duration d) {
        return String.format(Locale.ROOT, "%d min %02d s", d.toMinutes(), d.toSecondsPart());
    }

    /** The first three fields of /proc/loadavg, or "unknown". */
    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Paths.get("/proc/loadavg")).trim().split("\\s+");
            return String.join(" ", Arrays.copyOf(fields, 3));
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static Optional<String> cpuModel() {
        return procLine(Paths.get("/proc/cpuinfo"), "model name")
                .map(line -> line.substring(line.indexOf(':') + 1).trim());
    }

    private static Optional<String> memTotal() {
        return procLine(Paths.get("/proc/meminfo"), "MemTotal").map(line -> {
            String[] parts = line.split("\\s+");
            long kib = Long.parseLong(parts[1]);
            return String.format(Locale.ROOT, "%.1f GiB (%,d kB)", kib / 1048576.0, kib);
        });
    }

    private static Optional<String> procLine(Path file, String prefix) {
        if (!Files.isReadable(file)) {
            return Optional.empty();
        }
        try (Stream<String> lines = Files.lines(file)) {
            return lines.filter(l -> l.startsWith(prefix)).findFirst();
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    private static String fileStore(Path dir) {
        try {
            FileStore store = Files.getFileStore(dir);
            return "`" + store.name() + "` (" + store.type() + ")";
        } catch (IOException e) {
            return "an unknown file system (" + e + ")";
        }
    }
}
