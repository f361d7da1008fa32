package io.sluice.internal.rdd;

import io.sluice.RDD;
import io.sluice.Tuple2;
import io.sluice.internal.scheduler.StageBoundary;
import io.sluice.internal.scheduler.TaskScheduler;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cogroup of two pair RDDs: for every key present on either side, the list of its values on
 * the left and the list on the right. The basis of every join.
 *
 * <p>Map side (materialize): both parents are split by the same partitioner, one task per
 * parent partition (the tasks of both sides run as one batch on the pool), each record into the
 * bucket of its reduce partition. There is no map-side combine: a join needs every value.
 *
 * <p>A parent already partitioned by an equal partitioner into the same number of partitions
 * is not shuffled at all: reduce partition {@code r} reads its partition {@code r} directly
 * (a narrow dependency), as Spark's CoGroupedRDD does for a one-to-one dependency.
 *
 * <p>Reduce side (compute): partition {@code r} reads bucket {@code r} of every map task of
 * the left side, then of the right, in map-task order, so values within a group keep their
 * partition order and the result does not depend on task timing. Groups come out in the order
 * their key was first seen. Each call builds fresh lists: a caller may mutate them.
 */
public final class CoGroupedRDD<K, V, W> extends RDD<Tuple2<K, Tuple2<Iterable<V>, Iterable<W>>>>
        implements StageBoundary {
    private final RDD<Tuple2<K, V>> left;
    private final RDD<Tuple2<K, W>> right;
    private final Partitioner partitioner;
    private final boolean leftNarrow;
    private final boolean rightNarrow;
    /** leftOutputs.get(m)[r]: left map task m's records for reduce partition r (same for right). */
    private volatile List<Object[]> leftOutputs;
    private volatile List<Object[]> rightOutputs;

    /**
     * @throws IllegalArgumentException if the two parents belong to different contexts
     */
    public CoGroupedRDD(RDD<Tuple2<K, V>> left, RDD<Tuple2<K, W>> right, Partitioner partitioner) {
        super(left.env());
        if (left.env() != right.env()) {
            throw new IllegalArgumentException("Cannot cogroup or join RDDs of two different contexts ["
                    + left + "] and [" + right + "]: create both from the same StreamingContext");
        }
        this.left = left;
        this.right = right;
        this.partitioner = partitioner;
        this.leftNarrow = isPartitionedBy(left, partitioner);
        this.rightNarrow = isPartitionedBy(right, partitioner);
    }

    private static boolean isPartitionedBy(RDD<?> rdd, Partitioner p) {
        return p.equals(rdd.partitioner()) && rdd.getNumPartitions() == p.numPartitions();
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
        return List.of(left, right);
    }

    @Override
    public void materialize(TaskScheduler scheduler) {
        if (leftOutputs != null) {
            return;
        }
        synchronized (this) {
            if (leftOutputs != null) {
                return;
            }
            int l = leftNarrow ? 0 : left.getNumPartitions();
            int r = rightNarrow ? 0 : right.getNumPartitions();
            List<Object[]> all = scheduler.runTasks(l + r, i -> i < l ? split(left, i) : split(right, i - l));
            rightOutputs = List.copyOf(all.subList(l, l + r));
            leftOutputs = List.copyOf(all.subList(0, l));
        }
    }

    private <X> Object[] split(RDD<Tuple2<K, X>> parent, int mapPartition) {
        int n = partitioner.numPartitions();
        Object[] buckets = new Object[n];
        for (int b = 0; b < n; b++) {
            buckets[b] = new ArrayList<Tuple2<K, X>>();
        }
        Iterator<Tuple2<K, X>> it = parent.compute(mapPartition);
        while (it.hasNext()) {
            Tuple2<K, X> kv = it.next();
            @SuppressWarnings("unchecked")
            List<Tuple2<K, X>> bucket = (List<Tuple2<K, X>>) buckets[partitioner.partition(kv._1())];
            bucket.add(kv);
        }
        return buckets;
    }

    @Override
    public Iterator<Tuple2<K, Tuple2<Iterable<V>, Iterable<W>>>> compute(int partition) {
        List<Object[]> lOut = leftOutputs;
        List<Object[]> rOut = rightOutputs;
        if (lOut == null || rOut == null) {
            throw new IllegalStateException("Bug: cogroup read before its map stage ran");
        }
        Map<K, Group<V, W>> groups = new LinkedHashMap<>();
        for (Iterator<Tuple2<K, V>> it : sideInputs(left, leftNarrow, lOut, partition)) {
            while (it.hasNext()) {
                Tuple2<K, V> kv = it.next();
                groups.computeIfAbsent(kv._1(), k -> new Group<>()).left.add(kv._2());
            }
        }
        for (Iterator<Tuple2<K, W>> it : sideInputs(right, rightNarrow, rOut, partition)) {
            while (it.hasNext()) {
                Tuple2<K, W> kv = it.next();
                groups.computeIfAbsent(kv._1(), k -> new Group<>()).right.add(kv._2());
            }
        }
        Iterator<Map.Entry<K, Group<V, W>>> it = groups.entrySet().iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Tuple2<K, Tuple2<Iterable<V>, Iterable<W>>> next() {
                Map.Entry<K, Group<V, W>> e = it.next();
                return new Tuple2<>(e.getKey(), new Tuple2<>(e.getValue().left, e.getValue().right));
            }
        };
    }

    @SuppressWarnings("unchecked")
    private static <K, X> List<Iterator<Tuple2<K, X>>> sideInputs(RDD<Tuple2<K, X>> parent, boolean narrow,
                                                                  List<Object[]> outputs, int partition) {
        if (narrow) {
            return List.of(parent.compute(partition));
        }
        List<Iterator<Tuple2<K, X>>> its = new ArrayList<>(outputs.size());
        for (Object[] buckets : outputs) {
            its.add(((List<Tuple2<K, X>>) buckets[partition]).iterator());
        }
        return its;
    }

    private static final class Group<V, W> {
        final List<V> left = new ArrayList<>(2);
        final List<W> right = new ArrayList<>(2);
    }
}
