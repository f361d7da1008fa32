package io.sluice.internal.rate;

import java.util.OptionalDouble;

/**
 * Turns what a completed batch measured into the rate a stream should ingest at, as Spark's
 * {@code RateEstimator}. Called once per completed batch, in batch order, from one thread.
 */
public interface RateEstimator {

    /**
     * The new rate for the stream, if this batch warrants one.
     *
     * @param timeMs when the batch's processing ended (epoch ms)
     * @param numRecords records of this stream in the batch
     * @param processingDelayMs how long the batch's processing took
     * @param schedulingDelayMs how long the batch waited before its processing started
     * @return records per second, or empty to keep the current rate
     */
    OptionalDouble compute(long timeMs, long numRecords, long processingDelayMs, long schedulingDelayMs);
}
