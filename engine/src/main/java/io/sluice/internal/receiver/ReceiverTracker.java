package io.sluice.internal.receiver;

import io.sluice.internal.dstream.ReceiverInputDStream;
import io.sluice.internal.rate.PIDRateEstimator;
import io.sluice.internal.rate.RateController;
import io.sluice.internal.rate.RateFeed;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts, flushes and stops the supervisors of every receiver input stream of a context, each
 * receiver on threads of its own, and with backpressure adapts every receiver's rate after each
 * completed batch (each stream with a {@link RateController}, fed by the context's
 * {@link RateFeed} from {@link #rateFeeds()}).
 */
public final class ReceiverTracker {
    private static final Logger LOG = LoggerFactory.getLogger(ReceiverTracker.class);

    private final Map<Integer, ReceiverSupervisor> supervisors = new LinkedHashMap<>();
    private final Map<Integer, RateController> controllers = new LinkedHashMap<>();
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
                controllers.put(s.id(), new RateController(new PIDRateEstimator(batchIntervalMs,
                        settings.pidProportional(), settings.pidIntegral(), settings.pidDerived(),
                        settings.pidMinRate())));
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
     * The streams whose rate backpressure adapts (none without it): each receiver's record count
     * per batch is the sum over the blocks allocated to it, and each new rate goes to its
     * limiter (capped by maxRate).
     */
    public List<RateFeed.Fed> rateFeeds() {
        List<RateFeed.Fed> feeds = new ArrayList<>();
        for (Map.Entry<Integer, RateController> e : controllers.entrySet()) {
            int id = e.getKey();
            ReceiverSupervisor s = supervisors.get(id);
            feeds.add(new RateFeed.Fed(id, e.getValue(), time -> {
                long n = 0;
                for (ReceivedBlockInfo b : tracker.blocksOf(time, id)) {
                    n += b.numRecords();
                }
                return OptionalLong.of(n);
            }, s::updateRate));
        }
        return feeds;
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
