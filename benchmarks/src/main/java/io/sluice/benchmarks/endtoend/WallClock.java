package io.sluice.benchmarks.endtoend;

/**
 * Wall-clock time in microseconds, anchored once and advanced by {@link System#nanoTime()}, so
 * that sub-millisecond intervals against batch times (wall-clock milliseconds) can be measured.
 */
public final class WallClock {
    private static final long ANCHOR_WALL_MS = System.currentTimeMillis();
    private static final long ANCHOR_NANOS = System.nanoTime();

    private WallClock() {
    }

    /** Now, in microseconds since the epoch. */
    public static long nowMicros() {
        return ANCHOR_WALL_MS * 1000 + (System.nanoTime() - ANCHOR_NANOS) / 1000;
    }
}
