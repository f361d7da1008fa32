package io.sluice.internal.rdd;

import io.sluice.RDD;
import io.sluice.Tuple2;
import io.sluice.internal.scheduler.StageBoundary;
import io.sluice.internal.scheduler.TaskScheduler;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.BinaryOperator;
import java.util.function.Function;

/**
 * A hash shuffle by key, in memory.
 *
 * <p>Map side (materialize): one task per parent partition splits its records into one bucket
 * per reduce partition. With map-side combine, the task first combines all its records in one
 * {@link CombinerMap} (one probe per record), then cuts it into one bucket of (key, combiner)
 * arrays per reduce partition, so a word count ships one (word, partial count) per word and map
 * task instead of one per occurrence, and partitions each distinct key once; without it
 * (groupByKey), a bucket is a list of records.
 *
 * <p>Reduce side (compute): partition {@code r} merges bucket {@code r} of every map task, in
 * map-task order, into a {@link CombinerMap}; its records come out in the order their keys were
 * first met, so the result (values and order) does not depend on task timing.
 */
public final class ShuffledRDD<K, V, C> extends RDD<Tuple2<K, C>> implements StageBoundary {
    private final RDD<Tuple2<K, V>> parent;
    private final Aggregator<V, C> aggregator;
    private final Partitioner partitioner;
    private final boolean mapSideCombine;
    /** mapOutputs.get(m)[r]: map task m's bucket for reduce partition r. */
    private volatile List<Object[]> mapOutputs;
    /**
     * Reduce partitions already merged. Merging mutates combiners (mergeCombiners may update
     * its first argument, as Spark allows), so a partition is merged once and its result kept;
     * the map outputs it consumed are released.
     */
    private volatile Object[] reduced;
    private volatile Object[] reduceLocks;

    public ShuffledRDD(RDD<Tuple2<K, V>> parent, Aggregator<V, C> aggregator, Partitioner partitioner,
                       boolean mapSideCombine) {
        super(parent.env());
        this.parent = parent;
        this.aggregator = aggregator;
        this.partitioner = partitioner;
        this.mapSideCombine = mapSideCombine;
    }

    /** The aggregator that collects all values of a key into a list (groupByKey). */
    public static <V> Aggregator<V, List<V>> listAggregator() {
        return new Aggregator<>(v -> {
            List<V> l = new ArrayList<>();
            l.add(v);
            return l;
        }, (l, v) -> {
            l.add(v);
            return l;
        }, (a, b) -> {
            a.addAll(b);
            return a;
        });
    }

    @Override
    public int getNumPartitions() {
        return partitioner.numPartitions();
    }

    @Override
    public Partitioner partitioner() {
        return partitioner;
    }

    @Override
    public List<RDD<?>> dependencies() {
        return List.of(parent);
    }

    @Override
    public void materialize(TaskScheduler scheduler) {
        if (mapOutputs != null) {
            return;
        }
        synchronized (this) {
            if (mapOutputs != null) {
                return;
            }
            List<Object[]> outputs = scheduler.runTasks(parent.getNumPartitions(), this::mapTask);
            reduced = new Object[partitioner.numPartitions()];
            Object[] locks = new Object[partitioner.numPartitions()];
            for (int i = 0; i < locks.length; i++) {
                locks[i] = new Object();
            }
            reduceLocks = locks;
            mapOutputs = outputs;
        }
    }

