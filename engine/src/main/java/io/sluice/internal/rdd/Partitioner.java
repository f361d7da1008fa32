package io.sluice.internal.rdd;

/**
 * Assigns keys to partitions.
 *
 * <p>{@link Hash} uses the key's {@code hashCode()}, as Spark's HashPartitioner does: keys whose
 * hash code is not stable across JVMs (enums, objects with identity hash codes) must not be
 * used as keys of state that is recovered after a restart.
 */
public interface Partitioner {
    int numPartitions();

    int partition(Object key);

    /** Hash partitioning: {@code floorMod(key.hashCode(), n)}, the null key in partition 0. */
    record Hash(int numPartitions) implements Partitioner {
        public Hash {
            if (numPartitions < 1) {
                throw new IllegalArgumentException("numPartitions must be >= 1, got " + numPartitions);
            }
        }

        @Override
        public int partition(Object key) {
            if (key == null) {
                return 0;
            }
            if (key.getClass().isArray()) {
                throw new io.sluice.SluiceException("Cannot hash-partition array keys (" + key.getClass().getSimpleName()
                        + "): arrays hash by identity, so equal keys would not meet; wrap them, e.g. in a List"
                        + " or a ByteBuffer");
            }
            return Math.floorMod(key.hashCode(), numPartitions);
        }
    }
}
