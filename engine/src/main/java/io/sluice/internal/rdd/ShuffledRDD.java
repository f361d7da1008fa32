package io.sluice.internal.rdd;

import io.sluice.RDD;
import io.sluice.Tuple2;
import io.sluice.internal.scheduler.StageBoundary;
import io.sluice.internal.scheduler.TaskScheduler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A hash shuffle by key, in memory.
 *
 * <p>Map side (materialize): one task per parent partition splits its records into one bucket
 * per reduce partition. With map-side combine, a bucket is a hash map of combiners, so a word
 * count ships one (word, partial count) per word and map task instead of one per occurrence;
 * without it (groupByKey), a bucket is a list of records.
 *
 * <p>Reduce side (compute): partition {@code r} merges bucket {@code r} of every map task, in
 * map-task order, so the result does not depend on task timing.
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
            for (int r = 0; r < n; r++) {
                buckets[r] = new HashMap<K, C>();
            }
            while (it.hasNext()) {
                Tuple2<K, V> kv = it.next();
                @SuppressWarnings("unchecked")
                Map<K, C> bucket = (Map<K, C>) buckets[partitioner.partition(kv._1())];
                C c = bucket.get(kv._1());
                bucket.put(kv._1(), c == null && !bucket.containsKey(kv._1())
                        ? aggregator.createCombiner().apply(kv._2())
                        : aggregator.mergeValue().apply(c, kv._2()));
            }
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
                List<Tuple2<K, C>> result = new ArrayList<>();
                merge(outputs, partition).forEachRemaining(result::add);
                for (Object[] buckets : outputs) {
                    buckets[partition] = null;
                }
                done[partition] = result;
            }
            return ((List<Tuple2<K, C>>) done[partition]).iterator();
        }
    }

    @SuppressWarnings("unchecked")
    private Iterator<Tuple2<K, C>> merge(List<Object[]> outputs, int partition) {
        Map<K, C> merged = new HashMap<>();
        for (Object[] buckets : outputs) {
            if (mapSideCombine) {
                for (Map.Entry<K, C> e : ((Map<K, C>) buckets[partition]).entrySet()) {
                    K k = e.getKey();
                    if (merged.containsKey(k)) {
                        merged.put(k, aggregator.mergeCombiners().apply(merged.get(k), e.getValue()));
                    } else {
                        merged.put(k, e.getValue());
                    }
                }
            } else {
                for (Tuple2<K, V> kv : (List<Tuple2<K, V>>) buckets[partition]) {
                    K k = kv._1();
                    if (merged.containsKey(k)) {
                        merged.put(k, aggregator.mergeValue().apply(merged.get(k), kv._2()));
                    } else {
                        merged.put(k, aggregator.createCombiner().apply(kv._2()));
                    }
                }
            }
        }
        Iterator<Map.Entry<K, C>> it = merged.entrySet().iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Tuple2<K, C> next() {
                Map.Entry<K, C> e = it.next();
                return new Tuple2<>(e.getKey(), e.getValue());
            }
        };
    }
}
