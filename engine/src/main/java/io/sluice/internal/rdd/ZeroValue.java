package io.sluice.internal.rdd;

import io.sluice.SluiceException;
import io.sluice.internal.storage.serde.Serializer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The zero value of a fold or aggregation, handed out as a fresh copy for every key and
 * partition, as Spark clones it by serialization: a user's seqOp may then mutate and return
 * its accumulator (a list, a map) without two keys or two partitions sharing it.
 *
 * <p>Immutable zeros (null, strings, boxed primitives, big numbers, enums) are handed out as
 * is; anything else is serialized once, when the operation is defined, and read back per use.
 */
public final class ZeroValue<T> implements Supplier<T> {
    private static final Set<Class<?>> IMMUTABLE = Set.of(String.class, Integer.class, Long.class, Short.class,
            Byte.class, Double.class, Float.class, Boolean.class, Character.class, BigInteger.class, BigDecimal.class);

    private final T shared;
    private final byte[] bytes;
    private final Serializer serializer;

    private ZeroValue(T shared, byte[] bytes, Serializer serializer) {
        this.shared = shared;
        this.bytes = bytes;
        this.serializer = serializer;
    }

    /**
     * The copies of {@code zero}.
     *
     * @param operation the operation, named in the error message
     * @throws SluiceException if {@code zero} is mutable and cannot be serialized (the cause
     *     names the type and how to register a serializer for it)
     */
    public static <T> ZeroValue<T> of(T zero, Serializer serializer, String operation) {
        if (zero == null || zero instanceof Enum<?> || IMMUTABLE.contains(zero.getClass())) {
            return new ZeroValue<>(zero, null, null);
        }
        try {
            return new ZeroValue<>(null, serializer.serialize(zero), serializer);
        } catch (RuntimeException e) {
            throw new SluiceException(operation + ": cannot copy the zero value [" + zero + "] of type "
                    + zero.getClass().getName() + " for each key and partition, because it cannot be serialized: "
                    + e.getMessage(), e);
        }
    }

    /** A fresh copy of the zero value (the value itself when it is immutable). */
    @Override
    public T get() {
        return bytes == null ? shared : serializer.deserialize(bytes);
    }
}
