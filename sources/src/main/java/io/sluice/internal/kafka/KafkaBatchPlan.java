package io.sluice.internal.kafka;

import io.sluice.kafka.OffsetRange;
import java.io.Serializable;
import java.util.Arrays;

/**
 * What one batch of a direct Kafka stream reads: one offset range per partition, ordered by
 * topic and partition. Logged with the batch's allocation (an array, not a list, so the engine's
 * serializer needs no reflective access to JDK collections).
 */
public record KafkaBatchPlan(OffsetRange[] ranges) implements Serializable {

    /** The records the ranges cover (an upper bound on compacted or transactional topics). */
    public long count() {
        long n = 0;
        for (OffsetRange r : ranges) {
            n += r.count();
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KafkaBatchPlan p && Arrays.equals(ranges, p.ranges);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ranges);
    }

    @Override
    public String toString() {
        return Arrays.toString(ranges);
    }
}
