package io.sluice.internal.scheduler;

/**
 * An RDD whose partitions can only be computed after a step over all of its parent's
 * partitions: a shuffle (all map outputs are needed by every reducer) or a state update (the
 * batch's writes must be applied before the state is read). The {@link TaskScheduler}
 * materializes boundaries, parents first, before it runs a job's result tasks.
 */
public interface StageBoundary {

    /** Runs the step once; later calls return at once. Thread-safe. */
    void materialize(TaskScheduler scheduler);
}
