package io.sluice.internal.dstream;

import io.sluice.DStream;
import io.sluice.RDD;
import io.sluice.Time;
import io.sluice.internal.rdd.UnionRDD;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The union of several streams with the same slide duration. */
public final class UnionDStream<T> extends DStream<T> {
    private final List<DStream<T>> parents;

    public UnionDStream(List<DStream<T>> parents) {
        super(parents.get(0).context());
        Duration slide = parents.get(0).slideDuration();
        for (DStream<T> p : parents) {
            if (!p.slideDuration().equals(slide)) {
                throw new IllegalArgumentException("Cannot union streams with different slide durations ("
                        + slide + " and " + p.slideDuration() + "): window them to a common slide first");
            }
            if (p.context() != parents.get(0).context()) {
                throw new IllegalArgumentException("Cannot union streams of different contexts");
            }
        }
        this.parents = List.copyOf(parents);
    }

    @Override
    public Duration slideDuration() {
        return parents.get(0).slideDuration();
    }

    @Override
    public List<DStream<?>> dependencies() {
        return List.copyOf(parents);
    }

    @Override
    protected Optional<RDD<T>> compute(Time validTime) {
        List<RDD<T>> rdds = new ArrayList<>();
        for (DStream<T> p : parents) {
            p.getOrCompute(validTime).ifPresent(rdds::add);
        }
        if (rdds.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new UnionRDD<>(rdds.get(0).env(), rdds));
    }
}
