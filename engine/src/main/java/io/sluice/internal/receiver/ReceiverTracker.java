package io.sluice.internal.receiver;

import io.sluice.internal.dstream.ReceiverInputDStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Starts, flushes and stops the supervisors of every receiver input stream of a context. */
public final class ReceiverTracker {
    private final List<ReceiverSupervisor> supervisors = new ArrayList<>();

    public ReceiverTracker(List<ReceiverInputDStream<?>> streams, ReceivedBlockStore store,
                           ReceivedBlockTracker tracker, Duration blockInterval, boolean blockTimer,
                           Duration restartDelay, ReceiverSupervisor.Events events) {
        for (ReceiverInputDStream<?> s : streams) {
            supervisors.add(new ReceiverSupervisor(s.receiver(), s.id(), store, tracker, blockInterval,
                    blockTimer, restartDelay, events));
        }
    }

    /** Whether there is any receiver. */
    public boolean isEmpty() {
        return supervisors.isEmpty();
    }

    public void start() {
        supervisors.forEach(ReceiverSupervisor::start);
    }

    /** Cuts every receiver's buffered records into durable blocks now. */
    public void flushAll() {
        supervisors.forEach(ReceiverSupervisor::flush);
    }

    /** Stops every receiver; buffered single records are stored first if {@code flush}. */
    public void stop(boolean flush) {
        supervisors.forEach(s -> s.stop(flush));
    }
}
