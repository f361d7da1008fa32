package io.sluice.internal.storage.state;

/**
 * One operator's keyed state: byte keys to byte values, ordered by unsigned key bytes.
 *
 * <p>Thread-safe; tasks of different partitions write disjoint key ranges concurrently.
 */
public interface StateTable {

    /** The value of {@code key}, or {@code null}. */
    byte[] get(byte[] key);

    void put(byte[] key, byte[] value);

    void delete(byte[] key);

    /** A batch of writes applied atomically by {@link WriteBatch#commit}. */
    WriteBatch newWriteBatch();

    /**
     * Iterates the entries whose key starts with {@code prefix}, in key order. The iterator sees
     * a consistent view taken when it was opened. Close it to release native resources.
     */
    StateIterator scan(byte[] prefix);

    /**
     * As {@link #scan(byte[])}, starting at the first key after {@code startAfter} (which need
     * not exist), so that a long scan can be read in chunks, each with its own short-lived
     * native iterator.
     */
    StateIterator scan(byte[] prefix, byte[] startAfter);

    /** A batch of writes to this table, applied atomically. Not thread-safe. */
    interface WriteBatch extends AutoCloseable {
        void put(byte[] key, byte[] value);

        void delete(byte[] key);

        /** Applies every write of the batch atomically. */
        void commit();

        @Override
        void close();
    }

    /** An iterator over entries; not thread-safe. */
    interface StateIterator extends AutoCloseable {
        boolean hasNext();

        /** Advances to the next entry; then {@link #key()} and {@link #value()} return it. */
        void next();

        byte[] key();

        byte[] value();

        @Override
        void close();
    }
}
