package io.sluice.internal.kafka;

import io.sluice.SluiceException;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * How many records each partition gives one batch of a direct Kafka stream: the rate limits of
 * Spark's {@code DirectKafkaInputDStream.maxMessagesPerPartition}, as pure arithmetic.
 *
 * <h2>The rule, and why</h2>
 * Given each partition's lag (end offset minus the stream's next offset) and, with backpressure,
 * the stream's rate R (records per second for the whole stream: the latest PID estimate, else
 * {@code backpressure.initialRate}):
 * <pre>
 *   share(p)  = R * lag(p) / totalLag                 records/s; the partitions furthest behind get most
 *   rate(p)   = min(share(p), maxRatePerPartition)    when maxRatePerPartition is set
 *   limit(p)  = max(minPerBatch, floor(rate(p) * batchSeconds))
 *   records(p) = min(lag(p), limit(p))
 * </pre>
 * Without R, {@code rate(p) = maxRatePerPartition}; with neither, a batch reads each whole lag.
 * {@code minPerBatch = max(1, floor(minRatePerPartition * batchSeconds))}: every partition with
 * lag advances by at least one record per batch, so a rate split thinly over many partitions
 * never stalls one of them. As in Spark, the part of a share above the cap is not given to other
 * partitions, and flooring makes the records of a batch at most {@code R * batchSeconds} plus
 * {@code minPerBatch} for each partition the minimum raised.
 *
 * <p>Spark documents {@code minRatePerPartition} as records per second but compares it with
 * records per batch; here it is records per second, like {@code maxRatePerPartition}.
 *
 * @param batchMs the batch duration in milliseconds
 * @param maxRatePerPartition records per second per partition at most, 0 for no cap
 * @param minRatePerPartition records per second per partition at least (while it has lag)
 */
public record PartitionBudget(long batchMs, long maxRatePerPartition, long minRatePerPartition) {
    private static final BigInteger THOUSAND = BigInteger.valueOf(1000);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    /**
     * @throws SluiceException if the batch duration is not positive, a rate is out of range, or
     *     the minimum exceeds the cap (naming the keys)
     */
    public PartitionBudget {
        if (batchMs <= 0) {
            throw new SluiceException("The batch duration must be positive, got " + batchMs + " ms");
        }
        if (maxRatePerPartition < 0) {
            throw new SluiceException("Invalid value [" + maxRatePerPartition + "] for configuration key ["
                    + KafkaConfig.MAX_RATE_PER_PARTITION.name() + "]: expected an integer >= 0");
        }
        if (minRatePerPartition < 1) {
            throw new SluiceException("Invalid value [" + minRatePerPartition + "] for configuration key ["
                    + KafkaConfig.MIN_RATE_PER_PARTITION.name() + "]: expected an integer >= 1");
        }
        if (maxRatePerPartition > 0 && minRatePerPartition > maxRatePerPartition) {
            throw new SluiceException("[" + KafkaConfig.MIN_RATE_PER_PARTITION.name() + "] = " + minRatePerPartition
                    + " is above [" + KafkaConfig.MAX_RATE_PER_PARTITION.name() + "] = " + maxRatePerPartition
                    + ": a partition cannot be read at least faster than at most; lower the minimum or raise"
                    + " the maximum");
        }
    }

    /** The fewest records a partition with lag gives a batch. */
    public long minPerBatch() {
        return Math.max(1, perBatch(minRatePerPartition));
    }

    /** The most records a partition gives a batch without backpressure, 0 for no cap. */
    public long maxPerBatch() {
        return maxRatePerPartition == 0 ? 0 : Math.max(minPerBatch(), perBatch(maxRatePerPartition));
    }

    /**
     * How many records each partition gives the batch.
     *
     * @param lags each partition's lag (records between the stream's next offset and the end
     *     offset), in the order the result should iterate
     * @param streamRate with backpressure, the stream's rate in records per second (positive);
     *     empty without backpressure or before any estimate and initial rate
     * @return per partition, a count between {@code min(lag, minPerBatch())} and the lag
     * @throws IllegalArgumentException if a lag is negative or the rate is not positive
     */
    public <P> Map<P, Long> split(Map<P, Long> lags, OptionalDouble streamRate) {
        if (streamRate.isPresent() && !(streamRate.getAsDouble() > 0)) {
            throw new IllegalArgumentException("The stream rate must be positive, got " + streamRate.getAsDouble());
        }
        double totalLag = 0;
        for (long lag : lags.values()) {
            if (lag < 0) {
                throw new IllegalArgumentException("Negative lag " + lag + " in " + lags + "; this is a bug");
            }
            totalLag += lag;
        }
        long min = minPerBatch();
        long capped = maxPerBatch();
        Map<P, Long> out = new LinkedHashMap<>();
        for (Map.Entry<P, Long> e : lags.entrySet()) {
            long lag = e.getValue();
            long limit;
            if (lag == 0) {
                limit = 0;
            } else if (streamRate.isPresent()) {
                double share = streamRate.getAsDouble() * (lag / totalLag);
                // The cap is applied to the exact integer figure, so rounding never lifts a share above it.
                limit = maxRatePerPartition > 0 && share >= maxRatePerPartition
                        ? capped
                        : Math.max(min, (long) Math.floor(share * batchMs / 1000.0));
                if (capped > 0) {
                    limit = Math.min(limit, capped);
                }
            } else {
                limit = capped == 0 ? lag : capped;
            }
            out.put(e.getKey(), Math.min(lag, limit));
        }
        return out;
    }

    /** floor(rate x batchMs / 1000), exactly, saturating at Long.MAX_VALUE. */
    private long perBatch(long ratePerSecond) {
        return BigInteger.valueOf(ratePerSecond).multiply(BigInteger.valueOf(batchMs)).divide(THOUSAND)
                .min(LONG_MAX).longValueExact();
    }
}
