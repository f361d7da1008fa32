package io.sluice.internal.rate;

/**
 * A token bucket that throttles one receiver's store calls to a rate in records per second.
 *
 * <p>The bucket fills at {@code rate} tokens per second up to one second's worth (a receiver
 * that was idle may burst for up to a second, as Guava's {@code RateLimiter} used by Spark
 * allows). {@link #acquire(long)} takes {@code n} tokens and blocks the calling thread until
 * the bucket is no longer in debt: a store of a block larger than the bucket is admitted, and
 * it is the caller who waits for the tokens it took, so the rate holds over any sequence of
 * store calls of any sizes. The rate can change at any time ({@link #setRate}); a debt already
 * taken is then paid back at the new rate, so a receiver throttled hard by backpressure speeds
 * up as soon as the rate rises rather than sitting out a wait computed at the old rate.
 *
 * <p>An infinite rate means no limit: {@code acquire} returns at once and keeps no books.
 * {@link #close()} releases every waiter, for a receiver that stops while throttled.
 *
 * <p>Thread-safe; waiters sleep without holding the lock, in slices of at most 100 ms so that
 * rate changes and {@link #close()} are seen promptly.
 */
public final class RateLimiter {
    private static final long MAX_SLICE_NANOS = 100_000_000L;

    private final TimeSource time;
    private double rate;
    /** Whether there is no limit (or the limiter is closed): read without the lock on the hot path. */
    private volatile boolean unlimited;
    private double tokens;
    private long lastRefillNanos;
    private boolean closed;

    /**
     * @param ratePerSecond records per second, {@link Double#POSITIVE_INFINITY} for no limit
     * @param time the clock and sleeper ({@link TimeSource#SYSTEM} outside tests)
     * @throws IllegalArgumentException if the rate is not positive
     */
    public RateLimiter(double ratePerSecond, TimeSource time) {
        checkRate(ratePerSecond);
        this.time = time;
        this.rate = ratePerSecond;
        this.unlimited = Double.isInfinite(ratePerSecond);
        this.lastRefillNanos = time.nanoTime();
    }

    private static void checkRate(double r) {
        if (!(r > 0)) {
            throw new IllegalArgumentException("A rate limit must be positive (records per second), got " + r);
        }
    }

    /** The current rate in records per second ({@code Infinity}: no limit). */
    public synchronized double rate() {
        return rate;
    }

    /**
     * Changes the rate from now on; the tokens and the debt accumulated so far are kept.
     *
     * @throws IllegalArgumentException if the rate is not positive
     */
    public synchronized void setRate(double ratePerSecond) {
        checkRate(ratePerSecond);
        refill();
        rate = ratePerSecond;
        unlimited = closed || Double.isInfinite(rate);
        if (Double.isInfinite(rate)) {
            tokens = 0;
        }
    }

    /**
     * Takes {@code n} tokens, blocking until the bucket is out of debt.
     *
     * @return the nanoseconds spent waiting
     * @throws InterruptedException if the thread is interrupted while waiting (the tokens stay taken)
     */
    public long acquire(long n) throws InterruptedException {
        if (n <= 0 || unlimited) {
            return 0;
        }
        long waited = 0;
        synchronized (this) {
            if (closed || Double.isInfinite(rate)) {
                return 0;
            }
            refill();
            tokens -= n;
        }
        while (true) {
            long sleep;
            synchronized (this) {
                if (closed || Double.isInfinite(rate)) {
                    return waited;
                }
                refill();
                if (tokens >= 0) {
                    return waited;
                }
                sleep = Math.min(MAX_SLICE_NANOS, (long) Math.ceil(-tokens / rate * 1e9));
            }
            long before = time.nanoTime();
            time.sleepNanos(Math.max(1, sleep));
            waited += time.nanoTime() - before;
        }
    }

    /** Releases every waiter; later acquires return at once. */
    public synchronized void close() {
        closed = true;
        unlimited = true;
    }

    private void refill() {
        long now = time.nanoTime();
        long elapsed = now - lastRefillNanos;
        lastRefillNanos = now;
        if (elapsed > 0 && !Double.isInfinite(rate)) {
            tokens = Math.min(rate, tokens + elapsed * rate / 1e9);
        }
    }
}
