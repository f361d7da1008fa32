package io.sluice.benchmarks.endtoend;

import java.util.List;

/**
 * Runs the batch scheduling overhead at 100 ms ({@link Workload#SCHEDULING_OVERHEAD}) on Sluice, and on Spark Streaming too when the Spark
 * peer module is built, and writes {@code results/scheduling-overhead-latest.md} and {@code .json}. Settings
 * as for {@link Comparison}.
 */
public final class SchedulingOverheadBenchmark {
    private SchedulingOverheadBenchmark() {
    }

    /** Runs the workload's configurations; see {@link Comparison} for the system properties. */
    public static void main(String[] args) throws Exception {
        Comparison.run("scheduling-overhead", List.of(Workload.SCHEDULING_OVERHEAD));
    }
}
