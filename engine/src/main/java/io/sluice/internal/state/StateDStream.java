package io.sluice.internal.state;

import io.sluice.DStream;
import io.sluice.PairRDD;
import io.sluice.RDD;
import io.sluice.SluiceException;
import io.sluice.Time;
import io.sluice.Tuple2;
import io.sluice.function.Function2;
import io.sluice.internal.dstream.StatefulDStream;
import io.sluice.internal.rdd.ParallelCollectionRDD;
import io.sluice.internal.scheduler.TaskScheduler;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code updateStateByKey}: the state of every key, updated at every batch by the user's
 * function from the batch's new values and the key's previous state, kept in the state store.
 *
 * <p>As in Spark, the function is called for every key that has a state or new values, at every
 * batch; returning empty removes the key. The stream's RDD at t holds every (key, state) after
 * batch t.
 *
 * <p>The update of batch t is applied exactly once and in batch order ({@link #applyBatch}); a
 * restored context declares the batch its state is as of ({@link #restoredAt}), and the
 * re-run batches after it apply on top, so a re-run batch sees the state as of its
 * predecessor (DESIGN.md I3).
 */
public final class StateDStream<K, V, S> extends DStream<Tuple2<K, S>> implements StatefulDStream {
    public static final String KIND = "updateStateByKey";

    private final DStream<Tuple2<K, V>> parent;
    private final Function2<List<V>, Optional<S>, Optional<S>> updateFunc;
    private final int numPartitions;
    private final PairRDD<K, S> initialRDD;
    private final String operatorId;
    private final Object applyLock = new Object();
    private long lastAppliedMs = Long.MIN_VALUE;
    private boolean restored;

    public StateDStream(DStream<Tuple2<K, V>> parent, Function2<List<V>, Optional<S>, Optional<S>> updateFunc,
                        int numPartitions, PairRDD<K, S> initialRDD) {
        super(parent.context());
        if (numPartitions < 1) {
            throw new IllegalArgumentException("numPartitions must be >= 1, got " + numPartitions);
        }
        this.parent = parent;
        this.updateFunc = updateFunc;
        this.numPartitions = numPartitions;
        this.initialRDD = initialRDD;
        this.operatorId = graph().registerStateful(KIND, this);
    }

    @Override
    public String operatorId() {
        return operatorId;
    }

    @Override
    public String describe() {
        return KIND + "(partitions=" + numPartitions + ")";
    }

    @Override
    public Duration slideDuration() {
        return parent.slideDuration();
    }

    @Override
    public List<DStream<?>> dependencies() {
        return List.of(parent);
    }

    @Override
    protected Optional<RDD<Tuple2<K, S>>> compute(Time validTime) {
        RDD<Tuple2<K, V>> data = parent.getOrCompute(validTime)
                .orElseGet(() -> ParallelCollectionRDD.empty(ssc.runtime().env()));
        PairRDD<K, Iterable<V>> grouped = PairRDD.fromRDD(data).groupByKey(numPartitions);
        return Optional.of(new StateRDD<>(this, grouped, validTime));
    }

    @Override
    public void applyBatch(Time time, TaskScheduler scheduler) {
        getOrCompute(time).ifPresent(scheduler::prepare);
    }

    @Override
    public void restoredAt(Time time) {
        synchronized (applyLock) {
            lastAppliedMs = time.milliseconds();
            restored = true;
        }
    }

    /**
     * Called by the batch's {@link StateRDD} when it materializes: checks the batch order, runs
     * {@code update} and records the batch as applied.
     */
    void apply(Time time, Runnable update) {
        synchronized (applyLock) {
            if (time.milliseconds() > access().runtime().runningBatchMs()) {
                throw new SluiceException("The state of operator [" + operatorId + "] after batch " + time
                        + " was requested before that batch runs: an action (count(), collect(), ...) on the RDD"
                        + " of a stateful stream inside transform() runs when the batch is generated; call"
                        + " actions in foreachRDD instead, or transform the RDD lazily");
            }
            if (time.milliseconds() <= lastAppliedMs) {
                throw new SluiceException("Bug: state of operator [" + operatorId + "] is already as of batch "
                        + lastAppliedMs + " ms; batch " + time + " would be applied twice");
            }
            if (!restored && lastAppliedMs == Long.MIN_VALUE && initialRDD != null) {
                StateRDD.writeInitial(this, initialRDD);
            }
            update.run();
            lastAppliedMs = time.milliseconds();
        }
    }

    Function2<List<V>, Optional<S>, Optional<S>> updateFunc() {
        return updateFunc;
    }

    int numPartitions() {
        return numPartitions;
    }

    StreamingContextAccess access() {
        return new StreamingContextAccess(ssc.runtime());
    }

    /** The runtime services a state RDD needs. */
    record StreamingContextAccess(io.sluice.internal.ContextRuntime runtime) {
    }
}
