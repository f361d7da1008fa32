package io.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Backpressure end to end: when processing is slowed artificially the receiver's rate limit
 * drops to about the processing rate, and when the slowdown is removed it rises again, never
 * above maxRate. Asserted on the limiter's rate after each batch (which the engine updates
 * before the batch counts as completed), not on wall-clock throughput.
 *
 * <p>Why the bounds hold on a loaded machine: every batch holds 200 records in one block, so
 * one partition, processed by one thread. While slowed, each record sleeps at least 2 ms, so
 * the processing rate is at most 500 records/s, and with the default gains the estimate is the
 * processing rate minus a backlog term: at most 500. Once fast, 200 records are mapped in well
 * under 40 ms even on a busy machine, so the estimate is above 5,000 records/s.
 */
class BackpressureTest {
    private static final Duration BATCH = Duration.ofSeconds(1);
    private static final int RECORDS = 200;

    @Test
    void ingestionRateDropsWhenProcessingSlowsAndRecoversAfterwards() throws Exception {
        SluiceConf conf = new SluiceConf(false).setMaster("local[2]").setAppName("backpressure")
                .set("sluice.streaming.clock", "manual")
                .set("sluice.streaming.backpressure.enabled", "true")
                .set("sluice.streaming.backpressure.initialRate", "100000")
                .set("sluice.streaming.receiver.maxRate", "50000");
        AtomicBoolean slow = new AtomicBoolean(false);
        TestReceiver<Integer> receiver = new TestReceiver<>();
        List<Double> rates = new ArrayList<>();
        try (StreamingContext ssc = new StreamingContext(conf, BATCH)) {
            ssc.receiverStream(receiver).map(i -> {
                if (slow.get() || i == 0) {
                    // Slowed: 2 ms per record. Fast: 2 ms once per batch, so the processing
                    // delay is never 0 ms (the estimator ignores batches without one).
                    Thread.sleep(2);
                }
                return i;
            }).foreachRDD(rdd -> {
                rdd.count();
            });
            ssc.start();
            receiver.awaitStarted();
            assertEquals(50_000.0, receiver.currentRateLimit(), "initialRate capped by maxRate");
            List<Integer> block = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                block.add(i);
            }
            boolean[] phases = {false, false, true, true, true, true, false, false, false};
            for (boolean s : phases) {
                slow.set(s);
                receiver.store(block);
                Time t = ssc.manualClock().advance(BATCH);
                assertTrue(ssc.awaitBatchCompletion(t, Duration.ofSeconds(30)));
                rates.add(receiver.currentRateLimit());
            }
        }
        assertEquals(50_000.0, rates.get(0), "no estimate after the first batch: " + rates);
        double slowed = rates.get(5);
        assertTrue(slowed <= 500.0, "slowed processing lowers the rate to at most 500/s: " + rates);
        assertTrue(slowed >= 100.0, "never below pid.minRate: " + rates);
        double recovered = rates.get(8);
        assertTrue(recovered > 5_000.0, "the rate recovers once processing is fast again: " + rates);
        assertTrue(rates.stream().allMatch(r -> r <= 50_000.0), "never above maxRate: " + rates);
    }
}
