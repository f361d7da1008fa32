package io.sluice;

import io.sluice.function.Function3;
import io.sluice.function.Function4;
import java.io.Serializable;
import java.time.Duration;
import java.util.Optional;

/**
 * What {@link PairDStream#mapWithState} does, as Spark's {@code StateSpec}: the mapping function,
 * and optionally the initial state, the number of state partitions and an idle timeout.
 *
 * <pre>{@code
 * StateSpec<String, Integer, Integer, Tuple2<String, Integer>> spec = StateSpec.function(
 *     (String word, Optional<Integer> one, State<Integer> state) -> {
 *         int sum = one.orElse(0) + state.getOption().orElse(0);
 *         if (!state.isTimingOut()) {
 *             state.update(sum);
 *         }
 *         return new Tuple2<>(word, sum);
 *     }).timeout(Duration.ofMinutes(10));
 * }</pre>
 *
 * @param <K> key type
 * @param <V> value type
 * @param <S> state type
 * @param <T> type of the mapped records
 */
public final class StateSpec<K, V, S, T> implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Function4<Time, K, Optional<V>, State<S>, Optional<T>> function;
    private PairRDD<K, S> initialState;
    private int numPartitions = -1;
    private Duration timeout;

    private StateSpec(Function4<Time, K, Optional<V>, State<S>, Optional<T>> function) {
        if (function == null) {
            throw new IllegalArgumentException("The mapping function of a StateSpec must not be null");
        }
        this.function = function;
    }

    /** A spec whose function also gets the batch time and may return nothing. */
    public static <K, V, S, T> StateSpec<K, V, S, T> function(
            Function4<Time, K, Optional<V>, State<S>, Optional<T>> mappingFunction) {
        return new StateSpec<>(mappingFunction);
    }

    /** A spec whose function maps every record (and every timing-out key) to one record. */
    public static <K, V, S, T> StateSpec<K, V, S, T> function(Function3<K, Optional<V>, State<S>, T> mappingFunction) {
        if (mappingFunction == null) {
            throw new IllegalArgumentException("The mapping function of a StateSpec must not be null");
        }
        return new StateSpec<>((time, k, v, s) -> Optional.ofNullable(mappingFunction.call(k, v, s)));
    }

    /** Starts from these states (on a fresh start; a recovered context restores its own). */
    public StateSpec<K, V, S, T> initialState(PairRDD<K, S> rdd) {
        this.initialState = rdd;
        return this;
    }

    /** Keeps the state in {@code n} partitions. */
    public StateSpec<K, V, S, T> numPartitions(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("numPartitions must be >= 1, got " + n);
        }
        this.numPartitions = n;
        return this;
    }

    /**
     * Removes a key's state when it gets no data for longer than {@code idle}: at the first
     * batch whose time exceeds the key's last data by more than {@code idle}, the function is
     * called once with no value and {@link State#isTimingOut()} true. Checked at every batch.
     */
    public StateSpec<K, V, S, T> timeout(Duration idle) {
        if (idle == null || idle.toMillis() <= 0) {
            throw new IllegalArgumentException("The timeout must be positive, got " + idle);
        }
        this.timeout = idle;
        return this;
    }

    /** Internal. */
    public Function4<Time, K, Optional<V>, State<S>, Optional<T>> getFunction() {
        return function;
    }

    /** Internal. */
    public Optional<PairRDD<K, S>> getInitialState() {
        return Optional.ofNullable(initialState);
    }

    /** Internal: the partitions, or -1 for the default. */
    public int getNumPartitions() {
        return numPartitions;
    }

    /** Internal. */
    public Optional<Duration> getTimeout() {
        return Optional.ofNullable(timeout);
    }
}
