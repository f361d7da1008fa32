package io.sluice.internal.rdd;

import io.sluice.RDD;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Keeps every partition of its parent in memory once computed, so the outputs of a batch
 * that read a cached stream compute it once. Dropped with the RDD when the stream forgets it.
 */
public final class CachedRDD<T> extends RDD<T> {
    private final RDD<T> parent;
    private final Object[] partitions;

    public CachedRDD(RDD<T> parent) {
        super(parent.env());
        this.parent = parent;
        this.partitions = new Object[parent.getNumPartitions()];
    }

    @Override
    public int getNumPartitions() {
        return partitions.length;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Iterator<T> compute(int partition) {
        Object cached;
        synchronized (partitions) {
            cached = partitions[partition];
        }
        if (cached == null) {
            List<T> l = new ArrayList<>();
            parent.compute(partition).forEachRemaining(l::add);
            synchronized (partitions) {
                if (partitions[partition] == null) {
                    partitions[partition] = l;
                }
                cached = partitions[partition];
            }
        }
        return ((List<T>) cached).iterator();
    }

    @Override
    public List<RDD<?>> dependencies() {
        return List.of(parent);
    }

    @Override
    public Partitioner partitioner() {
        return parent.partitioner();
    }
}
