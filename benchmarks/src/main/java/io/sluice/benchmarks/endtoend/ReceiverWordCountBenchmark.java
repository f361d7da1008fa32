package io.sluice.benchmarks.endtoend;

import java.util.List;

/**
 * Runs the receiver-fed word count ({@link Workload#RECEIVER_WORD_COUNT}) on Sluice, and on Spark Streaming too when the Spark
 * peer module is built, and writes {@code results/receiver-word-count-latest.md} and {@code .json}. Settings
 * as for {@link Comparison}.
 */
public final class ReceiverWordCountBenchmark {
    private ReceiverWordCountBenchmark() {
    }

    /** Runs the workload's configurations; see {@link Comparison} for the system properties. */
    public static void main(String[] args) throws Exception {
        Comparison.run("receiver-word-count", List.of(Workload.RECEIVER_WORD_COUNT));
    }
}
