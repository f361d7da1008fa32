package io.sluice.internal.dstream;

import io.sluice.DStream;
import io.sluice.RDD;
import io.sluice.Time;
import io.sluice.internal.rdd.ParallelCollectionRDD;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * A stream whose RDD at time t is a function of several parents' RDDs at t (joins, cogroup,
 * transformWith, StreamingContext.transform). A parent without a batch at t contributes an
 * empty RDD, as in Spark. All parents must have the same slide duration.
 */
public final class MultiTransformedDStream<R> extends DStream<R> {
    private final List<DStream<?>> parents;
    private final BiFunction<List<RDD<?>>, Time, RDD<R>> f;

    public MultiTransformedDStream(List<DStream<?>> parents, BiFunction<List<RDD<?>>, Time, RDD<R>> f) {
        super(parents.get(0).context());
        Duration slide = parents.get(0).slideDuration();
        for (DStream<?> p : parents) {
            if (p.context() != parents.get(0).context()) {
                throw new IllegalArgumentException("Cannot combine streams of different contexts");
            }
            if (!p.slideDuration().equals(slide)) {
                throw new IllegalArgumentException("Cannot combine streams with different slide durations ("
                        + slide.toMillis() + " ms and " + p.slideDuration().toMillis()
                        + " ms): window them to a common slide first");
            }
        }
        this.parents = List.copyOf(parents);
        this.f = f;
    }

    @Override
    public Duration slideDuration() {
        return parents.get(0).slideDuration();
    }

    @Override
    public List<DStream<?>> dependencies() {
        return parents;
    }

    @Override
    protected Optional<RDD<R>> compute(Time validTime) {
        List<RDD<?>> rdds = new ArrayList<>(parents.size());
        for (DStream<?> p : parents) {
            rdds.add(p.getOrCompute(validTime).map(r -> (RDD<?>) r)
                    .orElseGet(() -> ParallelCollectionRDD.empty(ssc.runtime().env())));
        }
        return Optional.ofNullable(f.apply(rdds, validTime));
    }
}
