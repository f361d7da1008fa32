package io.sluice.benchmarks.endtoend;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The Markdown report of a {@link Comparison}: figures side by side, the ratio, the targets. */
final class ComparisonReport {
    private final String name;
    private final List<RunSpec> specs;
    private final List<Map<String, RunResult>> rows;
    private final List<String> engines;
    private final StringBuilder md = new StringBuilder();

    ComparisonReport(String name, List<RunSpec> specs, List<Map<String, RunResult>> rows, List<String> engines) {
        this.name = name;
        this.specs = specs;
        this.rows = rows;
        this.engines = engines;
    }

    String markdown(Instant started, Instant ended, String loadBefore, String loadAfter, Map<String, Object> machine,
                    String command, double holdSeconds) {
        md.append("# End-to-end benchmarks: ").append(name).append("\n\n");
        md.append("Sluice and Apache Spark Streaming, each in child JVMs with the same heap and flags (one per ")
                .append("engine and workload, running its configurations one after the other), ")
                .append("two task threads for processing (Sluice `local[2]`, its receivers on threads of their own; ")
                .append("Spark `local[2]` plus one thread per receiver, which holds one as long as it runs), ")
                .append("a warm-up under load that follows each engine's capacity before each search (")
                .append(String.format(Locale.ROOT, "%.0f", WorkloadRun.WARMUP_SECONDS)).append(" s in a new JVM, ")
                .append(String.format(Locale.ROOT, "%.0f", WorkloadRun.REWARM_SECONDS)).append(" s after an earlier run), ")
                .append("alternating which engine runs first. Written by the command below; ")
                .append("see `benchmarks/README.md` for what each workload and figure means.\n\n");
        md.append("| | |\n|---|---|\n");
        md.append("| command | `").append(command).append("` |\n");
        md.append("| date | ").append(started).append(" to ").append(ended).append(" (")
                .append(Duration.between(started, ended).toMinutes()).append(" min ")
                .append(Duration.between(started, ended).toSecondsPart()).append(" s) |\n");
        md.append("| machine | ").append(machine.get("cores")).append(" cores, ").append(machine.get("cpu"))
                .append(", memory ").append(machine.get("memory")).append(" |\n");
        md.append("| Java, OS | ").append(machine.get("java")).append(", ").append(machine.get("os")).append(" |\n");
        md.append("| load average (1, 5, 15 min) | ").append(loadBefore).append(" at the start, ").append(loadAfter)
                .append(" at the end |\n");
        md.append(String.format(Locale.ROOT, "| hold | %.0f s per trial (the issue's definition says 60 s; "
                + "`-Dsluice.bench.holdSeconds=60` gives that, at the cost of hours) |%n", holdSeconds));
        md.append("\n");

        throughputTable();
        queueTable();
        overheadTable();
        updateStateTable();
        targets();
        notesAndTrials();
        return md.toString();
    }

    private RunResult get(int i, String engine) {
        return rows.get(i).get(engine);
    }

    private boolean both() {
        return engines.contains("sluice") && engines.contains("spark");
    }

    private void throughputTable() {
        boolean any = specs.stream().anyMatch(s -> s.workload().receiver());
        if (!any) {
            return;
        }
        md.append("## Sustained throughput and latency, receiver-fed\n\n");
        md.append("Lines of about 100 bytes, 10 words each. Sustained: the highest offered rate (lines/s) at which ")
                .append("every batch of the hold processed in less than the batch interval, with no backlog. ")
                .append("Latency: from a line's scheduled creation to the completion of its batch, at that rate ")
                .append("(p50 / p99, ms). WAL: Sluice's receiver WAL with durability `fsync`; Spark's receiver ")
                .append("WAL (`spark.streaming.receiver.writeAheadLog.enable`, which flushes but does not fsync on ")
                .append("a local filesystem). A `*` marks a search stopped by its time budget: the true figure lies ")
                .append("between it and the lowest rate that failed (see the trials below).\n\n");
        md.append("| workload | batch | WAL |");
        for (String e : engines) {
            md.append(' ').append(e).append(" lines/s |");
        }
        if (both()) {
            md.append(" sluice/spark |");
        }
        for (String e : engines) {
            md.append(' ').append(e).append(" latency p50 / p99 |");
        }
        md.append("\n|---|---:|---|");
        md.append("---:|".repeat(engines.size() * 2 + (both() ? 1 : 0)));
        md.append('\n');
        for (int i = 0; i < specs.size(); i++) {
            RunSpec s = specs.get(i);
            if (!s.workload().receiver()) {
                continue;
            }
            md.append("| ").append(s.workload().id()).append(" | ").append(s.batchMs()).append(" ms | ")
                    .append(s.wal() ? "on" : "off").append(" |");
            for (String e : engines) {
                md.append(' ').append(rate(get(i, e))).append(" |");
            }
            if (both()) {
                md.append(' ').append(ratio(get(i, "sluice").number("sustainedLinesPerSec"),
                        get(i, "spark").number("sustainedLinesPerSec"))).append(" |");
            }
            for (String e : engines) {
                RunResult r = get(i, e);
                md.append(' ').append(num(r.number("latencyP50Ms"))).append(" / ").append(num(r.number("latencyP99Ms")))
                        .append(" |");
            }
            md.append('\n');
        }
        md.append('\n');
    }

