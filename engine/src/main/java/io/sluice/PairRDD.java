package io.sluice;

import io.sluice.function.FlatMapFunction;
import io.sluice.function.Function;
import io.sluice.function.Function2;
import io.sluice.internal.rdd.Aggregator;
import io.sluice.internal.rdd.MapPartitionsRDD;
import io.sluice.internal.rdd.Partitioner;
import io.sluice.internal.rdd.ShuffledRDD;
import io.sluice.internal.util.Iterators;
import io.sluice.internal.util.UserCodeException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * An RDD of key-value pairs, as Spark's {@code JavaPairRDD}, with the by-key operations.
 *
 * <p>By-key operations hash-partition by the key's {@code hashCode()} into the given number of
 * partitions (default: this RDD's number of partitions, at least 1).
 */
public class PairRDD<K, V> extends RDD<Tuple2<K, V>> {
    private final RDD<Tuple2<K, V>> inner;

    private PairRDD(RDD<Tuple2<K, V>> inner) {
        super(inner.env());
        this.inner = inner;
    }

    /** Views an RDD of pairs as a PairRDD (no copy). */
    public static <K, V> PairRDD<K, V> fromRDD(RDD<Tuple2<K, V>> rdd) {
        return rdd instanceof PairRDD<K, V> p ? p : new PairRDD<>(rdd);
    }

    @Override
    public int getNumPartitions() {
        return inner.getNumPartitions();
    }

    @Override
    public Iterator<Tuple2<K, V>> compute(int partition) {
        return inner.compute(partition);
    }

    @Override
    public List<RDD<?>> dependencies() {
        return List.of(inner);
    }

    @Override
    public Partitioner partitioner() {
        return inner.partitioner();
    }

    /** Applies {@code f} to each value, keeping keys and partitioning. Narrow. */
    public <W> PairRDD<K, W> mapValues(Function<V, W> f) {
        return fromRDD(new MapPartitionsRDD<Tuple2<K, V>, Tuple2<K, W>>(this,
                (p, it) -> Iterators.map(it, kv -> new Tuple2<>(kv._1(), f.call(kv._2()))), true));
    }

    /** Applies {@code f} to each value and flattens, keeping keys and partitioning. Narrow. */
    public <W> PairRDD<K, W> flatMapValues(FlatMapFunction<V, W> f) {
        return fromRDD(new MapPartitionsRDD<Tuple2<K, V>, Tuple2<K, W>>(this,
                (p, it) -> Iterators.flatMap(it, kv -> Iterators.map(f.call(kv._2()),
                        w -> new Tuple2<>(kv._1(), w))), true));
    }

    /** The keys. Narrow. */
    public RDD<K> keys() {
        return map(Tuple2::_1);
    }

    /** The values. Narrow. */
    public RDD<V> values() {
        return map(Tuple2::_2);
    }

    /** Merges the values of each key with {@code f} (associative and commutative). Shuffles, combining on the map side. */
    public PairRDD<K, V> reduceByKey(Function2<V, V, V> f) {
        return reduceByKey(f, Math.max(1, getNumPartitions()));
    }

    /** As {@link #reduceByKey(Function2)}, into {@code numPartitions} partitions. */
    public PairRDD<K, V> reduceByKey(Function2<V, V, V> f, int numPartitions) {
        java.util.function.BinaryOperator<V> op = (a, b) -> call(f, a, b);
        return fromRDD(new ShuffledRDD<>(this, new Aggregator<V, V>(v -> v, op::apply, op),
                new Partitioner.Hash(numPartitions), true));
    }

    /** Groups the values of each key. Shuffles every record (no map-side combine). */
    public PairRDD<K, Iterable<V>> groupByKey() {
        return groupByKey(Math.max(1, getNumPartitions()));
    }

    /** As {@link #groupByKey()}, into {@code numPartitions} partitions. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public PairRDD<K, Iterable<V>> groupByKey(int numPartitions) {
        ShuffledRDD<K, V, List<V>> s = new ShuffledRDD<>(this, ShuffledRDD.listAggregator(),
                new Partitioner.Hash(numPartitions), false);
        return fromRDD((RDD) s);
    }

    /** Combines the values of each key as Spark's combineByKey. Shuffles, combining on the map side. */
    public <C> PairRDD<K, C> combineByKey(Function<V, C> createCombiner, Function2<C, V, C> mergeValue,
                                          Function2<C, C, C> mergeCombiners, int numPartitions) {
        return fromRDD(new ShuffledRDD<>(this, new Aggregator<V, C>(v -> call(createCombiner, v),
                (c, v) -> call(mergeValue, c, v), (a, b) -> call(mergeCombiners, a, b)),
                new Partitioner.Hash(numPartitions), true));
    }

    /** As {@link #combineByKey(Function, Function2, Function2, int)} with this RDD's partition count. */
    public <C> PairRDD<K, C> combineByKey(Function<V, C> createCombiner, Function2<C, V, C> mergeValue,
                                          Function2<C, C, C> mergeCombiners) {
        return combineByKey(createCombiner, mergeValue, mergeCombiners, Math.max(1, getNumPartitions()));
    }

    /** All pairs as a map (the last value of a repeated key wins). Loads them on the heap. */
    public Map<K, V> collectAsMap() {
        Map<K, V> m = new HashMap<>();
        for (Tuple2<K, V> kv : collect()) {
            m.put(kv._1(), kv._2());
        }
        return m;
    }

    private static <A, R> R call(Function<A, R> f, A a) {
        try {
            return f.call(a);
        } catch (Exception e) {
            throw UserCodeException.wrap(e);
        }
    }

    private static <A, B, R> R call(Function2<A, B, R> f, A a, B b) {
        try {
            return f.call(a, b);
        } catch (Exception e) {
            throw UserCodeException.wrap(e);
        }
    }
}
