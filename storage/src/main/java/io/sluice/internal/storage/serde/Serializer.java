package io.sluice.internal.storage.serde;

import java.util.List;

/**
 * Turns records, blocks and state values into bytes and back.
 *
 * <p>Thread-safe: one instance is shared by all threads of a context.
 *
 * <p>Every byte array produced starts with a one-byte format version, so that a newer Sluice
 * can read bytes written by an older one, or refuse them with a clear message.
 */
public interface Serializer {

    /**
     * Serializes one object (may be {@code null}).
     *
     * @throws SerializationException naming the type that could not be serialized and the fix
     *     (register a serializer through {@code sluice.kryo.registrator})
     */
    byte[] serialize(Object value);

    /** Reads back what {@link #serialize} wrote. */
    <T> T deserialize(byte[] bytes);

    /**
     * Reads back what {@link #serialize} wrote into {@code bytes[offset, offset + length)}, for
     * values stored behind a prefix (a state key after its partition). The default copies the
     * range; implementations read it in place.
     *
     * @throws IndexOutOfBoundsException if the range lies outside {@code bytes}
     */
    default <T> T deserialize(byte[] bytes, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
        return deserialize(java.util.Arrays.copyOfRange(bytes, offset, offset + length));
    }

    /** Serializes a list of records as one block, more compactly than one call per record. */
    byte[] serializeBlock(List<?> records);

    /** Reads back what {@link #serializeBlock} wrote. */
    <T> List<T> deserializeBlock(byte[] bytes);
}
