package io.sluice.internal.rate;

/** A time source for tests: time moves only when a thread sleeps on it. Thread-safe. */
final class FakeTime implements TimeSource {
    private long now;

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized void sleepNanos(long nanos) {
        now += nanos;
    }

    synchronized void advanceSeconds(double s) {
        now += (long) (s * 1e9);
    }

    synchronized double seconds() {
        return now / 1e9;
    }
}
