package io.sluice.internal.rdd;

import io.sluice.internal.util.Iterators;
import java.util.Collections;
import java.util.Iterator;
import java.util.SplittableRandom;

/**
 * Samples one partition, as Spark's {@code sample}: without replacement, each record is kept
 * with probability {@code fraction} (Bernoulli); with replacement, each record appears a
 * Poisson({@code fraction}) number of times. The random stream depends only on the seed and the
 * partition index, so recomputing a partition gives the same sample.
 */
public final class PartitionSampler {
    /** Poisson draws are made in chunks of at most this mean, where Knuth's method is exact. */
    private static final double MAX_CHUNK_MEAN = 16.0;

    private PartitionSampler() {
    }

    /**
     * Checks the arguments of {@code sample} as Spark does.
     *
     * @throws IllegalArgumentException if {@code fraction} is negative or not a number, or above
     *     1 without replacement
     */
    public static void validate(boolean withReplacement, double fraction) {
        if (!(fraction >= 0) || Double.isInfinite(fraction)) {
            throw new IllegalArgumentException("sample fraction must be a finite number >= 0, got " + fraction);
        }
        if (!withReplacement && fraction > 1) {
            throw new IllegalArgumentException("sample fraction without replacement is a probability and must be in "
                    + "[0, 1], got " + fraction + "; sample with replacement to draw records more than once");
        }
    }

    /** The sample of partition {@code partition}; lazy, one random draw per input record. */
    public static <T> Iterator<T> sample(Iterator<T> in, int partition, boolean withReplacement, double fraction,
                                         long seed) {
        // Distinct streams per partition: SplittableRandom mixes its seed, so adjacent seeds are fine.
        SplittableRandom random = new SplittableRandom(seed + 0x9E3779B97F4A7C15L * (partition + 1L));
        if (!withReplacement) {
            return Iterators.filter(in, t -> random.nextDouble() < fraction);
        }
        return Iterators.flatMap(in, t -> {
            int copies = poisson(random, fraction);
            return copies == 0 ? Collections.emptyIterator() : Collections.nCopies(copies, t).iterator();
        });
    }

    /** A Poisson draw: Knuth's multiplication method, over chunks so that exp(-mean) never underflows. */
    static int poisson(SplittableRandom random, double mean) {
        int total = 0;
        double remaining = mean;
        while (remaining > 0) {
            double chunk = Math.min(remaining, MAX_CHUNK_MEAN);
            remaining -= chunk;
            double limit = Math.exp(-chunk);
            double product = random.nextDouble();
            while (product > limit) {
                total++;
                product *= random.nextDouble();
            }
        }
        return total;
    }
}
