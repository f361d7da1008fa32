package io.sluice.internal.rate;

import io.sluice.BatchInfo;
import io.sluice.StreamingListener;
import io.sluice.Time;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backpressure's feedback loop, for receiver and direct input streams alike: feeds every
 * completed batch to the {@link RateController} of each stream that has one, as Spark's rate
 * controllers listen to batch completions, and hands each new rate to the stream.
 *
 * <p>A stream's record count for a batch is read when the batch is submitted, not when it
 * completes: a checkpoint taken before the batch's completion is seen may already have dropped
 * the batch's blocks or plan. Failed batches, batches without a measured delay and streams whose
 * count was unknown at submission feed nothing. The scheduler must call this listener
 * synchronously, in batch order, before a batch's completion is signalled, so that whoever waits
 * for a batch sees (and plans the next batch with) the rate it led to.
 */
public final class RateFeed implements StreamingListener {
    private static final Logger LOG = LoggerFactory.getLogger(RateFeed.class);

    /**
     * One stream under backpressure.
     *
     * @param streamId the input stream's id
     * @param controller its rate controller
     * @param recordsOf the number of records of the stream in a batch, empty when unknown
     * @param onRate what to do with a new rate (records per second), besides keeping it in the
     *     controller: a receiver's limiter is updated here; a direct stream reads the controller
     */
    public record Fed(int streamId, RateController controller, Function<Time, OptionalLong> recordsOf,
                      DoubleConsumer onRate) {
        public Fed {
            Objects.requireNonNull(controller, "controller");
            Objects.requireNonNull(recordsOf, "recordsOf");
            Objects.requireNonNull(onRate, "onRate");
        }
    }

    private final Map<Integer, Fed> streams = new LinkedHashMap<>();
    private final Map<Long, Map<Integer, Long>> recordsByBatch = new ConcurrentHashMap<>();

    /**
     * A feed over {@code streams}.
     *
     * @throws IllegalArgumentException if two entries name the same stream
     */
    public RateFeed(List<Fed> streams) {
        for (Fed f : streams) {
            if (this.streams.putIfAbsent(f.streamId(), f) != null) {
                throw new IllegalArgumentException("stream " + f.streamId() + " is fed twice");
            }
        }
    }

    /** Whether no stream adapts its rate. */
    public boolean isEmpty() {
        return streams.isEmpty();
    }

    @Override
    public void onBatchSubmitted(BatchInfo batch) {
        if (streams.isEmpty()) {
            return;
        }
        Map<Integer, Long> counts = new LinkedHashMap<>();
        for (Fed f : streams.values()) {
            OptionalLong n = f.recordsOf().apply(batch.batchTime());
            if (n.isPresent() && n.getAsLong() >= 0) {
                counts.put(f.streamId(), n.getAsLong());
            }
        }
        recordsByBatch.put(batch.batchTime().milliseconds(), counts);
    }

    @Override
    public void onBatchCompleted(BatchInfo batch) {
        Map<Integer, Long> counts = recordsByBatch.remove(batch.batchTime().milliseconds());
        if (counts == null || batch.failure().isPresent()) {
            return;
        }
        long processing = batch.processingDelay().orElse(-1L);
        long scheduling = batch.schedulingDelay().orElse(-1L);
        if (processing < 0 || scheduling < 0) {
            return;
        }
        for (Map.Entry<Integer, Long> e : counts.entrySet()) {
            Fed f = streams.get(e.getKey());
            OptionalDouble rate = f.controller().onBatchCompleted(batch.processingEndTimeMs(), e.getValue(),
                    processing, scheduling);
            if (rate.isPresent()) {
                f.onRate().accept(rate.getAsDouble());
                LOG.debug("Backpressure: stream {} rate {} records/s after batch {} ({} records in {} ms,"
                        + " scheduling delay {} ms)", e.getKey(), rate.getAsDouble(), batch.batchTime(),
                        e.getValue(), processing, scheduling);
            }
        }
    }
}
