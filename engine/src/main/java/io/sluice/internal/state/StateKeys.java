package io.sluice.internal.state;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Byte layouts of state store keys: a one-byte kind and a partition (and, for some kinds, a
 * time) as a big-endian prefix, then the serialized user key. Big-endian integers sort like
 * their values for non-negative numbers, so a prefix scan visits a partition (or a partition's
 * times) in order.
 */
public final class StateKeys {
    private StateKeys() {
    }

    /** {@code kind} then {@code partition}. */
    public static byte[] prefix(byte kind, int partition) {
        return ByteBuffer.allocate(5).put(kind).putInt(partition).array();
    }

    /** {@code kind}, {@code time}, then {@code partition}: all partitions of a time together. */
    public static byte[] timeThenPartition(byte kind, long time, int partition) {
        return ByteBuffer.allocate(13).put(kind).putLong(time).putInt(partition).array();
    }

    /** {@code kind}, {@code partition}, then {@code time}: a partition's entries in time order. */
    public static byte[] partitionThenTime(byte kind, int partition, long time) {
        return ByteBuffer.allocate(13).put(kind).putInt(partition).putLong(time).array();
    }

    /** {@code a} followed by {@code b}. */
    public static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** The bytes of {@code key} after a prefix of {@code prefixLength} bytes. */
    public static byte[] suffix(byte[] key, int prefixLength) {
        return Arrays.copyOfRange(key, prefixLength, key.length);
    }
}
