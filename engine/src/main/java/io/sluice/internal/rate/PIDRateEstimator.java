package io.sluice.internal.rate;

import java.util.OptionalDouble;

/**
 * Spark Streaming's PID rate estimator, re-implemented with the same semantics and defaults.
 *
 * <h2>How it works, and why</h2>
 * The quantity controlled is the ingestion rate (records per second); the set point is the rate
 * at which the last batch was actually processed, {@code processingRate = numRecords /
 * processingDelay}. Each completed batch gives
 * <pre>
 *   error           = latestRate - processingRate                   (proportional term)
 *   historicalError = schedulingDelay * processingRate / batchInterval   (integral term: the
 *                     records that piled up waiting, spread over a batch interval)
 *   dError          = (error - latestError) / secondsSinceLastUpdate    (derivative term)
 *   newRate         = max(minRate, latestRate - kp * error - ki * historicalError - kd * dError)
 * </pre>
 * With the defaults (kp = 1, ki = 0.2, kd = 0) the new rate is the processing rate, lowered
 * further while batches queue up (scheduling delay above zero), so the backlog drains.
 *
 * <p>As in Spark: the first batch that qualifies gives no estimate, it only records the
 * processing rate as the latest rate; a batch qualifies only if it is later than the last one
 * used, has records and a positive processing delay; the rate never goes below
 * {@code minRate}.
 *
 * <p>Not thread-safe: one estimator per stream, fed from the batch runner in batch order.
 */
public final class PIDRateEstimator implements RateEstimator {
    private final long batchIntervalMs;
    private final double proportional;
    private final double integral;
    private final double derivative;
    private final double minRate;

    private boolean firstRun = true;
    private long latestTimeMs = -1L;
    private double latestRate = -1D;
    private double latestError = -1D;

    /**
     * @throws IllegalArgumentException if the batch interval or minRate is not positive, or a
     *     gain is negative (the message names the configuration key)
     */
    public PIDRateEstimator(long batchIntervalMs, double proportional, double integral, double derivative,
                            double minRate) {
        require(batchIntervalMs > 0, "the batch interval must be positive, got " + batchIntervalMs + " ms");
        require(proportional >= 0, "sluice.streaming.backpressure.pid.proportional must be >= 0, got " + proportional);
        require(integral >= 0, "sluice.streaming.backpressure.pid.integral must be >= 0, got " + integral);
        require(derivative >= 0, "sluice.streaming.backpressure.pid.derived must be >= 0, got " + derivative);
        require(minRate > 0, "sluice.streaming.backpressure.pid.minRate must be > 0, got " + minRate);
        this.batchIntervalMs = batchIntervalMs;
        this.proportional = proportional;
        this.integral = integral;
        this.derivative = derivative;
        this.minRate = minRate;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    @Override
    public OptionalDouble compute(long timeMs, long numRecords, long processingDelayMs, long schedulingDelayMs) {
        if (timeMs <= latestTimeMs || numRecords <= 0 || processingDelayMs <= 0) {
            return OptionalDouble.empty();
        }
        double secondsSinceUpdate = (timeMs - latestTimeMs) / 1000.0;
        double processingRate = numRecords / (double) processingDelayMs * 1000.0;
        double error = latestRate - processingRate;
        double historicalError = schedulingDelayMs * processingRate / batchIntervalMs;
        double dError = (error - latestError) / secondsSinceUpdate;
        double newRate = Math.max(minRate,
                latestRate - proportional * error - integral * historicalError - derivative * dError);
        latestTimeMs = timeMs;
        if (firstRun) {
            latestRate = processingRate;
            latestError = 0D;
            firstRun = false;
            return OptionalDouble.empty();
        }
        latestRate = newRate;
        latestError = error;
        return OptionalDouble.of(newRate);
    }
}
