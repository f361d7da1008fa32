package io.sluice.benchmarks.endtoend;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * What one run of one configuration measured: named figures ({@link #metrics()}, for example
 * {@code sustainedLinesPerSec}), the trials of a rate search, and notes. A child JVM writes it
 * as a properties file; the driver reads it back.
 */
public final class RunResult {

    /**
     * One trial of a rate search.
     *
     * @param offeredPerSec the offered rate (lines/s)
     * @param pass whether every batch of the hold kept under the batch interval
     * @param reason why it failed, or {@code ok}
     * @param batches batches completed in the hold
     * @param achievedPerSec records per second the batches of the hold received
     * @param p50ProcessingMs median processing time in the hold
     * @param maxProcessingMs largest processing time seen in the trial
     * @param latencyP50Ms median end-to-end latency (creation to batch completion), or -1
     * @param latencyP99Ms 99th percentile of it, or -1
     */
    public record Trial(double offeredPerSec, boolean pass, String reason, int batches, double achievedPerSec,
                        double p50ProcessingMs, double maxProcessingMs, double latencyP50Ms,
                        double latencyP99Ms) {
    }

    private final Map<String, String> metrics = new LinkedHashMap<>();
    private final List<Trial> trials = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    /** Sets a figure. */
    public RunResult put(String name, Object value) {
        metrics.put(name, String.valueOf(value));
        return this;
    }

    /** A figure, or null. */
    public String get(String name) {
        return metrics.get(name);
    }

    /** A numeric figure, or NaN if absent. */
    public double number(String name) {
        String v = metrics.get(name);
        if (v == null) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** Every figure, in insertion order. */
    public Map<String, String> metrics() {
        return metrics;
    }

    /** Adds a trial. */
    public void addTrial(Trial t) {
        trials.add(t);
    }

    /** The trials, in the order run. */
    public List<Trial> trials() {
        return trials;
    }

    /** Adds a note. */
    public void note(String text) {
        notes.add(text);
    }

    /** The notes. */
    public List<String> notes() {
        return notes;
    }

    /** Writes the result as a properties file. */
    public void write(Path file) throws IOException {
        Properties p = new Properties();
        metrics.forEach((k, v) -> p.setProperty("metric." + k, v));
        for (int i = 0; i < trials.size(); i++) {
            Trial t = trials.get(i);
            p.setProperty("trial." + i, t.offeredPerSec() + "|" + t.pass() + "|" + t.reason().replace('|', '/')
                    + "|" + t.batches() + "|" + t.achievedPerSec() + "|" + t.p50ProcessingMs() + "|"
                    + t.maxProcessingMs() + "|" + t.latencyP50Ms() + "|" + t.latencyP99Ms());
        }
        for (int i = 0; i < notes.size(); i++) {
            p.setProperty("note." + i, notes.get(i));
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(w, "one end-to-end benchmark run");
        }
    }

    /** Reads a result written by {@link #write}. */
    public static RunResult read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        RunResult res = new RunResult();
        // Properties forget order: metrics sorted by name, trials and notes by index.
        new TreeMap<>(p).forEach((k, v) -> {
            String key = (String) k;
            if (key.startsWith("metric.")) {
                res.metrics.put(key.substring(7), (String) v);
            }
        });
        for (int i = 0; p.containsKey("trial." + i); i++) {
            String[] f = p.getProperty("trial." + i).split("\\|", -1);
            res.trials.add(new Trial(Double.parseDouble(f[0]), Boolean.parseBoolean(f[1]), f[2],
                    Integer.parseInt(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]),
                    Double.parseDouble(f[6]), Double.parseDouble(f[7]), Double.parseDouble(f[8])));
        }
        for (int i = 0; p.containsKey("note." + i); i++) {
            res.notes.add(p.getProperty("note." + i));
        }
        return res;
    }

    /** The result as a JSON-ready map (metrics as numbers where they parse). */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> fig = new LinkedHashMap<>();
        metrics.forEach((k, v) -> {
            double d = number(k);
            fig.put(k, Double.isNaN(d) ? v : (Object) d);
        });
        m.put("metrics", fig);
        List<Object> ts = new ArrayList<>();
        for (Trial t : trials) {
            Map<String, Object> tm = new LinkedHashMap<>();
            tm.put("offeredPerSec", t.offeredPerSec());
            tm.put("pass", t.pass());
            tm.put("reason", t.reason());
            tm.put("batches", t.batches());
            tm.put("achievedPerSec", t.achievedPerSec());
            tm.put("p50ProcessingMs", t.p50ProcessingMs());
            tm.put("maxProcessingMs", t.maxProcessingMs());
            tm.put("latencyP50Ms", t.latencyP50Ms());
            tm.put("latencyP99Ms", t.latencyP99Ms());
            ts.add(tm);
        }
        m.put("trials", ts);
        m.put("notes", new ArrayList<Object>(notes));
        return m;
    }
}
