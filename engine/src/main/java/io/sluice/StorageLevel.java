package io.sluice;

import java.io.Serializable;

/**
 * Where a receiver's blocks or a cached stream's batches are kept, named as in Spark.
 *
 * <p>In Sluice, the durability of received data is decided by the write-ahead log (on whenever
 * a checkpoint directory is set), not by the replication factor of the level: a level with
 * replication 2 is accepted for compatibility and behaves as replication 1 on one machine.
 */
public record StorageLevel(boolean useDisk, boolean useMemory, boolean deserialized, int replication)
        implements Serializable {

    public static final StorageLevel NONE = new StorageLevel(false, false, false, 1);
    public static final StorageLevel DISK_ONLY = new StorageLevel(true, false, false, 1);
    public static final StorageLevel MEMORY_ONLY = new StorageLevel(false, true, true, 1);
    public static final StorageLevel MEMORY_ONLY_2 = new StorageLevel(false, true, true, 2);
    public static final StorageLevel MEMORY_ONLY_SER = new StorageLevel(false, true, false, 1);
    public static final StorageLevel MEMORY_ONLY_SER_2 = new StorageLevel(false, true, false, 2);
    public static final StorageLevel MEMORY_AND_DISK = new StorageLevel(true, true, true, 1);
    public static final StorageLevel MEMORY_AND_DISK_2 = new StorageLevel(true, true, true, 2);
    public static final StorageLevel MEMORY_AND_DISK_SER = new StorageLevel(true, true, false, 1);
    public static final StorageLevel MEMORY_AND_DISK_SER_2 = new StorageLevel(true, true, false, 2);

    // Spark's Java code also reaches the levels through Scala's accessor methods
    // (StorageLevel.MEMORY_ONLY()); these keep such code compiling after a port.

    /** Same as {@link #NONE}. */
    public static StorageLevel NONE() {
        return NONE;
    }

    /** Same as {@link #DISK_ONLY}. */
    public static StorageLevel DISK_ONLY() {
        return DISK_ONLY;
    }

    /** Same as {@link #MEMORY_ONLY}. */
    public static StorageLevel MEMORY_ONLY() {
        return MEMORY_ONLY;
    }

    /** Same as {@link #MEMORY_ONLY_2}. */
    public static StorageLevel MEMORY_ONLY_2() {
        return MEMORY_ONLY_2;
    }

    /** Same as {@link #MEMORY_ONLY_SER}. */
    public static StorageLevel MEMORY_ONLY_SER() {
        return MEMORY_ONLY_SER;
    }

    /** Same as {@link #MEMORY_ONLY_SER_2}. */
    public static StorageLevel MEMORY_ONLY_SER_2() {
        return MEMORY_ONLY_SER_2;
    }

    /** Same as {@link #MEMORY_AND_DISK}. */
    public static StorageLevel MEMORY_AND_DISK() {
        return MEMORY_AND_DISK;
    }

    /** Same as {@link #MEMORY_AND_DISK_2}. */
    public static StorageLevel MEMORY_AND_DISK_2() {
        return MEMORY_AND_DISK_2;
    }

    /** Same as {@link #MEMORY_AND_DISK_SER}. */
    public static StorageLevel MEMORY_AND_DISK_SER() {
        return MEMORY_AND_DISK_SER;
    }

    /** Same as {@link #MEMORY_AND_DISK_SER_2}. */
    public static StorageLevel MEMORY_AND_DISK_SER_2() {
        return MEMORY_AND_DISK_SER_2;
    }
}
