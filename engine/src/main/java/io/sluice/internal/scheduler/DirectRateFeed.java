package io.sluice.internal.scheduler;

import io.sluice.BatchInfo;
import io.sluice.StreamingListener;
import io.sluice.internal.dstream.DirectInputDStream;
import io.sluice.internal.dstream.InputDStream;
import io.sluice.internal.rate.RateController;
import io.sluice.internal.receiver.InputPlan;
import io.sluice.internal.receiver.ReceivedBlockTracker;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backpressure for direct inputs: feeds the {@link RateController} of every direct input stream
 * that has one with each completed batch, as Spark's rate controllers listen to batch
 * completions.
 *
 * <p>A stream's record count for a batch is its plan's count, read when the batch is submitted:
 * a checkpoint taken before the batch's completion is seen may already have dropped the plan.
 * Failed batches and batches without a measured delay feed nothing. Must be called by the
 * scheduler synchronously, before a batch's completion is signalled, so that whoever waits for
 * a batch plans the next one with the rate it led to.
 */
public final class DirectRateFeed implements StreamingListener {
    private static final Logger LOG = LoggerFactory.getLogger(DirectRateFeed.class);

    private final Map<Integer, RateController> controllers = new LinkedHashMap<>();
    private final ReceivedBlockTracker tracker;
    private final Map<Long, Map<Integer, Long>> recordsByBatch = new ConcurrentHashMap<>();

    /** Collects the controllers of the direct inputs among {@code inputs} (once, at start). */
    public DirectRateFeed(List<InputDStream<?>> inputs, ReceivedBlockTracker tracker) {
        this.tracker = tracker;
        for (InputDStream<?> in : inputs) {
            if (in instanceof DirectInputDStream<?, ?> d) {
                d.rateController().ifPresent(c -> controllers.put(d.id(), c));
            }
        }
    }

    /** Whether any direct input adapts its rate. */
    public boolean isEmpty() {
        return controllers.isEmpty();
    }

    @Override
    public void onBatchSubmitted(BatchInfo batch) {
        if (controllers.isEmpty()) {
            return;
        }
        Map<Integer, Long> counts = new LinkedHashMap<>();
        for (Integer id : controllers.keySet()) {
            Optional<InputPlan> p = tracker.planOf(batch.batchTime(), id);
            if (p.isPresent() && p.get().records() >= 0) {
                counts.put(id, p.get().records());
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
            OptionalDouble rate = controllers.get(e.getKey()).onBatchCompleted(batch.processingEndTimeMs(),
                    e.getValue(), processing, scheduling);
            if (rate.isPresent()) {
                LOG.debug("Backpressure: direct stream {} rate {} records/s after batch {} ({} records in {} ms,"
                        + " scheduling delay {} ms)", e.getKey(), rate.getAsDouble(), batch.batchTime(), e.getValue(),
                        processing, scheduling);
            }
        }
    }
}
