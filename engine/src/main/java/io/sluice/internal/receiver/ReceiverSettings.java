package io.sluice.internal.receiver;

import io.sluice.SluiceConf;
import io.sluice.internal.config.StreamingConfig;
import io.sluice.internal.rate.TimeSource;
import java.time.Duration;

/**
 * How receivers are run, read once from the configuration when the context starts.
 *
 * @param blockInterval how often buffered single records become a block
 * @param blockTimer whether a timer cuts blocks (false with the manual clock: the job
 *     generator's flush does)
 * @param restartDelay the first restart delay
 * @param maxRestartDelay the longest restart delay
 * @param restartBackoffMultiplier how much the delay grows per failure in a row
 * @param stopTimeout how long stopping waits for a receiver's threads
 * @param maxRate records per second per receiver, {@code Infinity} for no limit
 * @param initialRate the rate limit receivers start with (maxRate, or with backpressure the
 *     initial rate capped by maxRate)
 * @param backpressure whether a PID estimator adapts the rate after every batch
 * @param pidProportional the estimator's proportional gain
 * @param pidIntegral the estimator's integral gain
 * @param pidDerived the estimator's derivative gain
 * @param pidMinRate the lowest rate the estimator sets
 * @param rateTime the clock and sleeper of the rate limiters
 */
public record ReceiverSettings(Duration blockInterval, boolean blockTimer, Duration restartDelay,
                               Duration maxRestartDelay, double restartBackoffMultiplier, Duration stopTimeout,
                               double maxRate, double initialRate, boolean backpressure,
                               double pidProportional, double pidIntegral, double pidDerived,
                               double pidMinRate, TimeSource rateTime) {

    /**
     * Reads the settings from {@code conf}.
     *
     * @throws io.sluice.SluiceException if a value is invalid (naming the key and the fix)
     */
    public static ReceiverSettings from(SluiceConf conf, boolean blockTimer) {
        Duration first = conf.getRequired(StreamingConfig.RECEIVER_RESTART_DELAY);
        Duration max = conf.getRequired(StreamingConfig.RECEIVER_MAX_RESTART_DELAY);
        if (max.compareTo(first) < 0) {
            // A max below the first delay is a misconfiguration only if the user set it; the
            // default max simply yields to a longer first delay.
            if (conf.contains(StreamingConfig.RECEIVER_MAX_RESTART_DELAY.name())) {
                throw new io.sluice.SluiceException("Invalid value [" + max + "] for configuration key ["
                        + StreamingConfig.RECEIVER_MAX_RESTART_DELAY.name() + "]: it must be at least "
                        + StreamingConfig.RECEIVER_RESTART_DELAY.name() + " [" + first + "]");
            }
            max = first;
        }
        long maxRateConf = conf.getRequired(StreamingConfig.RECEIVER_MAX_RATE);
        double maxRate = maxRateConf > 0 ? maxRateConf : Double.POSITIVE_INFINITY;
        boolean backpressure = conf.getRequired(StreamingConfig.BACKPRESSURE_ENABLED);
        double initial = maxRate;
        if (backpressure) {
            initial = Math.min(maxRate, conf.get(StreamingConfig.BACKPRESSURE_INITIAL_RATE)
                    .map(Long::doubleValue).orElse(Double.POSITIVE_INFINITY));
        }
        return new ReceiverSettings(conf.getRequired(StreamingConfig.BLOCK_INTERVAL), blockTimer, first, max,
                conf.getRequired(StreamingConfig.RECEIVER_RESTART_BACKOFF_MULTIPLIER),
                conf.getRequired(StreamingConfig.RECEIVER_STOP_TIMEOUT), maxRate, initial, backpressure,
                conf.getRequired(StreamingConfig.BACKPRESSURE_PID_PROPORTIONAL),
                conf.getRequired(StreamingConfig.BACKPRESSURE_PID_INTEGRAL),
                conf.getRequired(StreamingConfig.BACKPRESSURE_PID_DERIVED),
                conf.getRequired(StreamingConfig.BACKPRESSURE_PID_MIN_RATE), TimeSource.SYSTEM);
    }

    /** The same settings with another time source for the rate limiters (tests). */
    public ReceiverSettings withRateTime(TimeSource t) {
        return new ReceiverSettings(blockInterval, blockTimer, restartDelay, maxRestartDelay, restartBackoffMultiplier,
                stopTimeout, maxRate, initialRate, backpressure, pidProportional, pidIntegral, pidDerived,
                pidMinRate, t);
    }
}
