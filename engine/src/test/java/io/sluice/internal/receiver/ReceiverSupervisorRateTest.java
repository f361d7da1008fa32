package io.sluice.internal.receiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.Receiver;
import io.sluice.ReceiverInfo;
import io.sluice.SluiceConf;
import io.sluice.StorageLevel;
import io.sluice.internal.rate.TimeSource;
import io.sluice.internal.storage.serde.KryoSerializer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * maxRate is enforced in the supervisor's store path, for single records and whole blocks,
 * measured on a fake clock whose time moves only while the limiter makes the receiver wait.
 */
class ReceiverSupervisorRateTest {

    /** Time moves only when a thread sleeps on it. */
    private static final class FakeTime implements TimeSource {
        private long now;

        @Override
        public synchronized long nanoTime() {
            return now;
        }

        @Override
        public synchronized void sleepNanos(long nanos) {
            now += nanos;
        }

        synchronized double seconds() {
            return now / 1e9;
        }
    }

    private static final class Manual extends Receiver<Integer> {
        private static final long serialVersionUID = 1L;

        Manual() {
            super(StorageLevel.MEMORY_ONLY);
        }

        @Override
        public void onStart() {
        }

        @Override
        public void onStop() {
        }
    }

    private static final ReceiverSupervisor.Events NO_EVENTS = new ReceiverSupervisor.Events() {
        @Override
        public void receiverStarted(ReceiverInfo info) {
        }

        @Override
        public void receiverError(ReceiverInfo info) {
        }

        @Override
        public void receiverStopped(ReceiverInfo info) {
        }

        @Override
        public void fatalError(Throwable error) {
            throw new AssertionError(error);
        }
    };

    private static ReceiverSupervisor supervisor(Receiver<?> r, SluiceConf conf, FakeTime time) {
        KryoSerializer ser = new KryoSerializer();
        ReceivedBlockTracker tracker = new ReceivedBlockTracker(null, ser);
        ReceivedBlockStore store = new ReceivedBlockStore(ser, tracker, null);
        return new ReceiverSupervisor(r, 0, store, tracker, ReceiverSettings.from(conf, false).withRateTime(time),
                NO_EVENTS);
    }

    @Test
    void maxRateThrottlesSingleRecordsAndBlocks() {
        FakeTime time = new FakeTime();
        Manual r = new Manual();
        supervisor(r, new SluiceConf(false).set("sluice.streaming.receiver.maxRate", "100"), time);
        assertEquals(100.0, r.currentRateLimit());
        for (int i = 0; i < 1000; i++) {
            r.store(i);
        }
        assertEquals(10.0, time.seconds(), 0.01, "1000 single records at 100/s");
        List<Integer> block = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            block.add(i);
        }
        r.store(block);
        r.store(block.iterator());
        assertEquals(20.0, time.seconds(), 0.01, "two blocks of 500 at 100/s: 10 s more");
    }

    @Test
    void noMaxRateMeansNoWaiting() {
        FakeTime time = new FakeTime();
        Manual r = new Manual();
        supervisor(r, new SluiceConf(false), time);
        assertTrue(Double.isInfinite(r.currentRateLimit()));
        for (int i = 0; i < 100_000; i++) {
            r.store(i);
        }
        assertEquals(0.0, time.seconds());
    }

    @Test
    void backpressureStartsAtTheInitialRateCappedByMaxRateAndUpdatesStayCapped() {
        FakeTime time = new FakeTime();
        Manual r = new Manual();
        ReceiverSupervisor s = supervisor(r, new SluiceConf(false)
                .set("sluice.streaming.backpressure.enabled", "true")
                .set("sluice.streaming.backpressure.initialRate", "5000")
                .set("sluice.streaming.receiver.maxRate", "2000"), time);
        assertEquals(2000.0, r.currentRateLimit(), "initialRate is capped by maxRate");
        s.updateRate(150);
        assertEquals(150.0, r.currentRateLimit());
        s.updateRate(1e9);
        assertEquals(2000.0, r.currentRateLimit(), "an estimate never exceeds maxRate");
        s.updateRate(0);
        assertEquals(2000.0, r.currentRateLimit(), "a non-positive estimate is ignored");

        Manual unlimited = new Manual();
        supervisor(unlimited, new SluiceConf(false).set("sluice.streaming.backpressure.enabled", "true"
        ).set("sluice.streaming.backpressure.initialRate", "300"), time);
        assertEquals(300.0, unlimited.currentRateLimit(), "initialRate without maxRate");
    }
}
