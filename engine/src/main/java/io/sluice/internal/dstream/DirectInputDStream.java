package io.sluice.internal.dstream;

import io.sluice.RDD;
import io.sluice.StreamingContext;
import io.sluice.Time;
import io.sluice.internal.rate.RateController;
import io.sluice.internal.rdd.ParallelCollectionRDD;
import io.sluice.internal.receiver.InputPlan;
import java.io.Serializable;
import java.util.Optional;

/**
 * An input stream read directly from its source by the batch's tasks, with no receiver (files,
 * Kafka, the rate source): the source must be replayable, so that what a batch reads can be
 * described by a small plan (file names, offset ranges) and read again.
 *
 * <h2>How recovery works, and why</h2>
 * When batch t is generated, {@link #plan} chooses what t reads from the stream's current
 * position and returns the plan with the position after it. The job generator logs the plan
 * with t's allocation before any job of t runs (DESIGN.md I2), and {@link #compute} reads t
 * from the logged plan; a batch re-run after a crash therefore reads exactly what its first run
 * read (I3). A checkpoint of t records the position after t; after recovery the stream is
 * {@link #resume resumed} from the position after the last logged batch (the re-run batches use
 * their logged plans), so no data is skipped or read twice. Subclasses keep their position
 * only through {@code plan}/{@code resume}: anything else would not survive a restart.
 *
 * <p>{@code plan} runs on the job generator's thread, one batch at a time, in time order;
 * {@code read} builds a lazy RDD and may run on any thread.
 *
 * <p>Backpressure: a stream that adapts how much it plans per batch returns a
 * {@link RateController} from {@link #rateController()}; the engine feeds it every completed
 * batch, and {@code plan} reads its latest rate. The rate reaches a batch only through the
 * logged plan, so re-run batches are unaffected by it.
 *
 * @param <T> record type
 * @param <P> plan type (serialized with the engine's serializer into the tracker log)
 */
public abstract class DirectInputDStream<T, P extends Serializable> extends InputDStream<T> {

    protected DirectInputDStream(StreamingContext ssc) {
        super(ssc);
    }

    /**
     * Called once before the first batch is planned: with the position after the last batch
     * planned before a restart, or {@code null} on a fresh start.
     */
    public abstract void resume(Serializable positionAfterLastBatch);

    /**
     * Chooses what batch {@code time} reads and advances the stream's position past it.
     *
     * @return the plan, the position after it and its record count (-1 if unknown)
     */
    public abstract InputPlan plan(Time time);

    /**
     * The controller the engine feeds with completed batches (records of this stream per batch,
     * processing and scheduling delays) so that {@link #plan} can bound a batch by the latest
     * rate estimate. Read once when the context starts; empty (the default) for a stream that
     * does not adapt its rate.
     */
    public Optional<RateController> rateController() {
        return Optional.empty();
    }

    /** Reads a planned batch: must return the same records every time it is given the same plan. */
    protected abstract RDD<T> read(Time time, P plan);

    @Override
    @SuppressWarnings("unchecked")
    protected final Optional<RDD<T>> compute(Time validTime) {
        Optional<InputPlan> p = ssc.runtime().tracker().planOf(validTime, id());
        if (p.isEmpty() || p.get().plan() == null) {
            // A batch before this stream's first plan (a window reaching back past a restart).
            return Optional.of(ParallelCollectionRDD.<T>empty(ssc.runtime().env()));
        }
        return Optional.of(read(validTime, (P) p.get().plan()));
    }
}
