package io.sluice.internal.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import io.sluice.SluiceException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/**
 * The arithmetic that bounds each partition's share of a batch, without a broker: worked
 * examples of Spark's rule (split by lag, cap, minimum) and its laws for any lags and rates.
 */
class PartitionBudgetTest {
    private static final OptionalDouble NONE = OptionalDouble.empty();

    private static Map<String, Long> lags(long... lags) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < lags.length; i++) {
            m.put("p" + i, lags[i]);
        }
        return m;
    }

    private static OptionalDouble rate(double r) {
        return OptionalDouble.of(r);
    }

    @Test
    void withoutRateOrCapABatchReadsEveryLag() {
        assertEquals(lags(12, 3, 0), new PartitionBudget(1000, 0, 1).split(lags(12, 3, 0), NONE));
    }

    @Test
    void withoutRateTheCapBoundsEachPartition() {
        // 5 records/s x 2 s.
        assertEquals(lags(10, 3, 0), new PartitionBudget(2000, 5, 1).split(lags(12, 3, 0), NONE));
    }

    @Test
    void theRateIsSplitInProportionToLag() {
        // 100 records/s x 2 s = 200 records, split 6:3:1.
        assertEquals(lags(120, 60, 20), new PartitionBudget(2000, 0, 1).split(lags(600, 300, 100), rate(100)));
    }

    @Test
    void aShareAboveTheCapIsCappedAndNotGivenToOthers() {
        // Shares 60, 30, 10 records/s; cap 20 records/s; x 2 s.
        assertEquals(lags(40, 40, 20), new PartitionBudget(2000, 20, 1).split(lags(600, 300, 100), rate(100)));
    }

    @Test
    void everyPartitionWithLagGetsAtLeastTheMinimum() {
        // Shares 9.97, 0.01, 0.02 records/s x 1 s: floors 9, 0, 0; the minimum of 1 record lifts the last two.
        assertEquals(lags(9, 1, 1, 0), new PartitionBudget(1000, 0, 1).split(lags(1000, 1, 2, 0), rate(10)));
        // minRatePerPartition 5 records/s x 2 s = 10 records, but never more than the lag.
        assertEquals(lags(19, 10, 3), new PartitionBudget(2000, 0, 5).split(lags(1000, 10, 3), rate(10)));
        // Short batches: 1 record/s x 0.5 s still moves one record.
        assertEquals(1, new PartitionBudget(500, 0, 1).minPerBatch());
    }

    @Test
    void inconsistentLimitsAreRefusedNamingBothKeys() {
        SluiceException e = assertThrows(SluiceException.class, () -> new PartitionBudget(1000, 5, 10));
        assertTrue(e.getMessage().contains(KafkaConfig.MIN_RATE_PER_PARTITION.name())
                && e.getMessage().contains(KafkaConfig.MAX_RATE_PER_PARTITION.name()), e.getMessage());
        assertThrows(SluiceException.class, () -> new PartitionBudget(1000, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new PartitionBudget(1000, 0, 1).split(lags(1), rate(0)));
    }

    @Test
    void hugeRatesSaturateInsteadOfOverflowing() {
        PartitionBudget b = new PartitionBudget(60_000, Long.MAX_VALUE / 2, 1);
        assertEquals(Long.MAX_VALUE, b.maxPerBatch());
        assertEquals(lags(Long.MAX_VALUE / 4, 7), b.split(lags(Long.MAX_VALUE / 4, 7), rate(1e30)));
    }

    /** Lags (some zero), an optional rate, a cap (0 = none), a minimum and a batch duration. */
    @Test
    void lawsOfTheSplit() {
        qt().withExamples(2000)
                .forAll(lists().of(longs().between(0, 1_000_000)).ofSizeBetween(1, 8),
                        doubles().between(-1, 1_000_000),
                        // {cap, minimum}, the minimum never above a cap.
                        longs().between(0, 5_000).zip(longs().between(1, 50),
                                (c, m) -> new long[] {c, c == 0 ? m : Math.min(c, m)}),
                        integers().between(1, 20_000))
                .checkAssert((lagList, r, limits, ms) -> {
                    long max = limits[0];
                    long min = limits[1];
                    Map<String, Long> lags = new LinkedHashMap<>();
                    for (int i = 0; i < lagList.size(); i++) {
                        lags.put("p" + i, lagList.get(i));
                    }
                    OptionalDouble rate = r < 1 ? NONE : OptionalDouble.of(r);
                    PartitionBudget b = new PartitionBudget(ms, max, min);
                    Map<String, Long> got = b.split(lags, rate);
                    assertEquals(List.copyOf(lags.keySet()), List.copyOf(got.keySet()), "same partitions, same order");
                    long minBatch = b.minPerBatch();
                    long sumAboveMin = 0;
                    for (String p : lags.keySet()) {
                        long lag = lags.get(p);
                        long n = got.get(p);
                        assertTrue(n >= 0 && n <= lag, "within the lag: " + n + " of " + lag);
                        assertTrue(n >= Math.min(lag, minBatch), "at least the minimum: " + n + " of " + lag);
                        if (max > 0) {
                            assertTrue(n <= b.maxPerBatch(), "at most the cap: " + n);
                        }
                        if (rate.isEmpty() && max == 0) {
                            assertEquals(lag, n, "no bound: the whole lag");
                        }
                        if (n > minBatch) {
                            sumAboveMin += n;
                        }
                        for (String q : lags.keySet()) {
                            if (lags.get(q) >= lag) {
                                assertTrue(got.get(q) >= n, "more lag, no fewer records: " + got + " for " + lags);
                            }
                        }
                    }
                    if (rate.isPresent()) {
                        double budget = rate.getAsDouble() * ms / 1000.0;
                        assertTrue(sumAboveMin <= budget * (1 + 1e-9) + 1e-9,
                                "the partitions above the minimum share at most rate x batch: " + got
                                        + " for " + lags + " at " + rate + " over " + ms + " ms");
                    }
                });
    }
}
