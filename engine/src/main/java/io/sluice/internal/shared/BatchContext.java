package io.sluice.internal.shared;

/**
 * The batch the current thread works for: set by the job generator while it generates a batch,
 * by the batch runner while it runs one, and carried to task threads by the task scheduler.
 * Accumulator updates are attributed to it, so they count once per batch.
 */
public final class BatchContext {
    /** No batch: updates apply at once. */
    public static final long NONE = Long.MIN_VALUE;
    private static final ThreadLocal<long[]> CURRENT = ThreadLocal.withInitial(() -> new long[] {NONE});

    private BatchContext() {
    }

    /** The current thread's batch time, or {@link #NONE}. */
    public static long current() {
        return CURRENT.get()[0];
    }

    /** Sets the current thread's batch time; returns the previous one (to restore). */
    public static long set(long batchTimeMs) {
        long[] c = CURRENT.get();
        long prev = c[0];
        c[0] = batchTimeMs;
        return prev;
    }
}
