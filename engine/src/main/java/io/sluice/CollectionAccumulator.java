package io.sluice;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An accumulator that collects elements, as Spark's {@code CollectionAccumulator}; each batch's
 * elements are added once (see {@link Accumulator}). The order between batches is batch
 * order; within a batch it depends on task timing.
 */
public final class CollectionAccumulator<T> extends Accumulator<T, List<T>> {
    private ArrayList<T> committed = new ArrayList<>();

    CollectionAccumulator(String name) {
        super(name);
    }

    @Override
    protected Object committedDelta() {
        return committed;
    }

    @Override
    @SuppressWarnings("unchecked")
    protected void setCommitted(Object state) {
        committed = new ArrayList<>((List<T>) state);
    }

    @Override
    protected Object newDelta() {
        return new ArrayList<T>();
    }

    @Override
    @SuppressWarnings("unchecked")
    protected void mergeInto(Object delta, T v) {
        ((List<T>) delta).add(v);
    }

    @Override
    @SuppressWarnings("unchecked")
    protected void combine(Object into, Object other) {
        ((List<T>) into).addAll((List<T>) other);
    }

    @Override
    @SuppressWarnings("unchecked")
    protected Object copy(Object delta) {
        return new ArrayList<>((List<T>) delta);
    }

    @Override
    @SuppressWarnings("unchecked")
    protected List<T> read(Object delta) {
        return Collections.unmodifiableList((List<T>) delta);
    }
}
