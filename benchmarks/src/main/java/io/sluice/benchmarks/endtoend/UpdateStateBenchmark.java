package io.sluice.benchmarks.endtoend;

import java.util.List;

/**
 * Runs updateStateByKey over 1 million keys at 1 s batches ({@link Workload#UPDATE_STATE_1M}) on Sluice, and on Spark Streaming too when the Spark
 * peer module is built, and writes {@code results/update-state-1m-latest.md} and {@code .json}. Settings
 * as for {@link Comparison}.
 */
public final class UpdateStateBenchmark {
    private UpdateStateBenchmark() {
    }

    /** Runs the workload's configurations; see {@link Comparison} for the system properties. */
    public static void main(String[] args) throws Exception {
        Comparison.run("update-state-1m", List.of(Workload.UPDATE_STATE_1M));
    }
}
