package io.sluice.internal.dstream;

import io.sluice.DStream;
import io.sluice.RDD;
import io.sluice.Time;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * A stream whose RDD at time t is a function of its parent's RDD at t: every stateless
 * transformation (map, filter, flatMap, mapToPair, reduceByKey, transform, ...). No batch means
 * no RDD downstream either.
 */
public final class TransformedDStream<T, R> extends DStream<R> {
    private final DStream<T> parent;
    private final BiFunction<RDD<T>, Time, RDD<R>> f;

    public TransformedDStream(DStream<T> parent, BiFunction<RDD<T>, Time, RDD<R>> f) {
        super(parent.context());
        this.parent = parent;
        this.f = f;
    }

    @Override
    public Duration slideDuration() {
        return parent.slideDuration();
    }

    @Override
    public List<DStream<?>> dependencies() {
        return List.of(parent);
    }

    @Override
    protected Optional<RDD<R>> compute(Time validTime) {
        return parent.getOrCompute(validTime).map(rdd -> f.apply(rdd, validTime));
    }
}
