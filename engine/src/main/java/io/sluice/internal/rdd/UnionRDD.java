package io.sluice.internal.rdd;

import io.sluice.RDD;
import io.sluice.internal.SluiceEnv;
import java.util.Iterator;
import java.util.List;

/** The concatenation of several RDDs: their partitions one after another. */
public final class UnionRDD<T> extends RDD<T> {
    private final List<RDD<T>> parents;
    private final int[] offsets;

    public UnionRDD(SluiceEnv env, List<RDD<T>> parents) {
        super(env);
        this.parents = List.copyOf(parents);
        this.offsets = new int[parents.size() + 1];
        for (int i = 0; i < parents.size(); i++) {
            offsets[i + 1] = offsets[i] + parents.get(i).getNumPartitions();
        }
    }

    @Override
    public int getNumPartitions() {
        return offsets[parents.size()];
    }

    @Override
    public Iterator<T> compute(int partition) {
        for (int i = 0; i < parents.size(); i++) {
            if (partition < offsets[i + 1]) {
                return parents.get(i).compute(partition - offsets[i]);
            }
        }
        throw new IndexOutOfBoundsException("partition " + partition + " of " + getNumPartitions());
    }

    @Override
    public List<RDD<?>> dependencies() {
        return List.copyOf(parents);
    }
}
