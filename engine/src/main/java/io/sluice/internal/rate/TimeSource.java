package io.sluice.internal.rate;

/**
 * Where a {@link RateLimiter} reads time and how it waits: the system's monotonic clock and
 * {@link Thread#sleep}, or a fake one in tests whose sleeps advance its time, so a limiter can
 * be tested exactly and without waiting.
 */
public interface TimeSource {

    /** A monotonic time in nanoseconds (only differences matter). */
    long nanoTime();

    /**
     * Waits about {@code nanos} nanoseconds.
     *
     * @throws InterruptedException if the waiting thread is interrupted
     */
    void sleepNanos(long nanos) throws InterruptedException;

    /** The system's monotonic clock; sleeping is {@link Thread#sleep(long, int)}. */
    TimeSource SYSTEM = new TimeSource() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleepNanos(long nanos) throws InterruptedException {
            if (nanos > 0) {
                Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
            }
        }
    };
}
