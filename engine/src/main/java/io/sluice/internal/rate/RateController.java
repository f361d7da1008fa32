package io.sluice.internal.rate;

import io.sluice.SluiceConf;
import io.sluice.internal.config.StreamingConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The latest ingestion rate a direct (receiver-less) input stream should plan its batches at,
 * kept up to date from completed batches, as Spark's {@code RateController}.
 *
 * <p>The engine gives every completed batch to {@link #onBatchCompleted} (batch order, on the
 * batch-runner thread, before the batch counts as completed), with the number of records the
 * stream's plan for that batch covered; the stream reads {@link #latestRate()} when it plans a
 * later batch (job generator thread). Only the plans a rate leads to are logged, so a batch
 * re-run after a crash reads what its first run read, whatever the rate is then.
 *
 * <p>Thread-safe: one writer (the batch runner), any number of readers.
 */
public final class RateController {
    private final RateEstimator estimator;
    /** Records per second; NaN until the first estimate. */
    private volatile double latestRate = Double.NaN;

    /**
     * A controller whose rate {@code estimator} computes.
     *
     * @throws NullPointerException if {@code estimator} is null
     */
    public RateController(RateEstimator estimator) {
        this.estimator = Objects.requireNonNull(estimator, "estimator");
    }

    /**
     * The controller of a direct input when {@code sluice.streaming.backpressure.enabled} is
     * true: a {@link PIDRateEstimator} with the {@code sluice.streaming.backpressure.pid.*}
     * gains; empty when backpressure is off.
     *
     * @throws io.sluice.SluiceException if a backpressure key has an invalid value (naming it)
     */
    public static Optional<RateController> forBackpressure(SluiceConf conf, Duration batchDuration) {
        if (!conf.getRequired(StreamingConfig.BACKPRESSURE_ENABLED)) {
            return Optional.empty();
        }
        return Optional.of(new RateController(new PIDRateEstimator(batchDuration.toMillis(),
                conf.getRequired(StreamingConfig.BACKPRESSURE_PID_PROPORTIONAL),
                conf.getRequired(StreamingConfig.BACKPRESSURE_PID_INTEGRAL),
                conf.getRequired(StreamingConfig.BACKPRESSURE_PID_DERIVED),
                conf.getRequired(StreamingConfig.BACKPRESSURE_PID_MIN_RATE))));
    }

    /** The latest estimate in records per second for the whole stream, empty before the first. */
    public OptionalDouble latestRate() {
        double r = latestRate;
        return Double.isNaN(r) ? OptionalDouble.empty() : OptionalDouble.of(r);
    }

    /**
     * Feeds one completed batch to the estimator; called by the engine only, in batch order.
     *
     * @param processingEndMs when the batch's processing ended (epoch ms)
     * @param numRecords records of this stream in the batch (its plan's count)
     * @param processingDelayMs how long the batch's processing took
     * @param schedulingDelayMs how long the batch waited before its processing started
     * @return the new estimate, if this batch gave one
     */
    public OptionalDouble onBatchCompleted(long processingEndMs, long numRecords, long processingDelayMs,
                                           long schedulingDelayMs) {
        OptionalDouble rate = estimator.compute(processingEndMs, numRecords, processingDelayMs, schedulingDelayMs);
        if (rate.isPresent()) {
            latestRate = rate.getAsDouble();
        }
        return rate;
    }
}
