package io.sluice;

import io.sluice.internal.state.MapWithStateOperator;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The records returned by the function of {@link PairDStream#mapWithState}, as Spark's
 * {@code JavaMapWithStateDStream}; {@link #stateSnapshots()} gives the states themselves.
 *
 * @param <K> key type
 * @param <V> value type
 * @param <S> state type
 * @param <T> type of the mapped records
 */
public final class MapWithStateDStream<K, V, S, T> extends DStream<T> {
    private final MapWithStateOperator<K, V, S, T> operator;

    MapWithStateDStream(MapWithStateOperator<K, V, S, T> operator) {
        super(operator.context());
        this.operator = operator;
    }

    /** Names this mapWithState operator; see {@link DStream#uid(String)}. */
    @Override
    public MapWithStateDStream<K, V, S, T> uid(String id) {
        operator.uid(id);
        return this;
    }

    /** Every (key, state) after each batch. Cost per batch: proportional to the state's size. */
    public PairDStream<K, S> stateSnapshots() {
        return PairDStream.fromDStream(operator.snapshots());
    }

    @Override
    public Duration slideDuration() {
        return operator.slideDuration();
    }

    @Override
    public List<DStream<?>> dependencies() {
        return List.of(operator);
    }

    @Override
    protected Optional<RDD<T>> compute(Time validTime) {
        return operator.getOrCompute(validTime);
    }
}
