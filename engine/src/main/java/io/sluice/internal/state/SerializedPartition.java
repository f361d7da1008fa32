package io.sluice.internal.state;

import io.sluice.Tuple2;
import io.sluice.internal.storage.serde.Serializer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * One partition of a state RDD held in memory as the serialized (key, state) pairs its batch
 * wrote, in the store's key order, so that the batch's output operations read them without a
 * second scan of the state store. Appended to by the task that applies the batch, up to a byte
 * budget; past it the copy is abandoned ({@link #finish} returns null) and readers scan the
 * store instead. Read-only once finished; then safe to read from any number of threads.
 *
 * <p>Layout: chunks of at least {@link #CHUNK_BYTES} (appending never copies what is already
 * written); in a chunk, for each entry, the key's length (variable-length int), the serialized
 * key (without the partition prefix of the store's key), the state's length, the serialized
 * state. An entry never spans two chunks.
 */
final class SerializedPartition {
    static final int CHUNK_BYTES = 1 << 20;
    private static final int MAX_VARINT_BYTES = 5;

    private final long budget;
    private final List<byte[]> chunks = new ArrayList<>();
    private final List<Integer> chunkSizes = new ArrayList<>();
    private byte[] current;
    private int size;
    private long allocated;
    private boolean abandoned;

    /** An empty partition whose chunks may add up to {@code budgetBytes} (0: abandoned at once). */
    SerializedPartition(long budgetBytes) {
        this.budget = budgetBytes;
        this.abandoned = budgetBytes <= 0;
    }

    /** Appends {@code key[keyOffset..]} and {@code value}; abandons the copy past the budget. */
    void add(byte[] key, int keyOffset, byte[] value) {
        if (abandoned) {
            return;
        }
        int keyLength = key.length - keyOffset;
        int needed = 2 * MAX_VARINT_BYTES + keyLength + value.length;
        if (current == null || current.length - size < needed) {
            if (!newChunk(needed)) {
                return;
            }
        }
        writeVarInt(keyLength);
        System.arraycopy(key, keyOffset, current, size, keyLength);
        size += keyLength;
        writeVarInt(value.length);
        System.arraycopy(value, 0, current, size, value.length);
        size += value.length;
    }

    /** The finished partition, or null if it outgrew its budget. */
    SerializedPartition finish() {
        if (abandoned) {
            return null;
        }
        if (current != null) {
            chunkSizes.set(chunkSizes.size() - 1, size);
        }
        return this;
    }

    /** The entries in order, deserialized one at a time, each key and state read in place. */
    <K, S> Iterator<Tuple2<K, S>> iterator(Serializer ser) {
        return new Iterator<>() {
            private int chunk = -1;
            private byte[] b;
            private int end;
            private int pos;

            @Override
            public boolean hasNext() {
                while (pos >= end) {
                    if (chunk + 1 >= chunks.size()) {
                        return false;
                    }
                    chunk++;
                    b = chunks.get(chunk);
                    end = chunkSizes.get(chunk);
                    pos = 0;
                }
                return true;
            }

            @Override
            public Tuple2<K, S> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int keyLength = readVarInt();
                K key = ser.deserialize(b, pos, keyLength);
                pos += keyLength;
                int valueLength = readVarInt();
                S state = ser.deserialize(b, pos, valueLength);
                pos += valueLength;
                return new Tuple2<>(key, state);
            }

            private int readVarInt() {
                int result = 0;
                for (int shift = 0; ; shift += 7) {
                    byte x = b[pos++];
                    result |= (x & 0x7F) << shift;
                    if (x >= 0) {
                        return result;
                    }
                }
            }
        };
    }

    private boolean newChunk(int needed) {
        int length = Math.max(CHUNK_BYTES, needed);
        if (allocated + length > budget) {
            abandoned = true;
            chunks.clear();
            chunkSizes.clear();
            current = null;
            return false;
        }
        if (current != null) {
            chunkSizes.set(chunkSizes.size() - 1, size);
        }
        current = new byte[length];
        allocated += length;
        size = 0;
        chunks.add(current);
        chunkSizes.add(0);
        return true;
    }

    private void writeVarInt(int v) {
        while ((v & ~0x7F) != 0) {
            current[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        current[size++] = (byte) v;
    }
}