    private void queueTable() {
        for (int i = 0; i < specs.size(); i++) {
            RunSpec s = specs.get(i);
            if (s.workload() != Workload.QUEUE_WORD_COUNT) {
                continue;
            }
            md.append("## Sustained throughput from a queue stream\n\n");
            md.append("The same word count over pre-built datasets (one per batch, 2 partitions), no receiver, ")
                    .append(s.batchMs()).append(" ms batches.\n\n");
            md.append("| engine | sustained lines/s | MB/s | p50 / max processing at that rate (ms) |\n|---|---:|---:|---:|\n");
            for (String e : engines) {
                RunResult r = get(i, e);
                md.append("| ").append(e).append(" | ").append(rate(r)).append(" | ").append(nz(r.get("sustainedMBPerSec")))
                        .append(" | ").append(num(r.number("p50ProcessingMs"))).append(" / ")
                        .append(num(r.number("maxProcessingMs"))).append(" |\n");
            }
            if (both()) {
                md.append("| sluice/spark | ").append(ratio(get(i, "sluice").number("sustainedLinesPerSec"),
                        get(i, "spark").number("sustainedLinesPerSec"))).append(" | | |\n");
            }
            md.append('\n');
        }
    }

    private void overheadTable() {
        for (int i = 0; i < specs.size(); i++) {
            RunSpec s = specs.get(i);
            if (s.workload() != Workload.SCHEDULING_OVERHEAD) {
                continue;
            }
            md.append("## Batch scheduling overhead at ").append(s.batchMs()).append(" ms\n\n");
            md.append("Per batch: the time from the batch falling due to its output action returning, minus the time ")
                    .append("spent inside the user's functions, in ms, over the batches whose output completed in ")
                    .append("each phase (a backlog shows as fewer batches completed than due, and as overhead). ")
                    .append("Empty batches (the queue's default, empty dataset), then batches of 10 lines, through ")
                    .append("the word count.\n\n");
            md.append("| batches | figure |");
            engines.forEach(e -> md.append(' ').append(e).append(" |"));
            md.append("\n|---|---|").append("---:|".repeat(engines.size())).append('\n');
            for (String phase : new String[] {"empty", "small"}) {
                for (String[] f : new String[][] {{"batchesDue", "batches due in the phase"},
                        {"batches", "batches completed in the phase"}, {"overheadMeanMs", "overhead, mean"},
                        {"overheadP50Ms", "overhead, p50"}, {"overheadP99Ms", "overhead, p99"},
                        {"overheadMaxMs", "overhead, max"}, {"workMeanMs", "user functions, mean"}}) {
                    md.append("| ").append(phase.equals("empty") ? "empty" : "10 lines").append(" | ").append(f[1]).append(" |");
                    for (String e : engines) {
                        md.append(' ').append(nz(get(i, e).get(phase + "." + f[0]))).append(" |");
                    }
                    md.append('\n');
                }
            }
            md.append('\n');
        }
    }

    private void updateStateTable() {
        for (int i = 0; i < specs.size(); i++) {
            RunSpec s = specs.get(i);
            if (s.workload() != Workload.UPDATE_STATE_1M) {
                continue;
            }
            md.append("## updateStateByKey over 1 million keys at ").append(s.batchMs()).append(" ms batches\n\n");
            md.append("State of 1,000,000 Long keys from an initial dataset, 100,000 updates per batch from a receiver ")
                    .append("(no WAL, checkpointing on). Every batch visits every key on both engines. The first batch ")
                    .append("loads the initial dataset; the figures are of the batches completed in the window after ")
                    .append("it. Kept up: their median processing time is under the interval, so the backlog (the ")
                    .append("one left by the first batch included) shrinks instead of growing.\n\n");
            md.append("| engine | batches due / completed in the window | first batch (ms) | p50 / max processing (ms) | last scheduling delay (ms) | kept up |\n");
            md.append("|---|---:|---:|---:|---:|---|\n");
            for (String e : engines) {
                RunResult r = get(i, e);
                md.append("| ").append(e).append(" | ").append(nz(r.get("batchesDue"))).append(" / ")
                        .append(nz(r.get("batchesCompleted"))).append(" | ").append(num(r.number("firstBatchMs")))
                        .append(" | ").append(num(r.number("p50ProcessingMs"))).append(" / ")
                        .append(num(r.number("maxProcessingMs"))).append(" | ")
                        .append(num(r.number("lastSchedulingDelayMs"))).append(" | ").append(nz(r.get("keptUp")))
                        .append(" |\n");
            }
            md.append('\n');
            for (String e : engines) {
                md.append("- ").append(e).append(" processing time per batch (ms): ")
                        .append(nz(get(i, e).get("processingMsPerBatch"))).append('\n');
            }
            md.append('\n');
        }
    }

