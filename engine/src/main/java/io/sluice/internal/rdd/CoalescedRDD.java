package io.sluice.internal.rdd;

import io.sluice.RDD;
import io.sluice.internal.util.Iterators;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Fewer partitions without a shuffle: partition {@code i} is the concatenation of the adjacent
 * parent partitions {@code [i*P/n, (i+1)*P/n)}, so records keep their order and no record
 * moves between tasks. Never more partitions than the parent has (that needs a shuffle).
 */
public final class CoalescedRDD<T> extends RDD<T> {
    private final RDD<T> parent;
    private final int numPartitions;

    /** @throws IllegalArgumentException if {@code maxPartitions < 1} */
    public CoalescedRDD(RDD<T> parent, int maxPartitions) {
        super(parent.env());
        if (maxPartitions < 1) {
            throw new IllegalArgumentException("coalesce needs numPartitions >= 1, got " + maxPartitions);
        }
        this.parent = parent;
        this.numPartitions = Math.min(maxPartitions, parent.getNumPartitions());
    }

    @Override
    public int getNumPartitions() {
        return numPartitions;
    }

    private int firstParent(int partition) {
        return (int) ((long) partition * parent.getNumPartitions() / numPartitions);
    }

    @Override
    public Iterator<T> compute(int partition) {
        if (partition < 0 || partition >= numPartitions) {
            throw new IndexOutOfBoundsException("partition " + partition + " of " + numPartitions);
        }
        Iterator<Integer> parents = IntStream.range(firstParent(partition), firstParent(partition + 1)).iterator();
        return Iterators.flatMap(parents, parent::compute);
    }

    @Override
    public List<RDD<?>> dependencies() {
        return List.of(parent);
    }
}
