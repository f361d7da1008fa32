package io.sluice.internal.storage.state;

/**
 * Memory settings of a {@link RocksDBStateStore}.
 *
 * @param blockCacheBytes size of the LRU block cache shared by every table of the store
 * @param writeBufferBytes size of one memtable of one table; RocksDB flushes it to a file when
 *     full, and keeps up to two per table
 */
public record StateStoreOptions(long blockCacheBytes, long writeBufferBytes) {

    /** 64 MiB. */
    public static final long DEFAULT_BLOCK_CACHE_BYTES = 64L << 20;
    /** 16 MiB. */
    public static final long DEFAULT_WRITE_BUFFER_BYTES = 16L << 20;

    /** @throws IllegalArgumentException if a size is not positive */
    public StateStoreOptions {
        if (blockCacheBytes <= 0) {
            throw new IllegalArgumentException("blockCacheBytes must be positive, got [" + blockCacheBytes + "]");
        }
        if (writeBufferBytes <= 0) {
            throw new IllegalArgumentException("writeBufferBytes must be positive, got [" + writeBufferBytes + "]");
        }
    }

    /** A 64 MiB block cache and 16 MiB write buffers. */
    public static StateStoreOptions defaults() {
        return new StateStoreOptions(DEFAULT_BLOCK_CACHE_BYTES, DEFAULT_WRITE_BUFFER_BYTES);
    }
}
