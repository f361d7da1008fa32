package io.sluice;

import io.sluice.function.FlatMapFunction;
import io.sluice.function.Function;
import io.sluice.function.Function2;
import io.sluice.internal.rdd.Aggregator;
import io.sluice.internal.rdd.CachedRDD;
import io.sluice.internal.rdd.CoGroupedRDD;
import io.sluice.internal.rdd.MapPartitionsRDD;
import io.sluice.internal.rdd.NaturalOrder;
import io.sluice.internal.rdd.Partitioner;
import io.sluice.internal.rdd.ShuffledRDD;
import io.sluice.internal.rdd.SortedRDD;
import io.sluice.internal.rdd.ZeroValue;
import io.sluice.internal.util.Iterators;
import io.sluice.internal.util.UserCodeException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * An RDD of key-value pairs, as Spark's {@code JavaPairRDD}, with the by-key operations.
 *
 * <p>By-key operations hash-partition by the key's {@code hashCode()} into the given number of
 * partitions (default: this RDD's number of partitions, at least 1; for the operations on two
 * RDDs, the larger of their partition counts). In the operations on two RDDs ({@link #cogroup},
 * the joins, {@link #subtractByKey}), a side that is already hash-partitioned into that many
 * partitions (the output of a by-key operation or {@link #partitionBy}) is not shuffled again.
 *
 * <p>The joins are computed from {@link #cogroup}: both RDDs are shuffled by key, every value
 * of a key is held in memory on one task, and the joined pairs of a key are produced lazily.
 * The order of the result is not specified.
 *
 * <p>The operations inherited from {@link RDD} that keep the record type ({@link #filter},
 * {@link #distinct}, {@link #union}, {@link #coalesce}, {@link #cache}, ...) return a
 * {@code PairRDD}, as in Spark's {@code JavaPairRDD}.
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

    // ---------------------------------------------------------------- record-type-preserving, as JavaPairRDD

    @Override
    public PairRDD<K, V> filter(Function<Tuple2<K, V>, Boolean> f) {
        return fromRDD(super.filter(f));
    }

    @Override
    public PairRDD<K, V> distinct() {
        return fromRDD(super.distinct());
    }

    @Override
    public PairRDD<K, V> distinct(int numPartitions) {
        return fromRDD(super.distinct(numPartitions));
    }

    @Override
    public PairRDD<K, V> repartition(int numPartitions) {
        return fromRDD(super.repartition(numPartitions));
    }

    @Override
    public PairRDD<K, V> union(RDD<Tuple2<K, V>> other) {
        return fromRDD(super.union(other));
    }

    @Override
    public PairRDD<K, V> coalesce(int numPartitions) {
        return fromRDD(super.coalesce(numPartitions));
    }

    @Override
    public PairRDD<K, V> coalesce(int numPartitions, boolean shuffle) {
        return fromRDD(super.coalesce(numPartitions, shuffle));
    }

    @Override
    public PairRDD<K, V> sample(boolean withReplacement, double fraction) {
        return fromRDD(super.sample(withReplacement, fraction));
    }

    @Override
    public PairRDD<K, V> sample(boolean withReplacement, double fraction, long seed) {
        return fromRDD(super.sample(withReplacement, fraction, seed));
    }

    @Override
    public PairRDD<K, V> subtract(RDD<Tuple2<K, V>> other) {
        return fromRDD(super.subtract(other));
    }

    @Override
    public PairRDD<K, V> subtract(RDD<Tuple2<K, V>> other, int numPartitions) {
        return fromRDD(super.subtract(other, numPartitions));
    }

    @Override
    public PairRDD<K, V> intersection(RDD<Tuple2<K, V>> other) {
        return fromRDD(super.intersection(other));
    }

    @Override
    public PairRDD<K, V> intersection(RDD<Tuple2<K, V>> other, int numPartitions) {
        return fromRDD(super.intersection(other, numPartitions));
    }

    @Override
    public PairRDD<K, V> cache() {
        return inner instanceof CachedRDD<Tuple2<K, V>> ? this : fromRDD(new CachedRDD<>(inner));
    }

    @Override
    public PairRDD<K, V> persist() {
        return cache();
    }

    @Override
    public PairRDD<K, V> persist(StorageLevel level) {
        Objects.requireNonNull(level, "persist(level): level");
        return level.equals(StorageLevel.NONE) ? this : cache();
    }

    // ---------------------------------------------------------------- by key, more

    /**
     * Merges the values of each key with {@code func}, starting from {@code zeroValue} (an
     * identity of {@code func}, such as 0 for +), into this RDD's partition count. Shuffles,
     * combining on the map side. As in Spark, the zero is copied for each key and partition, so
     * {@code func} may mutate and return its first argument.
     *
     * @throws io.sluice.SluiceException if {@code zeroValue} is mutable and cannot be serialized
     *     to be copied
     */
    public PairRDD<K, V> foldByKey(V zeroValue, Function2<V, V, V> func) {
        return foldByKey(zeroValue, defaultPartitions(), func);
    }

    /**
     * As {@link #foldByKey(Object, Function2)}, into {@code numPartitions} hash partitions.
     *
     * @throws IllegalArgumentException if {@code numPartitions < 1}
     */
    public PairRDD<K, V> foldByKey(V zeroValue, int numPartitions, Function2<V, V, V> func) {
        return aggregateByKey(zeroValue, numPartitions, func, func);
    }

    /**
     * Aggregates the values of each key into a {@code U}, as Spark's: within each map partition
     * the values of a key are folded into a copy of {@code zeroValue} with {@code seqFunc}, then
     * the partial results of a key are merged with {@code combFunc}. Both may mutate and return
     * their first argument. Into this RDD's partition count (at least 1). Shuffles, combining on
     * the map side.
     *
     * <pre>{@code
     * // (count, sum) per key
     * PairRDD<String, Tuple2<Long, Long>> stats = pairs.aggregateByKey(new Tuple2<>(0L, 0L),
     *         (acc, v) -> new Tuple2<>(acc._1() + 1, acc._2() + v),
     *         (a, b) -> new Tuple2<>(a._1() + b._1(), a._2() + b._2()));
     * }</pre>
     *
     * @throws io.sluice.SluiceException if {@code zeroValue} is mutable and cannot be serialized
     *     to be copied
     */
    public <U> PairRDD<K, U> aggregateByKey(U zeroValue, Function2<U, V, U> seqFunc, Function2<U, U, U> combFunc) {
        return aggregateByKey(zeroValue, defaultPartitions(), seqFunc, combFunc);
    }

    /**
     * As {@link #aggregateByKey(Object, Function2, Function2)}, into {@code numPartitions} hash
     * partitions.
     *
     * @throws IllegalArgumentException if {@code numPartitions < 1}
     */
    public <U> PairRDD<K, U> aggregateByKey(U zeroValue, int numPartitions, Function2<U, V, U> seqFunc,
                                            Function2<U, U, U> combFunc) {
        Partitioner partitioner = hashPartitioner("aggregateByKey", numPartitions);
        ZeroValue<U> zero = ZeroValue.of(zeroValue, env.serializer(), "aggregateByKey");
        return fromRDD(new ShuffledRDD<>(this, new Aggregator<V, U>(v -> call(seqFunc, zero.get(), v),
                (u, v) -> call(seqFunc, u, v), (a, b) -> call(combFunc, a, b)), partitioner, true));
    }

    /**
     * The same pairs, hash-partitioned by key into {@code numPartitions} partitions (all pairs
     * of a key in partition {@code floorMod(key.hashCode(), numPartitions)}), so that later
     * by-key operations and joins into that many partitions need no shuffle of this RDD.
     * Shuffles, unless this RDD is already partitioned so, in which case it is returned as is.
     * Spark takes a {@code Partitioner}; Sluice's partitioners are internal.
     *
     * @throws IllegalArgumentException if {@code numPartitions < 1}
     */
    public PairRDD<K, V> partitionBy(int numPartitions) {
        Partitioner partitioner = hashPartitioner("partitionBy", numPartitions);
        if (partitioner.equals(partitioner()) && getNumPartitions() == numPartitions) {
            return this;
        }
        ShuffledRDD<K, V, List<V>> grouped = new ShuffledRDD<>(this, ShuffledRDD.listAggregator(), partitioner,
                false);
        return fromRDD(new MapPartitionsRDD<Tuple2<K, List<V>>, Tuple2<K, V>>(grouped, (p, it) -> Iterators.flatMap(it,
                kv -> Iterators.map(kv._2().iterator(), v -> new Tuple2<>(kv._1(), v))), true));
    }

    /**
     * The pairs of this RDD whose key does not occur in {@code other}, into this RDD's
     * partition count (at least 1). Shuffles both RDDs (a side already hash-partitioned into
     * that many partitions is not shuffled).
     *
     * @throws IllegalArgumentException if the RDDs belong to different contexts
     */
    public <W> PairRDD<K, V> subtractByKey(PairRDD<K, W> other) {
        return subtractByKey(other, defaultPartitions());
    }

    /**
     * As {@link #subtractByKey(PairRDD)}, into {@code numPartitions} hash partitions.
     *
     * @throws IllegalArgumentException if {@code numPartitions < 1} or the RDDs belong to
     *     different contexts
     */
    public <W> PairRDD<K, V> subtractByKey(PairRDD<K, W> other, int numPartitions) {
        return cogroup(other, numPartitions, "subtractByKey").flatMapGroups((k, g) ->
                g._2().iterator().hasNext() ? Collections.emptyIterator()
                        : Iterators.map(g._1().iterator(), v -> new Tuple2<>(k, v)));
    }

    /**
     * For each key of either RDD, its values in this RDD and its values in {@code other}
     * (either list may be empty), into as many partitions as the larger of the two RDDs has
     * (at least 1). Shuffles both RDDs (no map-side combine: every value is shipped), unless a
     * side is already hash-partitioned into that many partitions; all values of a key are held
     * in memory on one task. Values keep their partition order within each list.
     *
     * @throws IllegalArgumentException if the RDDs belong to different contexts
     */
    public <W> PairRDD<K, Tuple2<Iterable<V>, Iterable<W>>> cogroup(PairRDD<K, W> other) {
        return cogroup(other, defaultPartitions(other));
    }

    /**
     * As {@link #cogroup(PairRDD)}, into {@code numPartitions} hash partitions.
     *
     * @throws IllegalArgumentException if {@code numPartitions < 1} or the RDDs belong to
     *     different contexts
     */
    public <W> PairRDD<K, Tuple2<Iterable<V>, Iterable<W>>> cogroup(PairRDD<K, W> other, int numPartitions) {
        return cogroup(other, numPartitions, "cogroup");
    }

    private <W> PairRDD<K, Tuple2<Iterable<V>, Iterable<W>>> cogroup(PairRDD<K, W> other, int numPartitions,
                                                                     String operation) {
        Objects.requireNonNull(other, operation + ": other");
        return fromRDD(new CoGroupedRDD<>(this, other, hashPartitioner(operation, numPartitions)));
    }

    /**
     * The inner join: a pair {@code (k, (v, w))} for every value {@code v} of {@code k} in this
     * RDD and every value {@code w} of {@code k} in {@code other}; keys on one side only are
     * dropped. Into as many partitions as the larger of the two RDDs has (at least 1). Shuffles
     * both RDDs, as {@link #cogroup(PairRDD)}.
     *
     * <pre>{@code
     * PairRDD<String, Tuple2<Integer, String>> joined = counts.join(names);
     * }</pre>
     *
     * @throws IllegalArgumentException if the RDDs belong to different contexts
     */
    public <W> PairRDD<K, Tuple2<V, W>> join(PairRDD<K, W> other) {
        return join(other, defaultPartitions(other));
    }

    /**
     * As {@link #join(PairRDD)}, into {@code numPartitions} hash partitions.
     *
     * @throws IllegalArgumentException if {@code numPartitions < 1} or the RDDs belong to
     *     different contexts
     */
    public <W> PairRDD<K, Tuple2<V, W>> join(PairRDD<K, W> other, int numPartitions) {
        return cogroup(other, numPartitions, "join").flatMapGroups((k, g) ->
                product(k, g._1(), g._2()));
    }

    /**
     * The left outer join: as {@link #join(PairRDD)}, and for a key with no value in
     * {@code other}, a pair {@code (k, (v, Optional.empty()))} for each of its values here.
     * Shuffles both RDDs, as {@link #cogroup(PairRDD)}.
     *
     * @throws IllegalArgumentException if the RDDs belong to different contexts
     * @throws NullPointerException (from the action) if {@code other} has a null value, which
     *     {@code Optional} cannot hold (Spark's {@code Optional} fails the same way)
     */
    public <W> PairRDD<K, Tuple2<V, Optional<W>>> leftOuterJoin(PairRDD<K, W> other) {
        return leftOuterJoin(other, defaultPartitions(other));
    }

    /**
     * As {@link #leftOuterJoin(PairRDD)}, into {@code numPartitions} hash partitions.
     *
     * @throws IllegalArgumentException if {@code numPartitions < 1} or the RDDs belong to
     *     different contexts
     */
    public <W> PairRDD<K, Tuple2<V, Optional<W>>> leftOuterJoin(PairRDD<K, W> other, int numPartitions) {
        String op = "leftOuterJoin";
        return cogroup(other, numPartitions, op).flatMapGroups((k, g) ->
                product(k, g._1(), optionals(op, "right", k, g._2())));
    }

    /**
     * The right outer join: as {@link #join(PairRDD)}, and for a key with no value in this RDD,
     * a pair {@code (k, (Optional.empty(), w))} for each of its values in {@code other}.
     * Shuffles both RDDs, as {@link #cogroup(PairRDD)}.
     *
     * @throws IllegalArgumentException if the RDDs belong to different contexts
     * @throws NullPointerException (from the action) if this RDD has a null value, which
     *     {@code Optional} cannot hold
     */
    public <W> PairRDD<K, Tuple2<Optional<V>, W>> rightOuterJoin(PairRDD<K, W> other) {
        return rightOuterJoin(other, defaultPartitions(other));
    }

    /**
     * As {@link #rightOuterJoin(PairRDD)}, into {@code numPartitions} hash partitions.
     *
     * @throws IllegalArgumentException if {@code numPartitions < 1} or the RDDs belong to
     *     different contexts
     */
    public <W> PairRDD<K, Tuple2<Optional<V>, W>> rightOuterJoin(PairRDD<K, W> other, int numPartitions) {
        String op = "rightOuterJoin";
        return cogroup(other, numPartitions, op).flatMapGroups((k, g) ->
                product(k, optionals(op, "left", k, g._1()), g._2()));
    }

    /**
     * The full outer join: a pair for every combination of values of a key, with
     * {@code Optional.empty()} standing for the missing side of a key present on one side
     * only. Shuffles both RDDs, as {@link #cogroup(PairRDD)}.
     *
     * @throws IllegalArgumentException if the RDDs belong to different contexts
     * @throws NullPointerException (from the action) if either RDD has a null value, which
     *     {@code Optional} cannot hold
     */
    public <W> PairRDD<K, Tuple2<Optional<V>, Optional<W>>> fullOuterJoin(PairRDD<K, W> other) {
        return fullOuterJoin(other, defaultPartitions(other));
    }

    /**
     * As {@link #fullOuterJoin(PairRDD)}, into {@code numPartitions} hash partitions.
     *
     * @throws IllegalArgumentException if {@code numPartitions < 1} or the RDDs belong to
     *     different contexts
     */
    public <W> PairRDD<K, Tuple2<Optional<V>, Optional<W>>> fullOuterJoin(PairRDD<K, W> other,
                                                                         int numPartitions) {
        String op = "fullOuterJoin";
        return cogroup(other, numPartitions, op).flatMapGroups((k, g) ->
                product(k, optionals(op, "left", k, g._1()), optionals(op, "right", k, g._2())));
    }

    /**
     * The records sorted by key in ascending natural order, in this RDD's partition count (at
     * least 1). See {@link #sortByKey(Comparator, boolean, int)}.
     *
     * @throws ClassCastException (from the action) if a key does not implement Comparable
     */
    public PairRDD<K, V> sortByKey() {
        return sortByKey(true);
    }

    /** As {@link #sortByKey()}, ascending or descending. */
    public PairRDD<K, V> sortByKey(boolean ascending) {
        return sortByKey(ascending, defaultPartitions());
    }

    /**
     * As {@link #sortByKey()}, ascending or descending, into {@code numPartitions} partitions.
     *
     * @throws IllegalArgumentException if {@code numPartitions < 1}
     */
    public PairRDD<K, V> sortByKey(boolean ascending, int numPartitions) {
        return sortByKey(NaturalOrder.of("sortByKey", "key"), ascending, numPartitions);
    }

    /** As {@link #sortByKey(Comparator, boolean, int)}, ascending, in this RDD's partition count. */
    public PairRDD<K, V> sortByKey(Comparator<K> comp) {
        return sortByKey(comp, true);
    }

    /** As {@link #sortByKey(Comparator, boolean, int)}, in this RDD's partition count (at least 1). */
    public PairRDD<K, V> sortByKey(Comparator<K> comp, boolean ascending) {
        return sortByKey(comp, ascending, defaultPartitions());
    }

    /**
     * The records sorted by key with {@code comp}, into {@code numPartitions} range partitions:
     * reading the partitions in order (as {@link #collect()} does) gives every record in order,
     * and all records of a key are in one partition. Records with equal keys keep their order in
     * this RDD (the sort is stable; Spark does not promise this). The ranges are chosen from a
     * sample of the keys, so partitions are balanced unless a few keys dominate; some may be
     * empty. Shuffles; the whole input is held in memory while it is sorted.
     *
     * <pre>{@code
     * List<Tuple2<String, Long>> alphabetical = counts.sortByKey(Comparator.naturalOrder(), true, 4).collect();
     * }</pre>
     *
     * @throws IllegalArgumentException if {@code numPartitions < 1}
     * @throws NullPointerException if {@code comp} is null
     */
    public PairRDD<K, V> sortByKey(Comparator<K> comp, boolean ascending, int numPartitions) {
        Objects.requireNonNull(comp, "sortByKey: comparator");
        return fromRDD(new SortedRDD<>(this, ascending ? comp : comp.reversed(), numPartitions));
    }

    // ---------------------------------------------------------------- actions, by key

    /**
     * The number of pairs of each key. Counted per partition on the task threads and merged on
     * the calling thread (no shuffle); the map holds every distinct key.
     */
    public Map<K, Long> countByKey() {
        List<Map<K, Long>> parts = env.scheduler().runJob(this, it -> {
            Map<K, Long> counts = new HashMap<>();
            it.forEachRemaining(kv -> counts.merge(kv._1(), 1L, Long::sum));
            return counts;
        });
        Map<K, Long> all = new HashMap<>();
        for (Map<K, Long> part : parts) {
            part.forEach((k, c) -> all.merge(k, c, Long::sum));
        }
        return all;
    }

    /**
     * The values of {@code key}, in partition order (empty if the key is absent; a null key is
     * allowed). When this RDD is hash-partitioned (the output of a by-key operation), only the
     * key's partition is computed; otherwise every partition is scanned.
     */
    public List<V> lookup(K key) {
        Partitioner p = partitioner();
        if (p == null || p.numPartitions() != getNumPartitions()) {
            return filter(kv -> Objects.equals(kv._1(), key)).values().collect();
        }
        int part = p.partition(key);
        env.scheduler().prepare(this);
        return env.scheduler().runTasks(1, i -> {
            List<V> values = new ArrayList<>();
            Iterator<Tuple2<K, V>> it = compute(part);
            while (it.hasNext()) {
                Tuple2<K, V> kv = it.next();
                if (Objects.equals(kv._1(), key)) {
                    values.add(kv._2());
                }
            }
            return values;
        }).get(0);
    }

    // ---------------------------------------------------------------- helpers

    /** This RDD's partition count, at least 1: the default of single-RDD by-key operations. */
    private int defaultPartitions() {
        return Math.max(1, getNumPartitions());
    }

    /** The larger partition count of the two RDDs, at least 1: the default of two-RDD operations. */
    private int defaultPartitions(RDD<?> other) {
        Objects.requireNonNull(other, "other");
        return Math.max(1, Math.max(getNumPartitions(), other.getNumPartitions()));
    }

    /** The hash partitioner of {@code operation}, failing with a message naming it. */
    static Partitioner hashPartitioner(String operation, int numPartitions) {
        if (numPartitions < 1) {
            throw new IllegalArgumentException(operation + ": numPartitions must be >= 1, got " + numPartitions);
        }
        return new Partitioner.Hash(numPartitions);
    }

    /** Flat-maps each group with its key; keeps the partitioning (keys are unchanged). */
    private <R> PairRDD<K, R> flatMapGroups(BiFunction<K, V, Iterator<Tuple2<K, R>>> f) {
        return fromRDD(new MapPartitionsRDD<Tuple2<K, V>, Tuple2<K, R>>(this,
                (p, it) -> Iterators.flatMap(it, kv -> f.apply(kv._1(), kv._2())), true));
    }

    /** Every {@code (key, (x, y))} for x in xs and y in ys, lazily. */
    private static <K, X, Y> Iterator<Tuple2<K, Tuple2<X, Y>>> product(K key, Iterable<X> xs, Iterable<Y> ys) {
        return Iterators.flatMap(xs.iterator(),
                x -> Iterators.map(ys.iterator(), y -> new Tuple2<>(key, new Tuple2<>(x, y))));
    }

    /**
     * The optional side of an outer join: each value wrapped, or a single empty Optional when
     * the key has no value on that side.
     */
    private static <X> Iterable<Optional<X>> optionals(String operation, String side, Object key,
                                                       Iterable<X> values) {
        if (!values.iterator().hasNext()) {
            return List.of(Optional.empty());
        }
        return () -> Iterators.map(values.iterator(), v -> {
            if (v == null) {
                throw new NullPointerException(operation + ": the " + side + " RDD has a null value for key ["
                        + key + "], and java.util.Optional cannot hold null (Spark's Optional fails the same way); "
                        + "map null values to a sentinel or wrap them before an outer join");
            }
            return Optional.of(v);
        });
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
