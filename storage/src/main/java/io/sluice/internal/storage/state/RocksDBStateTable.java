package io.sluice.internal.storage.state;

import java.util.Arrays;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;

/**
 * One operator's {@link StateTable}: a column family of a {@link RocksDBStateStore}. Writes go
 * with the store's no-WAL write options.
 */
final class RocksDBStateTable implements StateTable {

    private final RocksDBStateStore store;
    private final String operatorId;
    private final ColumnFamilyHandle handle;

    RocksDBStateTable(RocksDBStateStore store, String operatorId, ColumnFamilyHandle handle) {
        this.store = store;
        this.operatorId = operatorId;
        this.handle = handle;
    }

    ColumnFamilyHandle handle() {
        return handle;
    }

    @Override
    public byte[] get(byte[] key) {
        Objects.requireNonNull(key, "key");
        store.ensureOpen();
        try {
            return store.db().get(handle, key);
        } catch (RocksDBException e) {
            throw failure("read a key of", e);
        }
    }

    @Override
    public void put(byte[] key, byte[] value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        store.ensureOpen();
        try {
            store.db().put(handle, store.writeOptions(), key, value);
        } catch (RocksDBException e) {
            throw failure("write to", e);
        }
    }

    @Override
    public void delete(byte[] key) {
        Objects.requireNonNull(key, "key");
        store.ensureOpen();
        try {
            store.db().delete(handle, store.writeOptions(), key);
        } catch (RocksDBException e) {
            throw failure("delete from", e);
        }
    }

    @Override
    public WriteBatch newWriteBatch() {
        store.ensureOpen();
        return new Batch();
    }

    /**
     * {@inheritDoc}
     *
     * <p>The view is a RocksDB snapshot; the key range is bounded natively ({@code prefix} to
     * its successor), so a scan does not touch keys outside it.
     */
    @Override
    public StateIterator scan(byte[] prefix) {
        Objects.requireNonNull(prefix, "prefix");
        store.ensureOpen();
        Iterator iterator = new Iterator(prefix, null);
        store.register(iterator);
        return iterator;
    }

    @Override
    public StateIterator scan(byte[] prefix, byte[] startAfter) {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(startAfter, "startAfter");
        store.ensureOpen();
        Iterator iterator = new Iterator(prefix, startAfter);
        store.register(iterator);
        return iterator;
    }

    String operatorId() {
        return operatorId;
    }

    private StateStoreException failure(String action, RocksDBException e) {
        return new StateStoreException("Cannot " + action + " the table of operator [" + operatorId
                + "] in state store [" + store.directory() + "]: " + RocksDBStateStore.describe(e), e);
    }

    /**
     * The smallest key greater than every key that starts with {@code prefix}, or {@code null}
     * when there is none (the prefix is empty or all 0xFF).
     */
    static byte[] prefixSuccessor(byte[] prefix) {
        int i = prefix.length - 1;
        while (i >= 0 && prefix[i] == (byte) 0xFF) {
            i--;
        }
        if (i < 0) {
            return null;
        }
        byte[] successor = Arrays.copyOf(prefix, i + 1);
        successor[i]++;
        return successor;
    }

    /** A RocksDB write batch on this table. */
    private final class Batch implements WriteBatch {
        private final org.rocksdb.WriteBatch batch = new org.rocksdb.WriteBatch();
        private boolean closed;

        @Override
        public void put(byte[] key, byte[] value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            ensureBatchOpen();
            try {
                batch.put(handle, key, value);
            } catch (RocksDBException e) {
                throw failure("add a write to a batch of", e);
            }
        }

        @Override
        public void delete(byte[] key) {
            Objects.requireNonNull(key, "key");
            ensureBatchOpen();
            try {
                batch.delete(handle, key);
            } catch (RocksDBException e) {
                throw failure("add a delete to a batch of", e);
            }
        }

        /** Applies the writes atomically, then empties the batch so it can be reused. */
        @Override
        public void commit() {
            ensureBatchOpen();
            store.ensureOpen();
            try {
                store.db().write(store.writeOptions(), batch);
                batch.clear();
            } catch (RocksDBException e) {
                throw failure("commit a write batch to", e);
            }
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                batch.close();
            }
        }