    private void targets() {
        md.append("## The issue's targets\n\n");
        md.append("| target | measured | verdict |\n|---|---|---|\n");
        for (int i = 0; i < specs.size(); i++) {
            RunSpec s = specs.get(i);
            if (s.workload() == Workload.RECEIVER_WORD_COUNT && s.wal() && both()) {
                double a = get(i, "sluice").number("sustainedLinesPerSec");
                double b = get(i, "spark").number("sustainedLinesPerSec");
                md.append("| word count, WAL on, ").append(s.batchMs()).append(" ms: Sluice (fsync) >= 5x Spark (its WAL) | ")
                        .append(fmt(a)).append(" vs ").append(fmt(b)).append(" lines/s = ").append(ratio(a, b))
                        .append(" | ").append(verdict(a, b, 5)).append(" |\n");
            }
            if (s.workload() == Workload.QUEUE_WORD_COUNT && both()) {
                double a = get(i, "sluice").number("sustainedLinesPerSec");
                double b = get(i, "spark").number("sustainedLinesPerSec");
                md.append("| queue stream: Sluice >= 5x Spark | ").append(fmt(a)).append(" vs ").append(fmt(b))
                        .append(" lines/s = ").append(ratio(a, b)).append(" | ").append(verdict(a, b, 5)).append(" |\n");
            }
            if (s.workload() == Workload.UPDATE_STATE_1M && engines.contains("sluice")) {
                RunResult r = get(i, "sluice");
                md.append("| updateStateByKey, 1M keys, keeps up at 1 s | p50 ").append(num(r.number("p50ProcessingMs")))
                        .append(" ms, max ").append(num(r.number("maxProcessingMs"))).append(" ms per batch | ")
                        .append("true".equals(r.get("keptUp")) ? "met" : "missed").append(" |\n");
            }
            if (s.workload() == Workload.SCHEDULING_OVERHEAD && engines.contains("sluice")) {
                RunResult r = get(i, "sluice");
                for (String phase : new String[] {"empty", "small"}) {
                    double mean = r.number(phase + ".overheadMeanMs");
                    md.append("| scheduling overhead < 5 ms per batch at 100 ms (").append(phase).append(" batches) | mean ")
                            .append(num(mean)).append(" ms, p99 ").append(num(r.number(phase + ".overheadP99Ms")))
                            .append(" ms | ").append(Double.isNaN(mean) ? "not measured"
                                    : mean < 5 ? "met" : String.format(Locale.ROOT, "missed by %.1f ms", mean - 5))
                            .append(" |\n");
                }
            }
        }
        md.append('\n');
    }

    private void notesAndTrials() {
        md.append("## Trials and notes\n\n");
        md.append("Each search's trials in order: offered lines/s, then PASS or the reason it failed.\n\n");
        for (int i = 0; i < specs.size(); i++) {
            for (String e : engines) {
                RunResult r = get(i, e);
                if (r == null) {
                    continue;
                }
                StringBuilder t = new StringBuilder();
                for (RunResult.Trial tr : r.trials()) {
                    t.append(t.length() == 0 ? "" : "; ").append(fmt(tr.offeredPerSec())).append(' ')
                            .append(tr.pass() ? "PASS" : "fail (" + tr.reason() + ")");
                }
                if (t.length() == 0 && r.notes().isEmpty()) {
                    continue;
                }
                md.append("- ").append(specs.get(i).label()).append(", ").append(e).append(": ");
                md.append(t.length() == 0 ? "" : t);
                for (String n : r.notes()) {
                    md.append(t.length() == 0 ? "" : ". ").append(n);
                }
                md.append('\n');
            }
        }
        md.append('\n');
    }

    private static String rate(RunResult r) {
        double v = r.number("sustainedLinesPerSec");
        if (Double.isNaN(v)) {
            return r.notes().stream().anyMatch(n -> n.startsWith("not run")) ? "not run" : "n/a";
        }
        boolean budget = r.notes().stream().anyMatch(n -> n.startsWith("search stopped by its time budget"));
        return fmt(v) + (budget ? "*" : "");
    }

    private static String ratio(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b) || b <= 0) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.2fx", a / b);
    }

    private static String verdict(double a, double b, double target) {
        if (Double.isNaN(a) || Double.isNaN(b) || b <= 0) {
            return "not measured";
        }
        double r = a / b;
        return r >= target ? "met" : String.format(Locale.ROOT, "missed: %.2fx, %.0f%% of the target", r, 100 * r / target);
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String num(double v) {
        if (Double.isNaN(v) || v < 0) {
            return "n/a";
        }
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String nz(String s) {
        return s == null ? "n/a" : s;
    }
}
