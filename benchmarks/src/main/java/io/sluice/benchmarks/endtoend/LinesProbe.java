package io.sluice.benchmarks.endtoend;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the lines a queue-fed word count processed per batch, so that a queue-stream trial can
 * check, as a receiver trial does with the engine's record counts, that its batches processed
 * the offered lines (a batch that finds the queue empty processes nothing, fast, and must not
 * make a rate pass). Engines' queue streams report no record counts of their own.
 *
 * <p>Both engines' pipelines call {@link #line} once per line in their first function (the
 * same cost on both) and {@link #batchDone} when the batch's output action has returned; with
 * one batch running at a time (both engines' default), the lines counted since the previous
 * batch are this batch's. JVM-wide; thread-safe.
 */
public final class LinesProbe {
    private static final LongAdder LINES = new LongAdder();
    private static final Map<Long, Long> PER_BATCH = new ConcurrentHashMap<>();
    private static long reported;

    private LinesProbe() {
    }

    /** Counts one processed line (called from task threads). */
    public static void line() {
        LINES.increment();
    }

    /** The output of batch {@code batchTimeMs} completed: its lines are those counted since the last call. */
    public static synchronized void batchDone(long batchTimeMs) {
        long now = LINES.sum();
        PER_BATCH.put(batchTimeMs, now - reported);
        reported = now;
    }

    /** The lines batch {@code batchTimeMs} processed (0 if it reported none); forgets the batch. */
    public static long linesOf(long batchTimeMs) {
        Long n = PER_BATCH.remove(batchTimeMs);
        return n == null ? 0 : n;
    }
}
