package io.sluice.internal.rate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/**
 * The PID estimator against Spark's documented behaviour (the cases of Spark's
 * PIDRateEstimatorSuite, re-derived from the algorithm): no estimate on the first batch, none
 * without time passing, records or processing delay; never below minRate; follows the processing
 * rate when nothing is queued; stays below it while a backlog exists.
 */
class PIDRateEstimatorTest {
    private static final long BATCH_MS = 100;

    private static PIDRateEstimator defaults() {
        return new PIDRateEstimator(BATCH_MS, 1.0, 0.2, 0.0, 100);
    }

    @Test
    void firstEstimateIsEmpty() {
        assertTrue(defaults().compute(10, 10, 10, 0).isEmpty());
    }

    @Test
    void secondEstimateIsPresent() {
        PIDRateEstimator p = defaults();
        p.compute(10, 100, 10, 0);
        assertTrue(p.compute(20, 100, 10, 0).isPresent());
    }

    @Test
    void noEstimateWithoutTimePassingBetweenCalls() {
        PIDRateEstimator p = defaults();
        p.compute(10, 100, 10, 0);
        assertTrue(p.compute(10, 100, 10, 0).isEmpty(), "same time");
        assertTrue(p.compute(5, 100, 10, 0).isEmpty(), "earlier time");
        assertTrue(p.compute(11, 100, 10, 0).isPresent());
    }

    @Test
    void noEstimateWithoutRecords() {
        PIDRateEstimator p = defaults();
        p.compute(10, 100, 10, 0);
        assertTrue(p.compute(20, 0, 10, 0).isEmpty());
        assertTrue(p.compute(30, 100, 10, 0).isPresent());
    }

    @Test
    void noEstimateWithoutProcessingDelay() {
        PIDRateEstimator p = defaults();
        p.compute(10, 100, 10, 0);
        assertTrue(p.compute(20, 100, 0, 0).isEmpty());
        assertTrue(p.compute(30, 100, 10, 0).isPresent());
    }

    @Test
    void aBatchWithoutRecordsDoesNotCountAsTheFirstRun() {
        PIDRateEstimator p = defaults();
        assertTrue(p.compute(10, 0, 10, 0).isEmpty());
        assertTrue(p.compute(20, 100, 10, 0).isEmpty(), "this is the first qualifying batch");
        assertTrue(p.compute(30, 100, 10, 0).isPresent());
    }

    @Test
    void neverBelowMinRateEvenWithHugeSchedulingDelays() {
        PIDRateEstimator p = new PIDRateEstimator(BATCH_MS, 1.0, 1.0, 0.0, 10);
        p.compute(0, 1, 1000, 0);
        for (int i = 1; i <= 20; i++) {
            OptionalDouble r = p.compute(i * 100L, 1, 1000, 1_000_000);
            assertEquals(10.0, r.orElseThrow(), 1e-9, "batch " + i);
        }
    }

    /** Invariant: whatever the measurements, an estimate is never below minRate. */
    @Test
    void propertyEstimatesAreNeverBelowMinRate() {
        qt().withExamples(300).forAll(lists().of(integers().between(0, 100_000)).ofSizeBetween(3, 60),
                integers().between(1, 1000)).checkAssert((samples, minRate) -> {
            PIDRateEstimator p = new PIDRateEstimator(BATCH_MS, 1.0, 0.2, 0.5, minRate);
            long time = 0;
            for (int i = 0; i + 2 < samples.size(); i += 3) {
                time += 1 + samples.get(i) % 1000;
                OptionalDouble r = p.compute(time, samples.get(i), samples.get(i + 1) % 5000, samples.get(i + 2));
                if (r.isPresent()) {
                    assertTrue(r.getAsDouble() >= minRate, r + " < " + minRate);
                }
            }
        });
    }

    @Test
    void withNoBacklogAndNoErrorItFollowsTheProcessingRate() {
        PIDRateEstimator p = defaults();
        // 1000 records in 100 ms: 10,000 records/s, no scheduling delay.
        p.compute(0, 1000, 100, 0);
        for (int i = 1; i <= 5; i++) {
            assertEquals(10_000.0, p.compute(i * 100L, 1000, 100, 0).orElseThrow(), 1e-6);
        }
    }

    @Test
    void slowerProcessingLowersTheRateToTheProcessingRate() {
        PIDRateEstimator p = defaults();
        p.compute(0, 1000, 100, 0);                              // 10,000/s
        double slowed = p.compute(100, 1000, 200, 0).orElseThrow(); // now 5,000/s
        assertEquals(5_000.0, slowed, 1e-6, "kp = 1: the rate jumps to the processing rate");
        double faster = p.compute(200, 1000, 50, 0).orElseThrow(); // now 20,000/s
        assertEquals(20_000.0, faster, 1e-6, "and rises back when processing is faster");
    }

    @Test
    void aBacklogKeepsTheRateBelowTheProcessingRate() {
        PIDRateEstimator p = defaults();
        p.compute(0, 1000, 100, 0);
        // 10,000/s and the batch waited 50 ms (half a batch): the integral term removes
        // 0.2 * 50 * 10,000 / 100 = 1,000 records/s.
        double r = p.compute(100, 1000, 100, 50).orElseThrow();
        assertEquals(9_000.0, r, 1e-6);
        assertTrue(r < 10_000.0);
    }

    @Test
    void theDerivativeTermReactsToAChangingError() {
        PIDRateEstimator p = new PIDRateEstimator(BATCH_MS, 0.0, 0.0, 1.0, 1);
        p.compute(0, 1000, 100, 0);                             // latestRate 10,000, latestError 0
        // processing 5,000/s: error = 10,000 - 5,000 = 5,000 over 0.1 s: dError = 50,000
        // newRate = max(1, 10,000 - 50,000) = 1.
        assertEquals(1.0, p.compute(100, 1000, 200, 0).orElseThrow(), 1e-9);
    }

    @Test
    void rejectsInvalidParametersNamingTheKey() {
        assertThrows(IllegalArgumentException.class, () -> new PIDRateEstimator(0, 1, 0.2, 0, 100));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PIDRateEstimator(100, -1, 0.2, 0, 100));
        assertTrue(e.getMessage().contains("pid.proportional"), e.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new PIDRateEstimator(100, 1, -0.2, 0, 100))
                .getMessage().contains("pid.integral"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new PIDRateEstimator(100, 1, 0.2, -1, 100))
                .getMessage().contains("pid.derived"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new PIDRateEstimator(100, 1, 0.2, 0, 0))
                .getMessage().contains("pid.minRate"));
        assertFalse(new PIDRateEstimator(100, 0, 0, 0, 1).compute(1, 1, 1, 0).isPresent());
    }
}
