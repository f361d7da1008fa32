package io.sluice.benchmarks.endtoend;

import java.util.List;

/**
 * Runs the word count from a queue stream ({@link Workload#QUEUE_WORD_COUNT}) on Sluice, and on Spark Streaming too when the Spark
 * peer module is built, and writes {@code results/queue-word-count-latest.md} and {@code .json}. Settings
 * as for {@link Comparison}.
 */
public final class QueueWordCountBenchmark {
    private QueueWordCountBenchmark() {
    }

    /** Runs the workload's configurations; see {@link Comparison} for the system properties. */
    public static void main(String[] args) throws Exception {
        Comparison.run("queue-word-count", List.of(Workload.QUEUE_WORD_COUNT));
    }
}
