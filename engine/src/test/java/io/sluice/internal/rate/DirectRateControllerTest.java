package io.sluice.internal.rate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.RDD;
import io.sluice.SluiceConf;
import io.sluice.StreamingContext;
import io.sluice.Time;
import io.sluice.internal.dstream.DirectInputDStream;
import io.sluice.internal.receiver.InputPlan;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The engine's hook for direct inputs that adapt their rate: a direct input's
 * {@link RateController} is given every completed batch with the record count of that stream's
 * plan and the batch's delays, in batch order, before the batch counts as completed, so the
 * next batch is planned with the rate the previous one led to. No Kafka needed: a direct input
 * of this test plans as many records as the latest rate allows.
 */
class DirectRateControllerTest {
    private static final Duration BATCH = Duration.ofSeconds(1);

    /** What the estimator was given: {numRecords, processingDelayMs, schedulingDelayMs}. */
    private static final List<long[]> FED = new CopyOnWriteArrayList<>();

    /** Rate = 10 x the batch number fed so far, to tell the estimates apart. */
    private static final class CountingEstimator implements RateEstimator {
        @Override
        public OptionalDouble compute(long timeMs, long numRecords, long processingDelayMs, long schedulingDelayMs) {
            FED.add(new long[] {numRecords, processingDelayMs, schedulingDelayMs});
            return OptionalDouble.of(10.0 * FED.size());
        }
    }

    /** Plans min(rate, 1000) numbers per batch (7 before any estimate); a batch of 0 numbers is empty. */
    private static final class Sized extends DirectInputDStream<Long, Sized.Range> {
        record Range(long from, long until) implements Serializable {
        }

        private final RateController controller = new RateController(new CountingEstimator());
        private final List<Long> planned = new CopyOnWriteArrayList<>();
        private long next;

        Sized(StreamingContext ssc) {
            super(ssc);
        }

        @Override
        public Optional<RateController> rateController() {
            return Optional.of(controller);
        }

        @Override
        public void resume(Serializable positionAfterLastBatch) {
            next = positionAfterLastBatch == null ? 0 : (Long) positionAfterLastBatch;
        }

        @Override
        public InputPlan plan(Time time) {
            OptionalDouble rate = controller.latestRate();
            long n = rate.isPresent() ? (long) Math.min(rate.getAsDouble(), 1000) : 7;
            Range r = new Range(next, next + n);
            next = r.until();
            planned.add(n);
            return new InputPlan(r, next, n);
        }

        @Override
        protected RDD<Long> read(Time time, Range plan) {
            List<Long> values = new ArrayList<>();
            LongStream.range(plan.from(), plan.until()).forEach(values::add);
            return ssc.parallelize(values, 1);
        }
    }

    @Test
    void eachCompletedBatchFeedsTheControllerBeforeTheNextIsPlanned() throws Exception {
        FED.clear();
        SluiceConf conf = new SluiceConf(false).setMaster("local[2]").setAppName("direct-rate")
                .set("sluice.streaming.clock", "manual");
        List<Long> counted = new CopyOnWriteArrayList<>();
        Sized stream;
        try (StreamingContext ssc = new StreamingContext(conf, BATCH)) {
            stream = new Sized(ssc);
            stream.map(v -> {
                if (v == 0) {
                    Thread.sleep(3);    // a measurable processing delay in the first batch
                }
                return v;
            }).foreachRDD(rdd -> {
                counted.add(rdd.count());
            });
            ssc.start();
            for (int i = 0; i < 4; i++) {
                Time t = ssc.manualClock().advance(BATCH);
                assertTrue(ssc.awaitBatchCompletion(t, Duration.ofSeconds(30)));
            }
        }
        // Batch 1 at the stream's own default; batch n+1 at the estimate batch n gave (10 x n).
        assertEquals(List.of(7L, 10L, 20L, 30L), stream.planned);
        assertEquals(stream.planned, counted);
        assertEquals(4, FED.size(), "one feed per completed batch");
        for (int i = 0; i < 4; i++) {
            assertEquals(stream.planned.get(i), FED.get(i)[0], "the plan's record count of batch " + (i + 1));
            assertTrue(FED.get(i)[1] >= 0 && FED.get(i)[2] >= 0, "measured delays");
        }
        assertTrue(FED.get(0)[1] >= 3, "the first batch's processing delay includes its sleep: " + FED.get(0)[1]);
        assertEquals(OptionalDouble.of(40.0), stream.rateController().orElseThrow().latestRate());
    }

    @Test
    void backpressureOffGivesNoControllerAndOnGivesAPidOne() {
        SluiceConf off = new SluiceConf(false);
        assertTrue(RateController.forBackpressure(off, BATCH).isEmpty());
        SluiceConf on = new SluiceConf(false).set("sluice.streaming.backpressure.enabled", "true");
        RateController c = RateController.forBackpressure(on, BATCH).orElseThrow();
        assertTrue(c.latestRate().isEmpty());
        // Spark's PID: the first batch only records the processing rate, the second gives an estimate.
        assertTrue(c.onBatchCompleted(1_000, 100, 100, 0).isEmpty());
        assertEquals(OptionalDouble.of(1000.0), c.onBatchCompleted(2_000, 100, 100, 0));
        assertEquals(OptionalDouble.of(1000.0), c.latestRate());
    }
}
