package io.sluice.benchmarks.endtoend;

import java.util.Arrays;
import java.util.List;

/** Percentiles: plain (nearest rank) and weighted. */
public final class Stats {
    private Stats() {
    }

    /** The {@code q}-quantile (0..1) of {@code values} by nearest rank, or NaN if empty. */
    public static double percentile(List<? extends Number> values, double q) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] a = values.stream().mapToDouble(Number::doubleValue).sorted().toArray();
        int rank = (int) Math.ceil(q * a.length);
        return a[Math.max(0, Math.min(a.length - 1, rank - 1))];
    }

    /**
     * The {@code q}-quantile of samples {@code v[i]} of weight {@code w[i]}: the smallest value
     * whose cumulative weight reaches {@code q} of the total, or NaN if there is no weight.
     */
    public static double weightedPercentile(double[] v, double[] w, int n, double q) {
        Integer[] idx = new Integer[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            idx[i] = i;
            total += w[i];
        }
        if (total <= 0) {
            return Double.NaN;
        }
        Arrays.sort(idx, (a, b) -> Double.compare(v[a], v[b]));
        double acc = 0;
        for (Integer i : idx) {
            acc += w[i];
            if (acc >= q * total) {
                return v[i];
            }
        }
        return v[idx[n - 1]];
    }
}
