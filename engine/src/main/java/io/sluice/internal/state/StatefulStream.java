package io.sluice.internal.state;

import io.sluice.DStream;
import io.sluice.SluiceException;
import io.sluice.Time;
import io.sluice.internal.dstream.StatefulDStream;

/**
 * What every stateful operator shares: a stable operator id (registered with the graph when
 * the operator is declared), and the rule that each batch is applied to the state store once
 * and in batch order, never before the batch runs (DESIGN.md I3).
 *
 * @param <T> the record type of the operator's output stream
 */
public abstract class StatefulStream<T> extends DStream<T> implements StatefulDStream {
    private volatile String operatorId;
    private final Object applyLock = new Object();
    private long lastAppliedMs = Long.MIN_VALUE;
    private boolean restored;

    /** Registers the operator with the graph of {@code parent}'s context under {@code kind}. */
    protected StatefulStream(DStream<?> parent, String kind) {
        super(parent.context());
        this.operatorId = graph().registerStateful(kind, this);
    }

    @Override
    public final String operatorId() {
        return operatorId;
    }

    /** Renames this operator to the user's {@code id} (before start); see {@link DStream#uid}. */
    @Override
    public DStream<T> uid(String id) {
        operatorId = graph().renameStateful(operatorId, id);
        return this;
    }

    @Override
    public final void restoredAt(Time time) {
        synchronized (applyLock) {
            lastAppliedMs = time.milliseconds();
            restored = true;
        }
    }

    /** Applies one batch; {@code firstOfFreshRun} is true for the first batch of a fresh start. */
    protected interface BatchUpdate {
        void apply(boolean firstOfFreshRun);
    }

    /**
     * Runs {@code update} for batch {@code time} unless the state is already as of that batch;
     * returns whether it ran. Serialized with every other application of this operator.
     *
     * @throws SluiceException if the batch has not started running yet (an action on the
     *     operator's RDD inside a transform function, which runs when the batch is generated)
     */
    protected final boolean applyOnce(Time time, BatchUpdate update) {
        synchronized (applyLock) {
            long t = time.milliseconds();
            if (t <= lastAppliedMs) {
                return false;
            }
            if (t > ssc.runtime().runningBatchMs()) {
                throw new SluiceException("The state of operator [" + operatorId + "] after batch " + time
                        + " was requested before that batch runs: an action (count(), collect(), ...) on the RDD"
                        + " of a stateful stream inside transform() runs when the batch is generated; call"
                        + " actions in foreachRDD instead, or transform the RDD lazily");
            }
            update.apply(!restored && lastAppliedMs == Long.MIN_VALUE);
            lastAppliedMs = t;
            return true;
        }
    }
}
