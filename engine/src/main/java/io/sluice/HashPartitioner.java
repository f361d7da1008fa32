package io.sluice;

import java.io.Serializable;

/**
 * Hash partitioning by the key's {@code hashCode()} into a number of partitions, as Spark's
 * {@code HashPartitioner}; accepted where Spark's Java API takes a partitioner. Keys whose hash
 * code is not stable across JVMs (enums, identity hash codes) must not key recovered state.
 *
 * @param numPartitions the number of partitions, at least 1
 */
public record HashPartitioner(int numPartitions) implements Serializable {

    public HashPartitioner {
        if (numPartitions < 1) {
            throw new IllegalArgumentException("numPartitions must be >= 1, got " + numPartitions);
        }
    }
}
