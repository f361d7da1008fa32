package io.sluice.benchmarks.endtoend;

/**
 * One streaming engine, driven by {@link WorkloadRun}: it builds the pipeline of a
 * {@link Workload}, reports every completed batch to a {@link BatchLog}, and takes queue input.
 * Implementations: {@code SluiceEngine} here, {@code SparkEngine} in the Spark peer module
 * (found by name, so that this module never links against Spark).
 */
public interface EngineUnderTest {

    /** {@code sluice} or {@code spark}. */
    String name();

    /** The engine's version, for the results. */
    String version();

    /**
     * Builds the workload's pipeline (receiver workloads pump {@link LineSource#shared()},
     * {@link Workload#UPDATE_STATE_1M} pumps {@link UpdateInput}),
     * registers a listener that reports every completed batch to {@code log}, and starts it.
     */
    void start(RunSpec spec, BatchLog log);

    /**
     * Queue workloads: queues one dataset of the first {@code n} lines of
     * {@link LineSource#shared()} for a coming batch (the list is built once per size).
     */
    void enqueue(int n);

    /** Queue workloads: datasets queued and not yet taken by a batch. */
    int queued();

    /** Stops the pipeline without waiting for queued data, and releases everything. */
    void stop();
}
