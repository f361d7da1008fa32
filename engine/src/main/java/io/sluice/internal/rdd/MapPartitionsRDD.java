package io.sluice.internal.rdd;

import io.sluice.RDD;
import java.util.Iterator;
import java.util.List;
import java.util.function.BiFunction;

/**
 * A narrow transformation: partition {@code p} is {@code f(p, parent's partition p)}. Chains of
 * these fuse into one pass per partition because each pulls lazily from its parent's iterator.
 */
public final class MapPartitionsRDD<T, R> extends RDD<R> {
    private final RDD<T> parent;
    private final BiFunction<Integer, Iterator<T>, Iterator<R>> f;
    private final boolean preservesPartitioning;

    public MapPartitionsRDD(RDD<T> parent, BiFunction<Integer, Iterator<T>, Iterator<R>> f,
                            boolean preservesPartitioning) {
        super(parent.env());
        this.parent = parent;
        this.f = f;
        this.preservesPartitioning = preservesPartitioning;
    }

    @Override
    public int getNumPartitions() {
        return parent.getNumPartitions();
    }

    @Override
    public Iterator<R> compute(int partition) {
        return f.apply(partition, parent.compute(partition));
    }

    @Override
    public List<RDD<?>> dependencies() {
        return List.of(parent);
    }

    @Override
    public Partitioner partitioner() {
        return preservesPartitioning ? parent.partitioner() : null;
    }
}
