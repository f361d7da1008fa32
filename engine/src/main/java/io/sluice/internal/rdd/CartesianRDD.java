package io.sluice.internal.rdd;

import io.sluice.RDD;
import io.sluice.Tuple2;
import io.sluice.internal.util.Iterators;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Every pair of a record of the left RDD and a record of the right one. No shuffle: partition
 * {@code i * R + j} pairs left partition {@code i} with right partition {@code j} (R being the
 * right RDD's partition count), as Spark numbers them. Each task holds its right partition in
 * memory (Spark recomputes it for every left record instead), so the right side should be the
 * smaller one.
 */
public final class CartesianRDD<T, U> extends RDD<Tuple2<T, U>> {
    private final RDD<T> left;
    private final RDD<U> right;

    /** @throws IllegalArgumentException if the two parents belong to different contexts */
    public CartesianRDD(RDD<T> left, RDD<U> right) {
        super(left.env());
        if (left.env() != right.env()) {
            throw new IllegalArgumentException("Cannot take the cartesian product of RDDs of two different contexts ["
                    + left + "] and [" + right + "]: create both from the same StreamingContext");
        }
        long n = (long) left.getNumPartitions() * right.getNumPartitions();
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("cartesian of " + left.getNumPartitions() + " by "
                    + right.getNumPartitions() + " partitions exceeds the partition limit; coalesce a side first");
        }
        this.left = left;
        this.right = right;
    }

    @Override
    public int getNumPartitions() {
        return left.getNumPartitions() * right.getNumPartitions();
    }

    @Override
    public Iterator<Tuple2<T, U>> compute(int partition) {
        int r = right.getNumPartitions();
        List<U> rights = new ArrayList<>();
        right.compute(partition % r).forEachRemaining(rights::add);
        return Iterators.flatMap(left.compute(partition / r),
                t -> Iterators.map(rights.iterator(), u -> new Tuple2<>(t, u)));
    }

    @Override
    public List<RDD<?>> dependencies() {
        return List.of(left, right);
    }
}
