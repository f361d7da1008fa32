package io.sluice.benchmarks.endtoend;

import java.util.ArrayList;
import java.util.List;

/**
 * The completed batches of one benchmark run, as reported by the engine's streaming listener,
 * in batch-time order, each with the index of its first received record: with one receiver,
 * records are numbered in the order they were stored, so the records of a batch are the lines
 * {@code [firstRecord, firstRecord + records)} of the {@link LineSource}.
 *
 * <p>Thread-safe: the engine's listener thread adds, the benchmark thread reads.
 */
public final class BatchLog {

    /**
     * One completed batch; times are wall-clock milliseconds.
     *
     * @param timeMs the batch time (when the batch fell due)
     * @param records records received in the batch
     * @param firstRecord index in the source of the batch's first record
     * @param submittedMs when its jobs were submitted
     * @param startedMs when its first job started
     * @param endedMs when its last job ended
     */
    public record Batch(long timeMs, long records, long firstRecord, long submittedMs, long startedMs,
                        long endedMs) {
        /** Time the batch's jobs ran. */
        public long processingMs() {
            return endedMs - startedMs;
        }

        /** Time from due to start: a backlog shows here. */
        public long schedulingDelayMs() {
            return startedMs - timeMs;
        }

        /** Time from due to completion. */
        public long totalDelayMs() {
            return endedMs - timeMs;
        }
    }

    private static final boolean DEBUG = Boolean.getBoolean("sluice.bench.debug");
    private final List<Batch> batches = new ArrayList<>();
    private long nextRecord;

    /** A log whose first batch's records start at line 0 of the source. */
    public BatchLog() {
        this(0);
    }

    /**
     * A log whose first batch's records start at line {@code firstRecord} of the source: what the
     * source had emitted before this run's receiver started (an earlier run in the same JVM).
     */
    public BatchLog(long firstRecord) {
        this.nextRecord = firstRecord;
    }

    /** Records a completed batch; call in batch-time order (one batch at a time). */
    public synchronized void completed(long timeMs, long records, long submittedMs, long startedMs, long endedMs) {
        Batch b = new Batch(timeMs, records, nextRecord, submittedMs, startedMs, endedMs);
        batches.add(b);
        if (DEBUG) {
            System.out.println("    batch " + b + " processing " + b.processingMs() + " ms, delay "
                    + b.schedulingDelayMs() + " ms, reported " + (System.currentTimeMillis() - endedMs) + " ms later");
        }
        nextRecord += records;
        notifyAll();
    }

    /** The completed batches whose time is in {@code [fromMs, toMs]}. */
    public synchronized List<Batch> between(long fromMs, long toMs) {
        List<Batch> out = new ArrayList<>();
        for (Batch b : batches) {
            if (b.timeMs >= fromMs && b.timeMs <= toMs) {
                out.add(b);
            }
        }
        return out;
    }

    /** The last completed batch, or null. */
    public synchronized Batch last() {
        return batches.isEmpty() ? null : batches.get(batches.size() - 1);
    }

    /** Every completed batch so far. */
    public synchronized List<Batch> all() {
        return new ArrayList<>(batches);
    }

    /**
     * Waits until a batch with time at or after {@code timeMs} has completed, or the timeout.
     *
     * @return whether such a batch completed
     */
    public synchronized boolean awaitCompletion(long timeMs, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (batches.isEmpty() || batches.get(batches.size() - 1).timeMs < timeMs) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }
}
