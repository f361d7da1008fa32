package io.sluice.benchmarks.endtoend;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Measures {@link Workload#SCHEDULING_OVERHEAD}: user functions add the nanoseconds they spend
 * to {@link #addWork}, and the output operation, when its action returns, reports the batch
 * with {@link #batchDone}. The overhead of a batch is then the time from the batch falling due
 * to its output completing, minus the work done inside the user's functions during the output.
 *
 * <p>JVM-wide (the engines run user functions on their own threads in the same JVM);
 * thread-safe.
 */
public final class OverheadProbe {
    private static final LongAdder WORK_NANOS = new LongAdder();
    private static final LongAdder WORK_CALLS = new LongAdder();
    private static final List<long[]> BATCHES = new ArrayList<>();

    private OverheadProbe() {
    }

    /** Adds work done inside one call of a user function (one call per record). */
    public static void addWork(long nanos) {
        WORK_NANOS.add(nanos);
        WORK_CALLS.increment();
    }

    /** The calls reported by {@link #addWork} so far: the records seen. */
    public static long workCalls() {
        return WORK_CALLS.sum();
    }

    /** The total work reported so far, in nanoseconds. */
    public static long workNanos() {
        return WORK_NANOS.sum();
    }

    /**
     * Records a batch whose output completed now.
     *
     * @param batchTimeMs the batch time
     * @param workNanosDuring the work reported while the output ran
     * @param records the records of the batch
     */
    public static void batchDone(long batchTimeMs, long workNanosDuring, long records) {
        long doneMicros = WallClock.nowMicros();
        synchronized (BATCHES) {
            BATCHES.add(new long[] {batchTimeMs, doneMicros - batchTimeMs * 1000, workNanosDuring / 1000, records});
        }
    }

    /** Each recorded batch: {time ms, due-to-done µs, work µs, records}. */
    public static List<long[]> batches() {
        synchronized (BATCHES) {
            return new ArrayList<>(BATCHES);
        }
    }
}
