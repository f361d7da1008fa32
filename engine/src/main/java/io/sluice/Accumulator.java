package io.sluice;

import io.sluice.internal.shared.BatchContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A value that tasks add to and the application reads, as Spark's {@code AccumulatorV2}, with
 * a guarantee Spark does not give: each batch's additions count exactly once, even when a batch
 * is re-run after recovery.
 *
 * <h2>How</h2>
 * An addition made while a batch is generated or run (in a transformation, an output
 * operation or a task) is held as that batch's pending delta; when the batch completes, its
 * delta joins the committed value, and a checkpoint stores the committed values. A recovered
 * context restores them, and re-runs the batches after the checkpoint, whose deltas then count
 * once. A batch that fails leaves no trace. Additions outside any batch (application code
 * before start) apply at once.
 *
 * <p>{@link #value()} is the committed value plus the pending deltas. Thread-safe.
 *
 * @param <IN> what is added
 * @param <OUT> the value read
 */
public abstract class Accumulator<IN, OUT> {
    private final String name;
    private final Map<Long, Object> pending = new ConcurrentHashMap<>();

    protected Accumulator(String name) {
        this.name = name;
    }

    /** The name (given, or {@code accumulator-<n>} in creation order), used by checkpoints. */
    public String name() {
        return name;
    }

    /** Adds {@code v} to the current batch's delta (or to the value outside any batch). */
    public final void add(IN v) {
        long batch = BatchContext.current();
        if (batch == BatchContext.NONE) {
            synchronized (this) {
                mergeInto(committedDelta(), v);
            }
            return;
        }
        Object delta = pending.computeIfAbsent(batch, b -> newDelta());
        synchronized (delta) {
            mergeInto(delta, v);
        }
    }

    /** The committed value plus every pending delta. */
    public final OUT value() {
        return read(mergedState());
    }

    /** A copy of the committed state with every pending delta added. */
    protected final synchronized Object mergedState() {
        Object sum = copy(committedDelta());
        for (Object d : pending.values()) {
            synchronized (d) {
                combine(sum, d);
            }
        }
        return sum;
    }

    /** The value of completed batches only. */
    public final synchronized OUT committedValue() {
        return read(copy(committedDelta()));
    }

    /** Internal: the delta of batch {@code batchTimeMs} joins the committed value. */
    public final synchronized void commit(long batchTimeMs) {
        Object d = pending.remove(batchTimeMs);
        if (d != null) {
            synchronized (d) {
                combine(committedDelta(), d);
            }
        }
    }

    /** Internal: forgets every pending delta (the batches will be re-run by a recovery). */
    public final void discardPending() {
        pending.clear();
    }

    /** Internal: the committed state, for a checkpoint. */
    public final synchronized Object snapshot() {
        return copy(committedDelta());
    }

    /** Internal: sets the committed state from a checkpoint and forgets pending deltas. */
    public final synchronized void restore(Object snapshot) {
        pending.clear();
        setCommitted(snapshot);
    }

    // ------------------------------------------------------------ implemented per kind

    /** The committed state (mutable, guarded by this). */
    protected abstract Object committedDelta();

    /** Replaces the committed state. */
    protected abstract void setCommitted(Object state);

    /** A fresh, zero delta. */
    protected abstract Object newDelta();

    /** Adds {@code v} to {@code delta} (the caller holds the delta's lock). */
    protected abstract void mergeInto(Object delta, IN v);

    /** Adds {@code other} to {@code into}. */
    protected abstract void combine(Object into, Object other);

    /** A copy of a delta. */
    protected abstract Object copy(Object delta);

    /** The value a delta stands for. */
    protected abstract OUT read(Object delta);

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + name + ": " + value() + ")";
    }
}
