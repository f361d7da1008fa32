package io.sluice.internal.state;

import io.sluice.DStream;
import io.sluice.PairRDD;
import io.sluice.RDD;
import io.sluice.SluiceException;
import io.sluice.Time;
import io.sluice.Tuple2;
import io.sluice.function.Function2;
import io.sluice.internal.config.StreamingConfig;
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
 * batch t. Keys are identified by their serialized bytes (see {@link StateRDD} for how a batch
 * is applied and what it costs per key).
 *
 * <p>The update of batch t is applied exactly once and in batch order ({@link #applyBatch}); a
 * restored context declares the batch its state is as of ({@link #restoredAt}), and the
 * re-run batches after it apply on top, so a re-run batch sees the state as of its
 * predecessor (DESIGN.md I3).
 */
public final class StateDStream<K, V, S> extends StatefulStream<Tuple2<K, S>> {
    public static final String KIND = "updateStateByKey";

    private final DStream<Tuple2<K, V>> parent;
    private final Function2<List<V>, Optional<S>, Optional<S>> updateFunc;
    private final int numPartitions;
    private final PairRDD<K, S> initialRDD;

    public StateDStream(DStream<Tuple2<K, V>> parent, Function2<List<V>, Optional<S>, Optional<S>> updateFunc,
                        int numPartitions, PairRDD<K, S> initialRDD) {
        super(parent, KIND);
        if (numPartitions < 1) {
            throw new IllegalArgumentException("numPartitions must be >= 1, got " + numPartitions);
        }
        this.parent = parent;
        this.updateFunc = updateFunc;
        this.numPartitions = numPartitions;
        this.initialRDD = initialRDD;
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

    /**
     * Called by the batch's {@link StateRDD} when it materializes: runs {@code update} once, in
     * batch order (after writing the initial RDD on the first batch of a fresh start).
     */
    void apply(Time time, Runnable update) {
        boolean ran = applyOnce(time, first -> {
            if (first && initialRDD != null) {
                StateRDD.writeInitial(this, initialRDD);
            }
            update.run();
        });
        if (!ran) {
            throw new SluiceException("Bug: state of operator [" + operatorId() + "] is already as of batch "
                    + time + " or later; the batch would be applied twice");
        }
    }

    Function2<List<V>, Optional<S>, Optional<S>> updateFunc() {
        return updateFunc;
    }

    int numPartitions() {
        return numPartitions;
    }

    /**
     * The heap one partition of a batch's state may use to keep its output serialized
     * ({@code sluice.state.outputBufferBytes}, split evenly between the partitions).
     */
    long outputBufferBytesPerPartition() {
        long total = ssc.runtime().env().conf().get(StreamingConfig.STATE_OUTPUT_BUFFER_BYTES)
                .orElse(Runtime.getRuntime().maxMemory() / 16);
        return total / numPartitions;
    }

    StreamingContextAccess access() {
        return new StreamingContextAccess(ssc.runtime());
    }

    /** The runtime services a state RDD needs. */
    record StreamingContextAccess(io.sluice.internal.ContextRuntime runtime) {
    }
}
