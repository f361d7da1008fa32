package io.sluice.internal.receiver;

import io.sluice.BatchInfo;
import io.sluice.StreamingListener;
import io.sluice.internal.dstream.ReceiverInputDStream;
import io.sluice.internal.rate.PIDRateEstimator;
import io.sluice.internal.rate.RateEstimator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts, flushes and stops the supervisors of every receiver input stream of a context, each
 * receiver on threads of its own, and with backpressure adapts every receiver's rate after each
 * completed batch.
 *
 * <h2>Backpressure</h2>
 * As Spark's {@code RateController}: when a batch completes, each receiver stream's
 * {@link RateEstimator} is given the batch's processing end time, processing delay, scheduling
 * delay and the number of records of that stream in the batch, and the rate it returns is
 * pushed to the stream's rate limiter (capped by maxRate). The records per stream are counted
 * when the batch is submitted, from the blocks allocated to it, because the block metadata of
 * a batch may be cleaned up by a checkpoint before the batch's completion is seen.
 * {@link #batchListener()} must be called by the scheduler synchronously, before the batch's
 * completion is signalled, so that whoever waits for a batch sees the rates it led to.
 */
public final class ReceiverTracker {
    private static final Logger LOG = LoggerFactory.getLogger(ReceiverTracker.class);

    private final Map<Integer, ReceiverSupervisor> supervisors = new LinkedHashMap<>();
    private final Map<Integer, RateEstimator> estimators = new LinkedHashMap<>();
    private final Map<Long, Map<Integer, Long>> recordsByBatch = new ConcurrentHashMap<>();
    private final ReceivedBlockTracker tracker;
    private final ReceiverSettings settings;
    /** The group of the thread that started the context: stoppers must not belong to a receiver's group. */
    private final ThreadGroup contextGroup = Thread.currentThread().getThreadGroup();

    public ReceiverTracker(List<ReceiverInputDStream<?>> streams, ReceivedBlockStore store,
                           ReceivedBlockTracker tracker, long batchIntervalMs, ReceiverSettings settings,
                           ReceiverSupervisor.Events events) {
        this.tracker = tracker;
        this.settings = settings;
        for (ReceiverInputDStream<?> s : streams) {
            supervisors.put(s.id(), new ReceiverSupervisor(s.receiver(), s.id(), store, tracker, settings, events));
            if (settings.backpressure()) {
                estimators.put(s.id(), new PIDRateEstimator(batchIntervalMs, settings.pidProportional(),
                        settings.pidIntegral(), settings.pidDerived(), settings.pidMinRate()));
            }
        }
    }

    /** Whether there is any receiver. */
    public boolean isEmpty() {
        return supervisors.isEmpty();
    }

    public void start() {
        supervisors.values().forEach(ReceiverSupervisor::start);
    }

    /** Cuts every receiver's buffered records into durable blocks now. */
    public void flushAll() {
        supervisors.values().forEach(ReceiverSupervisor::flush);
    }

    /** The rate limit of a stream's receiver now (records per second, {@code Infinity}: none). */
    public OptionalDouble rateLimit(int streamId) {
        ReceiverSupervisor s = supervisors.get(streamId);
        return s == null ? OptionalDouble.empty() : OptionalDouble.of(s.rateLimit());
    }

    /**
     * The scheduler's hook into batch events that drives backpressure; does nothing without it.
     * Called on the scheduler's threads, in batch order.
     */
    public StreamingListener batchListener() {
        if (estimators.isEmpty()) {
            return new StreamingListener() {
            };
        }
        return new StreamingListener() {
            @Override
            public void onBatchSubmitted(BatchInfo batch) {
                Map<Integer, Long> counts = new LinkedHashMap<>();
                for (Integer id : estimators.keySet()) {
                    long n = 0;
                    for (ReceivedBlockInfo b : tracker.blocksOf(batch.batchTime(), id)) {
                        n += b.numRecords();
                    }
                    counts.put(id, n);
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
                    OptionalDouble rate = estimators.get(e.getKey()).compute(batch.processingEndTimeMs(),
                            e.getValue(), processing, scheduling);
                    if (rate.isPresent()) {
                        ReceiverSupervisor s = supervisors.get(e.getKey());
                        s.updateRate(rate.getAsDouble());
                        LOG.debug("Backpressure: stream {} rate {} records/s after batch {} ({} records in {} ms,"
                                        + " scheduling delay {} ms)", e.getKey(), s.rateLimit(), batch.batchTime(),
                                e.getValue(), processing, scheduling);
                    }
                }
            }
        };
    }

    /**
     * Stops every receiver, all at once (each waits at most the stop timeout for its threads);
     * buffered single records are stored first if {@code flush}.
     */
    public void stop(boolean flush) {
        List<Thread> stoppers = new ArrayList<>();
        for (ReceiverSupervisor s : supervisors.values()) {
            Thread t = new Thread(contextGroup, () -> {
                try {
                    s.stop(flush);
                } catch (RuntimeException e) {
                    LOG.warn("Stopping the receiver of stream {} failed: {}", s.streamId(), e.toString(), e);
                }
            }, "sluice-receiver-stopper-" + s.streamId());
            t.setDaemon(true);
            t.start();
            stoppers.add(t);
        }
        long waitMs = 2 * settings.stopTimeout().toMillis() + 5_000;
        for (Thread t : stoppers) {
            try {
                t.join(waitMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (t.isAlive()) {
                LOG.warn("{} did not finish within {} ms; continuing to stop the context", t.getName(), waitMs);
            }
        }
    }
}
