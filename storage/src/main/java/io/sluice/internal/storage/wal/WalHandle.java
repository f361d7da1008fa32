package io.sluice.internal.storage.wal;

import java.io.Serializable;

/**
 * Where one block lives in a {@link WriteAheadLog}: enough to read it back at random.
 *
 * @param index the log's own position of the record (Chronicle Queue index)
 * @param appendTimeMs wall-clock time of the append, used by time-based cleanup
 */
public record WalHandle(long index, long appendTimeMs) implements Serializable {
}
