package io.sluice;

import io.sluice.function.FlatMapFunction;
import io.sluice.function.Function;
import io.sluice.function.Function2;
import io.sluice.function.PairFlatMapFunction;
import io.sluice.function.PairFunction;
import io.sluice.function.VoidFunction;
import io.sluice.internal.SluiceEnv;
import io.sluice.internal.rdd.CachedRDD;
import io.sluice.internal.rdd.CartesianRDD;
import io.sluice.internal.rdd.CoGroupedRDD;
import io.sluice.internal.rdd.CoalescedRDD;
import io.sluice.internal.rdd.MapPartitionsRDD;
import io.sluice.internal.rdd.NaturalOrder;
import io.sluice.internal.rdd.PartitionSampler;
import io.sluice.internal.rdd.Partitioner;
import io.sluice.internal.rdd.ShuffledRDD;
import io.sluice.internal.rdd.SortedRDD;
import io.sluice.internal.rdd.UnionRDD;
import io.sluice.internal.rdd.ZeroValue;
import io.sluice.internal.rdd.ZippedWithIndexRDD;
import io.sluice.internal.util.Iterators;
import io.sluice.internal.util.UserCodeException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One batch's partitioned dataset, as Spark's {@code JavaRDD}: immutable, computed lazily from
 * its lineage when an action ({@link #collect}, {@link #count}, {@link #foreach}, ...) runs.
 *
 * <p>Narrow transformations ({@link #map}, {@link #filter}, {@link #flatMap},
 * {@link #mapPartitions}, ...) are fused: a chain of them runs as one pass over each partition in
 * one task, with no intermediate collection. By-key operations ({@link PairRDD#reduceByKey},
 * ...) shuffle by hash of the key, combining on the map side where the operation allows.
 *
 * <p>Actions run one task per partition on the context's {@code local[n]} task threads and
 * block until the job ends; a failing user function fails the action with its exception.
 * Aggregating actions ({@link #reduce}, {@link #fold}, {@link #countByValue}, {@link #top}, ...)
 * combine within each partition on the task threads and merge the per-partition results on the
 * calling thread, with no shuffle.
 *
 * <p>Unlike Spark, an RDD is never changed in place: {@link #cache()} returns a new, cached RDD,
 * and only reads of that returned RDD share the cached partitions.
 *
 * @param <T> the record type
 */
public abstract class RDD<T> {
    protected final SluiceEnv env;

    protected RDD(SluiceEnv env) {
        this.env = env;
    }

    // ---------------------------------------------------------------- for RDD implementations

    /** The number of partitions. */
    public abstract int getNumPartitions();

    /**
     * Computes one partition. Internal: called by the task scheduler after the stage boundaries of
     * the lineage are materialized; users call actions instead.
     */
    public abstract Iterator<T> compute(int partition);

    /** The RDDs this one is computed from. Internal. */
    public List<RDD<?>> dependencies() {
        return List.of();
    }

    /** The partitioner when this RDD is hash-partitioned by key, else {@code null}. Internal. */
    public Partitioner partitioner() {
        return null;
    }

    /** The environment this RDD belongs to. Internal. */
    public SluiceEnv env() {
        return env;
    }

    // ---------------------------------------------------------------- transformations (lazy)

    /** Applies {@code f} to each record. Narrow: fused with its neighbours, no shuffle. */
    public <R> RDD<R> map(Function<T, R> f) {
        return new MapPartitionsRDD<>(this, (p, it) -> Iterators.map(it, f), false);
    }

    /** Applies {@code f} to each record and flattens the results. Narrow. */
    public <R> RDD<R> flatMap(FlatMapFunction<T, R> f) {
        return new MapPartitionsRDD<>(this, (p, it) -> Iterators.flatMap(it, f), false);
    }

    /** Keeps the records for which {@code f} is true. Narrow; keeps the partitioner. */
    public RDD<T> filter(Function<T, Boolean> f) {
        return new MapPartitionsRDD<>(this, (p, it) -> Iterators.filter(it, f), true);
    }

    /** Applies {@code f} to each partition's iterator. Narrow. */
    public <R> RDD<R> mapPartitions(FlatMapFunction<Iterator<T>, R> f) {
        return new MapPartitionsRDD<>(this, (p, it) -> {
            try {
                return f.call(it);
            } catch (Exception e) {
                throw UserCodeException.wrap(e);
            }
        }, false);
    }

    /** Turns each partition into one list holding its records. Narrow. */
    public RDD<List<T>> glom() {
        return new MapPartitionsRDD<>(this, (p, it) -> {
            List<T> all = new ArrayList<>();
            it.forEachRemaining(all::add);
            return List.of(all).iterator();
        }, false);
    }

    /** Turns each record into a key-value pair. Narrow. */
    public <K, V> PairRDD<K, V> mapToPair(PairFunction<T, K, V> f) {
        RDD<Tuple2<K, V>> mapped = new MapPartitionsRDD<>(this, (p, it) -> Iterators.map(it, f::call), false);
        return PairRDD.fromRDD(mapped);
    }

    /** Turns each record into zero or more key-value pairs. Narrow. */
    public <K, V> PairRDD<K, V> flatMapToPair(PairFlatMapFunction<T, K, V> f) {
        RDD<Tuple2<K, V>> mapped = new MapPartitionsRDD<>(this, (p, it) -> Iterators.flatMap(it, f::call), false);
        return PairRDD.fromRDD(mapped);
    }

    /** The records of this RDD followed by those of {@code other}; partitions are concatenated. */
    public RDD<T> union(RDD<T> other) {
        return new UnionRDD<>(env, List.of(this, other));
    }

    /** The distinct records, in {@code getNumPartitions()} partitions. Shuffles. */
    public RDD<T> distinct() {
        return distinct(Math.max(1, getNumPartitions()));
    }

    /** The distinct records, in {@code numPartitions} partitions. Shuffles. */
    public RDD<T> distinct(int numPartitions) {
        return mapToPair(t -> new Tuple2<T, Boolean>(t, Boolean.TRUE))
                .reduceByKey((a, b) -> a, numPartitions)
                .map(Tuple2::_1);
    }

    /** The same records in {@code numPartitions} partitions, spread round-robin. Shuffles. */
    public RDD<T> repartition(int numPartitions) {
        if (numPartitions < 1) {
            throw new IllegalArgumentException("numPartitions must be >= 1, got " + numPartitions);
        }
        RDD<Tuple2<Integer, T>> keyed = new MapPartitionsRDD<>(this, (p, it) -> {
            int[] next = {p};
            return Iterators.map(it, t -> new Tuple2<>(next[0]++, t));
        }, false);
        return new ShuffledRDD<Integer, T, List<T>>(keyed, ShuffledRDD.listAggregator(),
                new Partitioner.Hash(numPartitions), false)
                .flatMap(kv -> kv._2().iterator());
    }

    /**
     * Fewer partitions without a shuffle: adjacent partitions are concatenated, so records keep
     * their order. Narrow. Asking for as many partitions as this RDD has or more gives its own
     * partition count: more partitions need a shuffle ({@link #coalesce(int, boolean)} or
     * {@link #repartition}).
     *
     * @throws IllegalArgumentException if {@code numPartitions < 1}
     */
    public RDD<T> coalesce(int numPartitions) {
        return coalesce(numPartitions, false);
    }

    /**
     * As {@link #coalesce(int)} when {@code shuffle} is false; with {@code shuffle}, the same as
     * {@link #repartition(int)} (any partition count, records spread evenly, shuffles).
     *
     * @throws IllegalArgumentException if {@code numPartitions < 1}
     */
    public RDD<T> coalesce(int numPartitions, boolean shuffle) {
        return shuffle ? repartition(numPartitions) : new CoalescedRDD<>(this, numPartitions);
    }

    /**
     * Pairs each record with the key {@code f} gives it: {@code (f(t), t)}. Narrow.
     */
    public <U> PairRDD<U, T> keyBy(Function<T, U> f) {
        return mapToPair(t -> new Tuple2<>(f.call(t), t));
    }

    /**
     * Groups the records by the key {@code f} gives them, into this RDD's number of partitions
     * (at least 1). Shuffles every record.
     */
    public <U> PairRDD<U, Iterable<T>> groupBy(Function<T, U> f) {
        return groupBy(f, Math.max(1, getNumPartitions()));
    }

    /**
     * As {@link #groupBy(Function)}, into {@code numPartitions} hash partitions.
     *
     * @throws IllegalArgumentException if {@code numPartitions < 1}
     */
    public <U> PairRDD<U, Iterable<T>> groupBy(Function<T, U> f, int numPartitions) {
        return keyBy(f).groupByKey(numPartitions);
    }

    /**
     * The records sorted by the key {@code f} gives them, in {@code numPartitions} partitions:
     * reading the partitions in order gives all records in order (a range partitioning).
     * Records with equal keys keep their order in this RDD (the sort is stable; Spark does not
     * promise this). The keys must implement {@link Comparable}. Shuffles; the whole input is
     * held in memory while it is sorted.
     *
     * <pre>{@code
     * RDD<String> byLength = words.sortBy(String::length, true, 4);
     * }</pre>
     *
     * @throws IllegalArgumentException if {@code numPartitions < 1}
     * @throws ClassCastException (from the action) if a key does not implement Comparable
     */
    public <S> RDD<T> sortBy(Function<T, S> f, boolean ascending, int numPartitions) {
        Comparator<S> natural = NaturalOrder.of("sortBy", "key");
        return new SortedRDD<>(keyBy(f), ascending ? natural : natural.reversed(), numPartitions)
                .map(Tuple2::_2);
    }

    /**
     * The records of this RDD that are not equal to any record of {@code other}, into this
     * RDD's number of partitions (at least 1). Duplicates in this RDD are kept (a record is
     * removed only if it occurs in {@code other}). Shuffles both RDDs.
     */
    public RDD<T> subtract(RDD<T> other) {
        return subtract(other, Math.max(1, getNumPartitions()));
    }

    /**
     * As {@link #subtract(RDD)}, into {@code numPartitions} hash partitions.
     *
     * @throws IllegalArgumentException if {@code numPartitions < 1} or the RDDs belong to
     *     different contexts
     */
    public RDD<T> subtract(RDD<T> other, int numPartitions) {
        PairRDD<T, Boolean> mine = mapToPair(t -> new Tuple2<>(t, Boolean.TRUE));
        return mine.subtractByKey(other.mapToPair(t -> new Tuple2<>(t, Boolean.TRUE)), numPartitions).keys();
    }

    /**
     * The distinct records present in both RDDs, into as many partitions as the larger of the
     * two has (at least 1). Shuffles both RDDs.
     */
    public RDD<T> intersection(RDD<T> other) {
        return intersection(other, Math.max(1, Math.max(getNumPartitions(), other.getNumPartitions())));
    }

    /**
     * As {@link #intersection(RDD)}, into {@code numPartitions} hash partitions.
     *
     * @throws IllegalArgumentException if {@code numPartitions < 1} or the RDDs belong to
     *     different contexts
     */
    public RDD<T> intersection(RDD<T> other, int numPartitions) {
        CoGroupedRDD<T, Boolean, Boolean> groups = new CoGroupedRDD<>(
                mapToPair(t -> new Tuple2<>(t, Boolean.TRUE)), other.mapToPair(t -> new Tuple2<>(t, Boolean.TRUE)),
                PairRDD.hashPartitioner("intersection", numPartitions));
        return new MapPartitionsRDD<>(groups, (p, it) -> Iterators.map(Iterators.filter(it,
                g -> g._2()._1().iterator().hasNext() && g._2()._2().iterator().hasNext()), Tuple2::_1), true);
    }

    /**
     * Every pair {@code (t, u)} of a record of this RDD and a record of {@code other}, in
     * {@code getNumPartitions() * other.getNumPartitions()} partitions. No shuffle, but the
     * result has the product of the sizes; each task holds one partition of {@code other} in
     * memory.
     *
     * @throws IllegalArgumentException if the RDDs belong to different contexts
     */
    public <U> PairRDD<T, U> cartesian(RDD<U> other) {
        return PairRDD.fromRDD(new CartesianRDD<>(this, other));
    }

    /**
     * Each record paired with its index: records are numbered 0 to {@code count() - 1} in
     * partition order, as {@link #collect()} lists them. Narrow, but when the result is computed
     * this RDD is computed twice: once to count the records of each partition, then to number
     * them; so it must give the same records in the same order each time (cache it otherwise).
     */
    public PairRDD<T, Long> zipWithIndex() {
        return PairRDD.fromRDD(new ZippedWithIndexRDD<>(this));
    }

    /**
     * A random sample, with a seed drawn now (fixed for this RDD, so recomputing it gives the
     * same sample). See {@link #sample(boolean, double, long)}.
     */
    public RDD<T> sample(boolean withReplacement, double fraction) {
        return sample(withReplacement, fraction, ThreadLocalRandom.current().nextLong());
    }

    /**
     * A random sample of about {@code fraction} of the records, as Spark's: without
     * replacement each record is kept with probability {@code fraction}; with replacement each
     * record appears a Poisson-distributed number of times with mean {@code fraction}. The size
     * of the sample is not exact. The same seed gives the same sample of the same partitions.
     * Narrow; records keep their order.
     *
     * @throws IllegalArgumentException if {@code fraction} is negative or not a number, or
     *     above 1 without replacement
     */
    public RDD<T> sample(boolean withReplacement, double fraction, long seed) {
        PartitionSampler.validate(withReplacement, fraction);
        return new MapPartitionsRDD<>(this,
                (p, it) -> PartitionSampler.sample(it, p, withReplacement, fraction, seed), true);
    }

    /**
     * This RDD with its partitions kept in memory once computed, so that later actions and
     * several outputs of a batch do not recompute its lineage. Unlike Spark, this RDD is not
     * changed: only reads of the returned RDD use the cache. Calling it on a cached RDD returns
     * that RDD.
     */
    public RDD<T> cache() {
        return this instanceof CachedRDD<T> ? this : new CachedRDD<>(this);
    }

    /** The same as {@link #cache()}. */
    public RDD<T> persist() {
        return cache();
    }

    /**
     * The same as {@link #cache()}: partitions are kept in memory, deserialized, whatever the
     * level says (an RDD lives for one batch, on one machine), except that
     * {@link StorageLevel#NONE} caches nothing and returns this RDD.
     *
     * @throws NullPointerException if {@code level} is null
     */
    public RDD<T> persist(StorageLevel level) {
        Objects.requireNonNull(level, "persist(level): level");
        return level.equals(StorageLevel.NONE) ? this : cache();
    }

    // ---------------------------------------------------------------- actions (eager)

    /** All records, in partition order. Loads them all on the heap. */
    public List<T> collect() {
        List<List<T>> parts = env.scheduler().runJob(this, it -> {
            List<T> l = new ArrayList<>();
            it.forEachRemaining(l::add);
            return l;
        });
        List<T> all = new ArrayList<>();
        parts.forEach(all::addAll);
        return all;
    }

    /** The number of records. */
    public long count() {
        List<Long> counts = env.scheduler().runJob(this, it -> {
            long n = 0;
            while (it.hasNext()) {
                it.next();
                n++;
            }
            return n;
        });
        return counts.stream().mapToLong(Long::longValue).sum();
    }

    /**
     * The first {@code n} records in partition order. Computes partitions one after another
     * until it has enough (stage boundaries of the lineage are materialized whole).
     */
    public List<T> take(int n) {
        List<T> out = new ArrayList<>(Math.max(0, Math.min(n, 1024)));
        if (n <= 0) {
            return out;
        }
        env.scheduler().prepare(this);
        for (int p = 0; p < getNumPartitions() && out.size() < n; p++) {
            final int part = p;
            final int want = n - out.size();
            List<List<T>> got = env.scheduler().runTasks(1, i -> {
                List<T> l = new ArrayList<>();
                Iterator<T> it = compute(part);
                while (l.size() < want && it.hasNext()) {
                    l.add(it.next());
                }
                return l;
            });
            out.addAll(got.get(0));
        }
        return out;
    }

    /** The first record. @throws NoSuchElementException if the RDD is empty */
    public T first() {
        List<T> one = take(1);
        if (one.isEmpty()) {
            throw new NoSuchElementException("first() on an empty RDD");
        }
        return one.get(0);
    }

    /** Whether the RDD has no record. */
    public boolean isEmpty() {
        return getNumPartitions() == 0 || take(1).isEmpty();
    }

    /** Runs {@code f} on each record, on the task threads. */
    public void foreach(VoidFunction<T> f) {
        env.scheduler().runJob(this, it -> {
            try {
                while (it.hasNext()) {
                    f.call(it.next());
                }
            } catch (Exception e) {
                throw UserCodeException.wrap(e);
            }
            return null;
        });
    }

    /** Runs {@code f} on each partition's iterator, on the task threads. */
    public void foreachPartition(VoidFunction<Iterator<T>> f) {
        env.scheduler().runJob(this, it -> {
            try {
                f.call(it);
            } catch (Exception e) {
                throw UserCodeException.wrap(e);
            }
            return null;
        });
    }

    /**
     * Merges all records with {@code f}, which must be associative and commutative: within each
     * partition on the task threads, then the partition results on the calling thread.
     *
     * @throws UnsupportedOperationException "empty collection" if this RDD has no record, as Spark
     */
    public T reduce(Function2<T, T, T> f) {
        Object none = new Object();
        List<Object> parts = env.scheduler().runJob(this, it -> {
            if (!it.hasNext()) {
                return none;
            }
            T acc = it.next();
            while (it.hasNext()) {
                acc = call(f, acc, it.next());
            }
            return acc;
        });
        boolean any = false;
        T acc = null;
        for (Object part : parts) {
            if (part == none) {
                continue;
            }
            @SuppressWarnings("unchecked")
            T t = (T) part;
            acc = any ? call(f, acc, t) : t;
            any = true;
        }
        if (!any) {
            throw new UnsupportedOperationException("empty collection");
        }
        return acc;
    }

    /**
     * Folds the records with {@code f} from {@code zeroValue}, as Spark: each partition is folded
     * from a copy of the zero, then the partition results are folded, in partition order, from
     * another copy. So {@code zeroValue} must be an identity of {@code f} (0 for +), and
     * {@code f} may mutate and return its first argument. Gives {@code zeroValue} on an empty RDD.
     *
     * @throws io.sluice.SluiceException if {@code zeroValue} is mutable and cannot be serialized
     *     to be copied
     */
    public T fold(T zeroValue, Function2<T, T, T> f) {
        ZeroValue<T> zero = ZeroValue.of(zeroValue, env.serializer(), "fold");
        List<T> parts = env.scheduler().runJob(this, it -> {
            T acc = zero.get();
            while (it.hasNext()) {
                acc = call(f, acc, it.next());
            }
            return acc;
        });
        T acc = zero.get();
        for (T part : parts) {
            acc = call(f, acc, part);
        }
        return acc;
    }

    /**
     * Aggregates the records into a {@code U}, as Spark: each partition with {@code seqOp} from a
     * copy of {@code zeroValue}, then the partition results with {@code combOp}, in partition
     * order, from another copy. Both functions may mutate and return their first argument.
     * Gives {@code zeroValue} on an empty RDD.
     *
     * @throws io.sluice.SluiceException if {@code zeroValue} is mutable and cannot be serialized
     *     to be copied
     */
    public <U> U aggregate(U zeroValue, Function2<U, T, U> seqOp, Function2<U, U, U> combOp) {
        ZeroValue<U> zero = ZeroValue.of(zeroValue, env.serializer(), "aggregate");
        List<U> parts = env.scheduler().runJob(this, it -> {
            U acc = zero.get();
            while (it.hasNext()) {
                acc = call(seqOp, acc, it.next());
            }
            return acc;
        });
        U acc = zero.get();
        for (U part : parts) {
            acc = call(combOp, acc, part);
        }
        return acc;
    }

    /**
     * How many times each distinct record occurs. Counted per partition on the task threads and
     * merged on the calling thread (no shuffle); the map holds every distinct record.
     */
    public Map<T, Long> countByValue() {
        List<Map<T, Long>> parts = env.scheduler().runJob(this, it -> {
            Map<T, Long> counts = new HashMap<>();
            it.forEachRemaining(t -> counts.merge(t, 1L, Long::sum));
            return counts;
        });
        Map<T, Long> all = new HashMap<>();
        for (Map<T, Long> part : parts) {
            part.forEach((t, c) -> all.merge(t, c, Long::sum));
        }
        return all;
    }

    /**
     * The {@code num} smallest records by {@code comp}, in ascending order. Each partition keeps
     * its {@code num} smallest in a bounded heap, so only {@code num} records per partition reach
     * the calling thread.
     *
     * @throws IllegalArgumentException if {@code num < 0}
     */
    public List<T> takeOrdered(int num, Comparator<T> comp) {
        Objects.requireNonNull(comp, "takeOrdered: comparator");
        if (num < 0) {
            throw new IllegalArgumentException("takeOrdered: num must be >= 0, got " + num);
        }
        if (num == 0) {
            return new ArrayList<>();
        }
        List<List<T>> parts = env.scheduler().runJob(this, it -> {
            PriorityQueue<T> largestFirst = new PriorityQueue<>(Math.min(num, 1024) + 1, comp.reversed());
            while (it.hasNext()) {
                largestFirst.add(it.next());
                if (largestFirst.size() > num) {
                    largestFirst.poll();
                }
            }
            return new ArrayList<>(largestFirst);
        });
        List<T> all = new ArrayList<>();
        parts.forEach(all::addAll);
        all.sort(comp);
        return new ArrayList<>(all.subList(0, Math.min(num, all.size())));
    }

    /**
     * The {@code num} smallest records by their natural ordering, in ascending order.
     *
     * @throws IllegalArgumentException if {@code num < 0}
     * @throws ClassCastException if a record does not implement Comparable
     */
    public List<T> takeOrdered(int num) {
        return takeOrdered(num, NaturalOrder.of("takeOrdered", "record"));
    }

    /**
     * The {@code num} largest records by {@code comp}, in descending order. As
     * {@link #takeOrdered(int, Comparator)} with the comparator reversed.
     *
     * @throws IllegalArgumentException if {@code num < 0}
     */
    public List<T> top(int num, Comparator<T> comp) {
        Objects.requireNonNull(comp, "top: comparator");
        if (num < 0) {
            throw new IllegalArgumentException("top: num must be >= 0, got " + num);
        }
        return takeOrdered(num, comp.reversed());
    }

    /**
     * The {@code num} largest records by their natural ordering, in descending order.
     *
     * @throws IllegalArgumentException if {@code num < 0}
     * @throws ClassCastException if a record does not implement Comparable
     */
    public List<T> top(int num) {
        return top(num, NaturalOrder.of("top", "record"));
    }

    /**
     * The largest record by {@code comp}.
     *
     * @throws UnsupportedOperationException "empty collection" if this RDD has no record
     */
    public T max(Comparator<T> comp) {
        Objects.requireNonNull(comp, "max: comparator");
        return reduce((a, b) -> comp.compare(a, b) >= 0 ? a : b);
    }

    /**
     * The smallest record by {@code comp}.
     *
     * @throws UnsupportedOperationException "empty collection" if this RDD has no record
     */
    public T min(Comparator<T> comp) {
        Objects.requireNonNull(comp, "min: comparator");
        return reduce((a, b) -> comp.compare(a, b) <= 0 ? a : b);
    }

    /**
     * All records in partition order, as {@link #collect()}, but computing one partition at a
     * time as the iterator reaches it: only the largest partition has to fit on the heap. The
     * stage boundaries of the lineage (shuffles) are materialized whole at the first
     * {@code hasNext()}.
     */
    public Iterator<T> toLocalIterator() {
        return new Iterator<>() {
            private int nextPartition;
            private Iterator<T> current = Collections.emptyIterator();
            private boolean prepared;

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && nextPartition < getNumPartitions()) {
                    if (!prepared) {
                        env.scheduler().prepare(RDD.this);
                        prepared = true;
                    }
                    final int part = nextPartition++;
                    current = env.scheduler().runTasks(1, i -> {
                        List<T> l = new ArrayList<>();
                        compute(part).forEachRemaining(l::add);
                        return l;
                    }).get(0).iterator();
                }
                return current.hasNext();
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
    }

    private static <A, B, R> R call(Function2<A, B, R> f, A a, B b) {
        try {
            return f.call(a, b);
        } catch (Exception e) {
            throw UserCodeException.wrap(e);
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + getNumPartitions() + " partitions]";
    }
}
