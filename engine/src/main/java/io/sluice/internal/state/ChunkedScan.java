package io.sluice.internal.state;

import io.sluice.internal.storage.state.StateTable;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.BiFunction;

/**
 * A lazy iterator over the entries of a table under a prefix, read in chunks: each chunk opens
 * a native iterator, reads up to {@code chunkSize} entries and closes it. Memory stays bounded
 * by a chunk whatever the state's size, and a consumer that stops early (take, print) leaks no
 * native iterator. Each chunk sees the table as of its own read; callers read state that no
 * batch is writing.
 */
public final class ChunkedScan<T> implements Iterator<T> {
    public static final int DEFAULT_CHUNK = 4096;

    private final StateTable table;
    private final byte[] prefix;
    private final int chunkSize;
    private final BiFunction<byte[], byte[], T> decode;
    private final ArrayDeque<T> buffer = new ArrayDeque<>();
    private byte[] lastKey;
    private boolean exhausted;

    public ChunkedScan(StateTable table, byte[] prefix, int chunkSize, BiFunction<byte[], byte[], T> decode) {
        this.table = table;
        this.prefix = prefix;
        this.chunkSize = chunkSize;
        this.decode = decode;
    }

    @Override
    public boolean hasNext() {
        if (buffer.isEmpty() && !exhausted) {
            fill();
        }
        return !buffer.isEmpty();
    }

    @Override
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return buffer.poll();
    }

    private void fill() {
        try (StateTable.StateIterator it = lastKey == null ? table.scan(prefix) : table.scan(prefix, lastKey)) {
            int n = 0;
            while (n < chunkSize && it.hasNext()) {
                it.next();
                byte[] k = it.key();
                buffer.add(decode.apply(k, it.value()));
                lastKey = k;
                n++;
            }
            exhausted = !it.hasNext();
        }
    }
}
