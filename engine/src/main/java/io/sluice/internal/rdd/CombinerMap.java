package io.sluice.internal.rdd;

import java.util.Arrays;
import java.util.function.BiFunction;
import java.util.function.BinaryOperator;
import java.util.function.Function;

/**
 * The hash table of a combining shuffle: key to combiner, updated with one probe per record.
 *
 * <p>Why not {@code HashMap}: a combine is "create the combiner if the key is absent, else merge
 * into it", which with {@code HashMap} takes a {@code get}, a {@code containsKey} (to tell a
 * null combiner from an absent key) and a {@code put}: two or three probes, each following a
 * node pointer and comparing keys. {@code merge}/{@code compute} take one probe but treat a null
 * result as "remove", which would lose keys whose combiner is null. This table finds the slot
 * once and writes the combiner in place, and its keys and values sit side by side in one array,
 * so a probe touches one cache line. Spark's {@code AppendOnlyMap} is built the same way.
 *
 * <p>How it works: open addressing with linear probing over a power-of-two table of
 * {@code (key, combiner)} slots in {@code data} (a null key marks an empty slot), with the key's spread hash in {@code hashes} so
 * that a probe compares ints before it calls {@code equals}, and a resize re-places entries
 * without calling {@code hashCode}. The table doubles when it is 5/8 full. The null key has
 * its own slot outside the table. Nothing is ever removed, so no tombstones.
 *
 * <p>Iteration ({@link #size}, {@link #keyAt}, {@link #valueAt} over {@code 0..size-1}) is in
 * first-insertion order: the order of the table's entries never depends on its capacity or on
 * the hash codes' collisions, so a shuffle that merges its inputs in a fixed order produces its
 * output in a fixed order.
 *
 * <p>Not thread-safe: one task owns a map at a time.
 *
 * @param <K> the key type (any {@code equals}/{@code hashCode}, null allowed)
 * @param <C> the combiner type (null allowed)
 */
final class CombinerMap<K, C> {
    private static final int MIN_CAPACITY = 64;

    /** Slot {@code i} of the table: key at {@code 2i}, combiner at {@code 2i + 1}. */
    private Object[] data;
    /** The spread hash of slot {@code i}'s key; meaningful where the slot holds a key. */
    private int[] hashes;
    /** Insertion index to slot, for ordered iteration. */
    private int[] slots;
    private int mask;
    private int size;
    private int growAt;
    private boolean hasNullKey;
    private C nullKeyValue;

    /** An empty map sized for about {@code expected} keys without resizing. */
    CombinerMap(int expected) {
        int capacity = MIN_CAPACITY;
        while (capacity * 5L / 8 < expected && capacity < (1 << 29)) {
            capacity <<= 1;
        }
        allocate(capacity);
    }

    private void allocate(int capacity) {
        data = new Object[2 * capacity];
        hashes = new int[capacity];
        slots = new int[(int) (capacity * 5L / 8) + 1];
        mask = capacity - 1;
        growAt = (int) (capacity * 5L / 8);
    }

    /** The number of keys. */
    int size() {
        return size;
    }

    /**
     * Combines {@code value} into {@code key}'s combiner: {@code create.apply(value)} for a new key,
     * {@code merge.apply(combiner, value)} for a present one; the result replaces the combiner.
     */
    <V> void combine(K key, V value, Function<V, C> create, BiFunction<C, V, C> merge) {
        if (key == null) {
            if (hasNullKey) {
                nullKeyValue = merge.apply(nullKeyValue, value);
            } else {
                nullKeyValue = create.apply(value);
                hasNullKey = true;
                slots[size++] = -1;
                growIfFull();
            }
            return;
        }
        int h = spread(key.hashCode());
        int i = h & mask;
        while (true) {
            Object k = data[2 * i];
            if (k == null) {
                C c = create.apply(value);
                insertAt(i, h, key, c);
                return;
            }
            if (hashes[i] == h) {
                if (k == key || k.equals(key)) {
                    @SuppressWarnings("unchecked")
                    C old = (C) data[2 * i + 1];
                    data[2 * i + 1] = merge.apply(old, value);
                    return;
                }
            }
            i = (i + 1) & mask;
        }
    }

    /**
     * Merges {@code combiner} into {@code key}'s: {@code combiner} itself for a new key,
     * {@code merge.apply(present, combiner)} for a present one.
     */
    void mergeCombiner(K key, C combiner, BinaryOperator<C> merge) {
        combine(key, combiner, Function.identity(), merge);
    }

    private void insertAt(int i, int h, K key, C c) {
        data[2 * i] = key;
        data[2 * i + 1] = c;
        hashes[i] = h;
        slots[size++] = i;
        growIfFull();
    }

    private void growIfFull() {
        if (size >= growAt) {
            resize();
        }
    }

    private void resize() {
        Object[] oldData = data;
        int[] oldHashes = hashes;
        int[] oldSlots = slots;
        int n = size;
        allocate((mask + 1) * 2);
        for (int idx = 0; idx < n; idx++) {
            int s = oldSlots[idx];
            if (s < 0) {
                slots[idx] = -1;
                continue;
            }
            int h = oldHashes[s];
            int i = h & mask;
            while (data[2 * i] != null) {
                i = (i + 1) & mask;
            }
            data[2 * i] = oldData[2 * s];
            data[2 * i + 1] = oldData[2 * s + 1];
            hashes[i] = h;
            slots[idx] = i;
        }
    }

    /** The key inserted {@code index}-th ({@code 0 <= index < size()}). */
    @SuppressWarnings("unchecked")
    K keyAt(int index) {
        int s = slot(index);
        return s < 0 ? null : (K) data[2 * s];
    }

    /** The combiner of the key inserted {@code index}-th. */
    @SuppressWarnings("unchecked")
    C valueAt(int index) {
        int s = slot(index);
        return s < 0 ? nullKeyValue : (C) data[2 * s + 1];
    }

    private int slot(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + " of a map of " + size + " keys");
        }
        return slots[index];
    }

    /**
     * Mixes the hash code's bits so that keys whose hash codes differ only in high bits (or
     * form arithmetic progressions) do not pile up in one run of the table (the murmur3 finalizer's
     * multiply-and-shift).
     */
    static int spread(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < size; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(keyAt(i)).append('=').append(valueAt(i));
        }
        return sb.append('}').toString();
    }

    /** For tests: whether the table's internal indexes agree with one another. */
    boolean consistent() {
        int used = 0;
        for (int i = 0; i <= mask; i++) {
            if (data[2 * i] != null) {
                used++;
                if (hashes[i] != spread(data[2 * i].hashCode())) {
                    return false;
                }
            }
        }
        long distinct = Arrays.stream(slots, 0, size).distinct().count();
        return used == size - (hasNullKey ? 1 : 0) && distinct == size
                && Arrays.stream(slots, 0, size).allMatch(s -> s <= mask && (s < 0 ? hasNullKey : data[2 * s] != null));
    }
}
