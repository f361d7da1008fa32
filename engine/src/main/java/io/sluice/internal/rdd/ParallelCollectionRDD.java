package io.sluice.internal.rdd;

import io.sluice.RDD;
import io.sluice.internal.SluiceEnv;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** An RDD over an in-memory list, cut into contiguous slices (also the empty RDD). */
public final class ParallelCollectionRDD<T> extends RDD<T> {
    private final List<List<T>> slices;

    public ParallelCollectionRDD(SluiceEnv env, List<T> data, int numSlices) {
        super(env);
        if (numSlices < 1) {
            throw new IllegalArgumentException("numSlices must be >= 1, got " + numSlices);
        }
        List<T> copy = new ArrayList<>(data);
        List<List<T>> s = new ArrayList<>(numSlices);
        for (int i = 0; i < numSlices; i++) {
            int from = (int) ((long) i * copy.size() / numSlices);
            int to = (int) ((long) (i + 1) * copy.size() / numSlices);
            s.add(copy.subList(from, to));
        }
        this.slices = s;
    }

    /** An RDD with no partition. */
    public static <T> ParallelCollectionRDD<T> empty(SluiceEnv env) {
        return new ParallelCollectionRDD<>(env);
    }

    private ParallelCollectionRDD(SluiceEnv env) {
        super(env);
        this.slices = List.of();
    }

    @Override
    public int getNumPartitions() {
        return slices.size();
    }

    @Override
    public Iterator<T> compute(int partition) {
        return slices.get(partition).iterator();
    }
}
