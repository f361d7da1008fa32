package io.sluice.internal.receiver;

import java.time.Duration;

/**
 * The delays before a failing receiver is started again: exponential backoff.
 *
 * <p>The n-th restart in a row (n = 1, 2, ...) waits {@code first * multiplier^(n-1)}, capped at
 * {@code max}. A receiver that made progress since its last start (stored a record), or that
 * ran for at least {@code max} without failing, is healthy again: its next restart waits
 * {@code first} again. So a source that is down is retried quickly at first and then at most
 * every {@code max}, while a receiver that restarts now and then for a reason of its own (a
 * rebalanced source, a closed connection) always comes back after the first delay.
 *
 * <p>Not thread-safe; its supervisor guards it.
 */
public final class RestartBackoff {
    private final long firstMs;
    private final long maxMs;
    private final double multiplier;
    private int failuresInARow;

    /**
     * @throws IllegalArgumentException if first is negative, max below first, or multiplier below 1
     */
    public RestartBackoff(Duration first, Duration max, double multiplier) {
        if (first.isNegative() || max.compareTo(first) < 0 || !(multiplier >= 1.0)) {
            throw new IllegalArgumentException("Receiver restart backoff needs 0 <= first <= max and a multiplier >= 1, got "
                    + first + ", " + max + ", " + multiplier + ": check sluice.streaming.receiverRestartDelay,"
                    + " sluice.streaming.receiver.maxRestartDelay and sluice.streaming.receiver.restartBackoffMultiplier");
        }
        this.firstMs = first.toMillis();
        this.maxMs = max.toMillis();
        this.multiplier = multiplier;
    }

    /** Counts one more failure in a row and returns how long to wait before the next start. */
    public Duration nextDelay() {
        failuresInARow++;
        double d = firstMs * Math.pow(multiplier, failuresInARow - 1);
        return Duration.ofMillis(d >= maxMs ? maxMs : (long) d);
    }

    /** The receiver is healthy again: the next failure waits the first delay. */
    public void reset() {
        failuresInARow = 0;
    }

    /** The longest delay, which is also how long a run must last to count as healthy. */
    public Duration max() {
        return Duration.ofMillis(maxMs);
    }

    /** Failures since the last reset. */
    public int failuresInARow() {
        return failuresInARow;
    }
}
