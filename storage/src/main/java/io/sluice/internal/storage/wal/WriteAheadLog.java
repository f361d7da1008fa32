package io.sluice.internal.storage.wal;

import java.util.function.BiConsumer;

/**
 * An append-only log of opaque records (blocks of received data, or tracker events).
 *
 * <p>Guarantees: when {@link #append} returns, the record is durable at the log's
 * {@link Durability}; records are read back byte-for-byte equal, in append order by
 * {@link #replay}. A torn or corrupt tail (a process killed in the middle of an append) is
 * detected by a checksum and skipped with a warning, never a crash; every complete earlier
 * record stays readable.
 *
 * <p>Thread-safe: many threads may append at once; readers may read while writers append.
 */
public interface WriteAheadLog extends AutoCloseable {

    /** Appends one record; returns once it is durable at the configured durability. */
    WalHandle append(byte[] record);

    /**
     * Reads back the record at {@code handle}.
     *
     * @throws WalException if the record is gone (cleaned up) or corrupt
     */
    byte[] read(WalHandle handle);

    /** Calls {@code consumer} with every readable record, oldest first. */
    void replay(BiConsumer<WalHandle, byte[]> consumer);

    /**
     * Deletes log segments whose records were all appended before {@code thresholdMs}
     * (wall-clock). Records appended at or after the threshold are never deleted; some older
     * ones may survive until their whole segment is old enough.
     */
    void deleteOlderThan(long thresholdMs);

    @Override
    void close();
}
