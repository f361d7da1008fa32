package io.sluice.testing;

import io.sluice.Time;
import io.sluice.internal.util.Clock;
import java.time.Duration;

/**
 * A clock that moves only when a test advances it, to drive a pipeline batch by batch with no
 * sleeping. Enabled by {@code sluice.streaming.clock=manual} and reached with
 * {@link io.sluice.StreamingContext#manualClock()}. It starts at time 0, so with a batch
 * duration d the batches fall due at d, 2d, ...
 *
 * <pre>{@code
 * ManualClock clock = ssc.manualClock();
 * ssc.start();
 * Time t = clock.advance(Duration.ofSeconds(1));   // the batch at 1000 ms is generated
 * ssc.awaitBatchCompletion(t, Duration.ofSeconds(10));
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class ManualClock implements Clock {
    private long time;

    public ManualClock() {
        this(0L);
    }

    public ManualClock(long startTimeMs) {
        this.time = startTimeMs;
    }

    @Override
    public synchronized long getTimeMillis() {
        return time;
    }

    /** Sets the time (never backwards) and wakes whatever waits for it. */
    public synchronized void setTime(long timeMs) {
        if (timeMs < time) {
            throw new IllegalArgumentException("A manual clock cannot go back: " + timeMs + " < " + time);
        }
        time = timeMs;
        notifyAll();
    }

    /**
     * Moves the time forward by {@code d}: the batches that fall due are generated (jobs for
     * them are queued; wait for them with {@link io.sluice.StreamingContext#awaitBatchCompletion}).
     *
     * @return the new time
     */
    public synchronized Time advance(Duration d) {
        setTime(time + d.toMillis());
        return new Time(time);
    }

    @Override
    public synchronized long waitTillTime(long targetTimeMs) throws InterruptedException {
        while (time < targetTimeMs) {
            wait();
        }
        return time;
    }
}
