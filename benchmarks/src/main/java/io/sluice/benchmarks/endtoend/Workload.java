package io.sluice.benchmarks.endtoend;

/** The end-to-end workloads, each run the same way on every engine. */
public enum Workload {
    /**
     * Word count fed by an in-process receiver pumping {@link LineSource} lines: flatMap on
     * spaces, mapToPair (word, 1), reduceByKey, and an action on every batch's counts.
     */
    RECEIVER_WORD_COUNT("receiver-word-count", true),
    /**
     * The same receiver-fed words counted over a sliding window of 3 batches, sliding by 1
     * batch: reduceByKeyAndWindow with an inverse function and a filter dropping zero counts
     * (needs a checkpoint directory on both engines, also without the WAL).
     */
    WINDOWED_COUNT("windowed-count", true),
    /** The word count from a queue stream of pre-built datasets, one per batch, no receiver. */
    QUEUE_WORD_COUNT("queue-word-count", false),
    /**
     * Batches at a 100 ms interval that are empty, then of 10 lines, through a small word count:
     * per batch, the time from the batch falling due to its output completing, minus the time
     * spent in the user's functions.
     */
    SCHEDULING_OVERHEAD("scheduling-overhead", false),
    /**
     * updateStateByKey over 1 million keys (Long to Long counts, started from an initial dataset
     * of all keys) at 1 s batches, fed 100,000 key updates per batch by a receiver (no WAL).
     */
    UPDATE_STATE_1M("update-state-1m", false);

    private final String id;
    private final boolean receiver;

    Workload(String id, boolean receiver) {
        this.id = id;
        this.receiver = receiver;
    }

    /** The id used in file names and arguments. */
    public String id() {
        return id;
    }

    /** Whether the workload's input comes from a receiver (and so can use the WAL). */
    public boolean receiver() {
        return receiver;
    }

    /** The workload with this id. */
    public static Workload of(String id) {
        for (Workload w : values()) {
            if (w.id.equals(id) || w.name().equalsIgnoreCase(id)) {
                return w;
            }
        }
        throw new IllegalArgumentException("unknown workload [" + id + "]; known: "
                + java.util.Arrays.stream(values()).map(Workload::id).toList());
    }
}
