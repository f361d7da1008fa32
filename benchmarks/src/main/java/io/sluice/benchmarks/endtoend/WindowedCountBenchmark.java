package io.sluice.benchmarks.endtoend;

import java.util.List;

/**
 * Runs the receiver-fed windowed count (reduceByKeyAndWindow with an inverse) ({@link Workload#WINDOWED_COUNT}) on Sluice, and on Spark Streaming too when the Spark
 * peer module is built, and writes {@code results/windowed-count-latest.md} and {@code .json}. Settings
 * as for {@link Comparison}.
 */
public final class WindowedCountBenchmark {
    private WindowedCountBenchmark() {
    }

    /** Runs the workload's configurations; see {@link Comparison} for the system properties. */
    public static void main(String[] args) throws Exception {
        Comparison.run("windowed-count", List.of(Workload.WINDOWED_COUNT));
    }
}