    private Object[] mapTask(int mapPartition) {
        int n = partitioner.numPartitions();
        Object[] buckets = new Object[n];
        Iterator<Tuple2<K, V>> it = parent.compute(mapPartition);
        if (mapSideCombine) {
            // One table for all reduce partitions: a record costs one probe, and the partition
            // of a key is computed once per distinct key when the table is cut into buckets.
            CombinerMap<K, C> combined = new CombinerMap<>(0);
            Function<V, C> create = aggregator.createCombiner();
            BiFunction<C, V, C> merge = aggregator.mergeValue();
            while (it.hasNext()) {
                Tuple2<K, V> kv = it.next();
                combined.combine(kv._1(), kv._2(), create, merge);
            }
            cut(combined, buckets);
        } else {
            for (int r = 0; r < n; r++) {
                buckets[r] = new ArrayList<Tuple2<K, V>>();
            }
            while (it.hasNext()) {
                Tuple2<K, V> kv = it.next();
                @SuppressWarnings("unchecked")
                List<Tuple2<K, V>> bucket = (List<Tuple2<K, V>>) buckets[partitioner.partition(kv._1())];
                bucket.add(kv);
            }
        }
        return buckets;
    }

    /** Cuts a map task's combiners into one {@link CombinedBucket} per reduce partition. */
    private void cut(CombinerMap<K, C> combined, Object[] buckets) {
        int n = buckets.length;
        int size = combined.size();
        int[] partitionOf = new int[size];
        int[] counts = new int[n];
        for (int i = 0; i < size; i++) {
            int r = n == 1 ? 0 : partitioner.partition(combined.keyAt(i));
            partitionOf[i] = r;
            counts[r]++;
        }
        CombinedBucket[] out = new CombinedBucket[n];
        for (int r = 0; r < n; r++) {
            out[r] = new CombinedBucket(new Object[counts[r]], new Object[counts[r]]);
            buckets[r] = out[r];
        }
        int[] filled = new int[n];
        for (int i = 0; i < size; i++) {
            int r = partitionOf[i];
            int j = filled[r]++;
            out[r].keys[j] = combined.keyAt(i);
            out[r].combiners[j] = combined.valueAt(i);
        }
    }

    /** A map task's combiners for one reduce partition, in the order the map task first met their keys. */
    private record CombinedBucket(Object[] keys, Object[] combiners) {
    }

    @Override
    @SuppressWarnings("unchecked")
    public Iterator<Tuple2<K, C>> compute(int partition) {
        List<Object[]> outputs = mapOutputs;
        if (outputs == null) {
            throw new IllegalStateException("Bug: shuffle read before its map stage ran");
        }
        Object[] done = reduced;
        synchronized (reduceLocks[partition]) {
            if (done[partition] == null) {
                List<Tuple2<K, C>> result = merge(outputs, partition);
                for (Object[] buckets : outputs) {
                    buckets[partition] = null;
                }
                done[partition] = result;
            }
            return ((List<Tuple2<K, C>>) done[partition]).iterator();
        }
    }

    @SuppressWarnings("unchecked")
    private List<Tuple2<K, C>> merge(List<Object[]> outputs, int partition) {
        int expected = 0;
        for (Object[] buckets : outputs) {
            expected += mapSideCombine ? ((CombinedBucket) buckets[partition]).keys.length
                    : ((List<?>) buckets[partition]).size();
        }
        CombinerMap<K, C> merged = new CombinerMap<>(mapSideCombine ? expected : 0);
        for (Object[] buckets : outputs) {
            if (mapSideCombine) {
                CombinedBucket b = (CombinedBucket) buckets[partition];
                BinaryOperator<C> mergeCombiners = aggregator.mergeCombiners();
                for (int i = 0; i < b.keys.length; i++) {
                    merged.mergeCombiner((K) b.keys[i], (C) b.combiners[i], mergeCombiners);
                }
            } else {
                Function<V, C> create = aggregator.createCombiner();
                BiFunction<C, V, C> mergeValue = aggregator.mergeValue();
                for (Tuple2<K, V> kv : (List<Tuple2<K, V>>) buckets[partition]) {
                    merged.combine(kv._1(), kv._2(), create, mergeValue);
                }
            }
        }
        List<Tuple2<K, C>> result = new ArrayList<>(merged.size());
        for (int i = 0; i < merged.size(); i++) {
            result.add(new Tuple2<>(merged.keyAt(i), merged.valueAt(i)));
        }
        return result;
    }
}
