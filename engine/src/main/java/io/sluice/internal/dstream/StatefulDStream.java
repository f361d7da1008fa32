package io.sluice.internal.dstream;

import io.sluice.Time;
import io.sluice.internal.scheduler.TaskScheduler;

/**
 * A stream that keeps state across batches in the state store. Its update for batch t must be
 * applied exactly once and in batch order, whether or not an output reads it, so the job
 * scheduler calls {@link #applyBatch} for every batch before the batch's output jobs run.
 */
public interface StatefulDStream {

    /** The operator's stable id. */
    String operatorId();

    /** Kind and shape of the state (for validation on recovery), e.g. {@code updateStateByKey(p=4)}. */
    String describe();

    /** Applies the update of batch {@code time} to the state store (once; later calls return). */
    void applyBatch(Time time, TaskScheduler scheduler);

    /** Declares that the state store holds the state as of batch {@code time} (after recovery). */
    void restoredAt(Time time);
}
