package io.sluice.benchmarks.endtoend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void percentileByNearestRank() {
        List<Integer> v = List.of(5, 1, 4, 2, 3);
        assertEquals(3, Stats.percentile(v, 0.5));
        assertEquals(5, Stats.percentile(v, 0.99));
        assertEquals(1, Stats.percentile(v, 0.0));
        assertEquals(Double.NaN, Stats.percentile(List.<Integer>of(), 0.5));
    }

    @Test
    void aHeavySampleDominatesTheWeightedMedian() {
        double[] v = {10, 1000};
        double[] w = {1, 99};
        assertEquals(1000, Stats.weightedPercentile(v, w, 2, 0.5));
        assertEquals(10, Stats.weightedPercentile(v, w, 2, 0.01));
    }

    @Test
    void equalWeightsGiveThePlainPercentile() {
        qt().forAll(lists().of(doubles().between(-1e6, 1e6)).ofSizeBetween(1, 200), doubles().between(0.01, 1.0))
                .checkAssert((values, q) -> {
                    double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
                    double[] w = new double[v.length];
                    java.util.Arrays.fill(w, 1.0);
                    assertEquals(Stats.percentile(values, q), Stats.weightedPercentile(v, w, v.length, q));
                });
    }
}
