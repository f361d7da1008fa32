package io.sluice.internal.rate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.BatchInfo;
import io.sluice.Time;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The feed behind backpressure: counts are taken at submission (a checkpoint may drop a batch's
 * blocks before its completion is seen), each completed batch reaches each stream's estimator
 * once with that count and the batch's delays, and a new rate reaches the stream; failed
 * batches, unmeasured delays and unknown counts feed nothing.
 */
class RateFeedTest {

    /** An estimator that records its inputs and answers with the record count as the rate. */
    private static final class Recording implements RateEstimator {
        final List<long[]> calls = new ArrayList<>();

        @Override
        public OptionalDouble compute(long timeMs, long numRecords, long processingDelayMs, long schedulingDelayMs) {
            calls.add(new long[] {timeMs, numRecords, processingDelayMs, schedulingDelayMs});
            return OptionalDouble.of(numRecords);
        }
    }

    private static BatchInfo submitted(long t) {
        return new BatchInfo(new Time(t), 0, t + 5, -1, -1, Optional.empty());
    }

    private static BatchInfo completed(long t, Optional<Throwable> failure) {
        return new BatchInfo(new Time(t), 0, t + 5, t + 7, t + 40, failure);
    }

    @Test
    void countsAtSubmissionAndFeedsEachStreamOncePerCompletedBatch() {
        Map<Long, Long> counts = new HashMap<>(Map.of(1000L, 300L, 2000L, 500L));
        Recording a = new Recording();
        Recording b = new Recording();
        List<Double> pushedToA = new ArrayList<>();
        RateController ca = new RateController(a);
        RateController cb = new RateController(b);
        RateFeed feed = new RateFeed(List.of(
                new RateFeed.Fed(0, ca, t -> OptionalLong.of(counts.getOrDefault(t.milliseconds(), 0L)),
                        pushedToA::add),
                new RateFeed.Fed(1, cb, t -> t.milliseconds() == 1000 ? OptionalLong.of(7) : OptionalLong.empty(),
                        r -> { })));

        feed.onBatchSubmitted(submitted(1000));
        counts.clear(); // what a checkpoint's cleanup does to the blocks before the completion is seen
        feed.onBatchCompleted(completed(1000, Optional.empty()));

        assertEquals(1, a.calls.size());
        assertEquals(List.of(1040L, 300L, 33L, 2L), List.of(a.calls.get(0)[0], a.calls.get(0)[1],
                a.calls.get(0)[2], a.calls.get(0)[3]));
        assertEquals(List.of(300.0), pushedToA);
        assertEquals(OptionalDouble.of(300), ca.latestRate());
        assertEquals(1, b.calls.size());
        assertEquals(7L, b.calls.get(0)[1]);
        assertEquals(OptionalDouble.of(7), cb.latestRate());

        // Stream 1's count for 2000 is unknown: only stream 0 is fed. Completion seen twice feeds once.
        counts.put(2000L, 500L);
        feed.onBatchSubmitted(submitted(2000));
        feed.onBatchCompleted(completed(2000, Optional.empty()));
        feed.onBatchCompleted(completed(2000, Optional.empty()));
        assertEquals(2, a.calls.size());
        assertEquals(500L, a.calls.get(1)[1]);
        assertEquals(1, b.calls.size());
    }

    @Test
    void failedOrUnmeasuredOrUnsubmittedBatchesFeedNothing() {
        Recording a = new Recording();
        RateFeed feed = new RateFeed(List.of(new RateFeed.Fed(0, new RateController(a), t -> OptionalLong.of(10),
                r -> { })));
        feed.onBatchSubmitted(submitted(1000));
        feed.onBatchCompleted(completed(1000, Optional.of(new RuntimeException("job failed"))));
        feed.onBatchSubmitted(submitted(2000));
        feed.onBatchCompleted(new BatchInfo(new Time(2000), 0, 2005, -1, 2040, Optional.empty()));
        feed.onBatchCompleted(completed(3000, Optional.empty()));
        assertTrue(a.calls.isEmpty());
    }

    @Test
    void aStreamFedTwiceIsRefused() {
        RateController c = new RateController(new Recording());
        RateFeed.Fed f = new RateFeed.Fed(3, c, t -> OptionalLong.empty(), r -> { });
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RateFeed(List.of(f, f)));
        assertTrue(e.getMessage().contains("stream 3"));
        assertTrue(new RateFeed(List.of()).isEmpty());
    }
}
