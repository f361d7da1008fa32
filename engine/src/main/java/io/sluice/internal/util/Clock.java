package io.sluice.internal.util;

/** A source of time for the job generator: the system clock, or a manual one in tests. */
public interface Clock {

    /** The current time in epoch milliseconds. */
    long getTimeMillis();

    /**
     * Blocks until the time is at least {@code targetTimeMs}; returns the time then.
     *
     * @throws InterruptedException if the waiting thread is interrupted
     */
    long waitTillTime(long targetTimeMs) throws InterruptedException;
}
