package io.sluice;

import io.sluice.function.FlatMapFunction;
import io.sluice.function.Function;
import io.sluice.function.PairFlatMapFunction;
import io.sluice.function.PairFunction;
import io.sluice.function.VoidFunction;
import io.sluice.internal.SluiceEnv;
import io.sluice.internal.rdd.MapPartitionsRDD;
import io.sluice.internal.rdd.Partitioner;
import io.sluice.internal.rdd.ShuffledRDD;
import io.sluice.internal.rdd.UnionRDD;
import io.sluice.internal.util.Iterators;
import io.sluice.internal.util.UserCodeException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

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

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + getNumPartitions() + " partitions]";
    }
}
