package io.sluice.internal.dstream;

import io.sluice.DStream;
import io.sluice.RDD;
import io.sluice.Time;
import io.sluice.function.VoidFunction2;
import io.sluice.internal.util.UserCodeException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** An output operation: runs a function on the RDD of every batch of its parent. */
public final class ForEachDStream<T> extends DStream<Void> {
    private final DStream<T> parent;
    private final VoidFunction2<RDD<T>, Time> f;
    private int outputOpId = -1;

    public ForEachDStream(DStream<T> parent, VoidFunction2<RDD<T>, Time> f) {
        super(parent.context());
        this.parent = parent;
        this.f = f;
    }

    /** Registers this output operation with the graph. */
    public void register() {
        outputOpId = graph().addOutput(this);
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
    protected Optional<RDD<Void>> compute(Time validTime) {
        return Optional.empty();
    }

    /** The job for batch {@code time}, if the parent produces an RDD then. */
    public Optional<Job> generateJob(Time time) {
        if (!parent.isTimeValid(time)) {
            return Optional.empty();
        }
        Optional<RDD<T>> rdd = parent.getOrCompute(time);
        return rdd.map(r -> new Job(time, outputOpId, () -> {
            try {
                f.call(r, time);
            } catch (Exception e) {
                throw UserCodeException.wrap(e);
            }
        }));
    }
}
