package io.sluice.internal.storage.state;

import java.nio.file.Path;

/**
 * Keyed state of all stateful operators of one context: one RocksDB instance, one column
 * family ({@link StateTable}) per operator id.
 *
 * <p>RocksDB's own WAL is off: state is made recoverable by {@link #snapshot} (taken at
 * checkpoints) plus the replay of the batches after it. After a crash the working directory is
 * not trusted; the store is reopened from the last snapshot.
 *
 * <p>Thread-safe.
 */
public interface StateStore extends AutoCloseable {

    /** The table of {@code operatorId}, created (empty) on first use. */
    StateTable table(String operatorId);

    /**
     * Flushes memtables and writes a consistent, self-contained copy of every table into
     * {@code targetDir} (which must not exist) using RocksDB's Checkpoint (hard links where the
     * filesystem allows). The snapshot can be copied elsewhere and later opened with
     * {@link RocksDBStateStore#restore}.
     */
    void snapshot(Path targetDir);

    @Override
    void close();
}