        private void ensureBatchOpen() {
            if (closed) {
                throw new IllegalStateException("This write batch of table [" + operatorId + "] is closed");
            }
        }
    }

    /**
     * An iterator over a snapshot of this table, bounded to a prefix.
     *
     * <p>A full scan of a large state runs through here once or twice per batch, so an entry
     * costs the four native calls it needs and no more: the native iterator's validity is read
     * once after each move and kept ({@link #valid}), not asked again by {@link #hasNext} and
     * {@link #next}. The methods that touch the native iterator are synchronized against
     * {@link #close} (which the store may call from another thread when it closes; a native
     * call on a closed iterator would crash the JVM); {@link #key} and {@link #value} only
     * return what {@link #next} copied out.
     */
    final class Iterator implements StateIterator {
        private final byte[] prefix;
        private final boolean checkPrefix;
        private final Snapshot snapshot;
        private final ReadOptions readOptions;
        private final Slice lowerBound;
        private final Slice upperBound;
        private final RocksIterator iterator;
        private boolean valid;
        private boolean statusUnchecked;
        private byte[] key;
        private byte[] value;
        private volatile boolean closed;

        Iterator(byte[] prefix, byte[] startAfter) {
            this.prefix = prefix.clone();
            byte[] successor = prefixSuccessor(prefix);
            // Without a successor (all-0xFF prefix) the range has no native upper bound.
            this.checkPrefix = successor == null && prefix.length > 0;
            this.snapshot = store.db().getSnapshot();
            this.readOptions = new ReadOptions().setSnapshot(snapshot);
            this.lowerBound = prefix.length > 0 ? new Slice(this.prefix) : null;
            this.upperBound = successor != null ? new Slice(successor) : null;
            if (lowerBound != null) {
                readOptions.setIterateLowerBound(lowerBound);
            }
            if (upperBound != null) {
                readOptions.setIterateUpperBound(upperBound);
            }
            this.iterator = store.db().newIterator(handle, readOptions);
            if (startAfter != null && java.util.Arrays.compareUnsigned(startAfter, this.prefix) >= 0) {
                iterator.seek(startAfter);
                if (iterator.isValid() && java.util.Arrays.equals(iterator.key(), startAfter)) {
                    iterator.next();
                }
            } else if (prefix.length > 0) {
                iterator.seek(this.prefix);
            } else {
                iterator.seekToFirst();
            }
            moved();
        }

        /**
         * Reads the native iterator's validity after a move. When it is not valid, the reason
         * (the end, or an error) is checked by the next {@link #hasNext}, so that the
         * constructor never throws with native resources allocated.
         */
        private void moved() {
            valid = iterator.isValid() && (!checkPrefix || startsWithPrefix(iterator.key()));
            statusUnchecked = !valid;
        }

        @Override
        public synchronized boolean hasNext() {
            ensureIteratorOpen();
            if (statusUnchecked) {
                statusUnchecked = false;
                checkStatus();
            }
            return valid;
        }

        @Override
        public synchronized void next() {
            ensureIteratorOpen();
            if (!valid) {
                throw new NoSuchElementException("No more entries in the scan of table [" + operatorId + "]");
            }
            key = iterator.key();
            value = iterator.value();
            iterator.next();
            moved();
        }

        @Override
        public byte[] key() {
            ensureCurrent();
            return key;
        }

        @Override
        public byte[] value() {
            ensureCurrent();
            return value;
        }

        /** Releases the native iterator and the snapshot; idempotent. */
        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            iterator.close();
            store.db().releaseSnapshot(snapshot);
            readOptions.close();
            if (lowerBound != null) {
                lowerBound.close();
            }
            if (upperBound != null) {
                upperBound.close();
            }
            store.unregister(this);
        }

        String operatorId() {
            return operatorId;
        }

        private boolean startsWithPrefix(byte[] candidate) {
            return candidate.length >= prefix.length
                    && Arrays.equals(candidate, 0, prefix.length, prefix, 0, prefix.length);
        }

        private void checkStatus() {
            try {
                iterator.status();
            } catch (RocksDBException e) {
                throw failure("scan", e);
            }
        }

        private void ensureCurrent() {
            ensureIteratorOpen();
            if (key == null) {
                throw new IllegalStateException("Call next() before key() or value()");
            }
        }

        private void ensureIteratorOpen() {
            if (closed) {
                throw new IllegalStateException("This scan of table [" + operatorId + "] is closed");
            }
        }
    }
}
