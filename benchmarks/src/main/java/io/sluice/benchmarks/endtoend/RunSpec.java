package io.sluice.benchmarks.endtoend;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One configuration of one workload on one engine, as passed to a child JVM
 * ({@code key=value} arguments, see {@link #toArgs()}).
 *
 * @param engine {@code sluice} or {@code spark}
 * @param workload the workload
 * @param batchMs the batch interval
 * @param wal whether the receiver's write-ahead log is on (Sluice: durability {@code fsync};
 *     Spark: {@code spark.streaming.receiver.writeAheadLog.enable}), with checkpointing
 * @param holdSeconds how long a rate must hold to count as sustained (the 60 s,
 *     shorter by default so the whole comparison fits 20 minutes)
 * @param startRate the first offered rate of the search (lines/s)
 * @param budgetSeconds the search stops starting trials after this long
 * @param dataDir where the run keeps its checkpoints and WAL (deleted by the driver)
 * @param out the result file (properties) to write
 */
public record RunSpec(String engine, Workload workload, long batchMs, boolean wal, double holdSeconds,
                      double startRate, double budgetSeconds, Path dataDir, Path out) {

    /** The block interval both engines use: 200 ms (Spark's default), at most half a batch. */
    public long blockIntervalMs() {
        return Math.min(200, batchMs / 2);
    }

    /** The window of {@link Workload#WINDOWED_COUNT}: 3 batches. */
    public long windowMs() {
        return 3 * batchMs;
    }

    /**
     * Key updates per batch of {@link Workload#UPDATE_STATE_1M}: system property
     * {@code sluice.bench.updateState.perBatch}, default 100,000.
     */
    public int updatesPerBatch() {
        return Integer.getInteger("sluice.bench.updateState.perBatch", 100_000);
    }

    /** Whether the pipeline needs a checkpoint directory. */
    public boolean checkpointed() {
        return wal || workload == Workload.WINDOWED_COUNT || workload == Workload.UPDATE_STATE_1M;
    }

    /** A short label such as {@code receiver-word-count 100 ms WAL}. */
    public String label() {
        return workload.id() + " " + batchMs + " ms" + (workload.receiver() ? (wal ? " WAL" : " no WAL") : "");
    }

    /** This spec with another start rate. */
    public RunSpec withStartRate(double linesPerSecond) {
        return new RunSpec(engine, workload, batchMs, wal, holdSeconds, linesPerSecond, budgetSeconds, dataDir, out);
    }

    /** The arguments that {@link #parse} reads back. */
    public String[] toArgs() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("engine", engine);
        m.put("workload", workload.id());
        m.put("batchMs", Long.toString(batchMs));
        m.put("wal", Boolean.toString(wal));
        m.put("holdSeconds", Double.toString(holdSeconds));
        m.put("startRate", Double.toString(startRate));
        m.put("budgetSeconds", Double.toString(budgetSeconds));
        m.put("dataDir", dataDir.toString());
        m.put("out", out.toString());
        return m.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    }

    /** Parses {@code key=value} arguments as written by {@link #toArgs()}. */
    public static RunSpec parse(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value, got [" + a + "]");
            }
            m.put(a.substring(0, eq), a.substring(eq + 1));
        }
        for (String k : new String[] {"engine", "workload", "batchMs", "wal", "holdSeconds", "startRate",
                "budgetSeconds", "dataDir", "out"}) {
            if (!m.containsKey(k)) {
                throw new IllegalArgumentException("missing argument [" + k + "=...]; got " + m.keySet());
            }
        }
        return new RunSpec(m.get("engine"), Workload.of(m.get("workload")), Long.parseLong(m.get("batchMs")),
                Boolean.parseBoolean(m.get("wal")), Double.parseDouble(m.get("holdSeconds")),
                Double.parseDouble(m.get("startRate")), Double.parseDouble(m.get("budgetSeconds")),
                Path.of(m.get("dataDir")), Path.of(m.get("out")));
    }
}
