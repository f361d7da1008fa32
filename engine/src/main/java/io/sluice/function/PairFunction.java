package io.sluice.function;

import io.sluice.Tuple2;
import java.io.Serializable;

/**
 * A function that turns one record into a key-value pair.
 *
 * <p>Same shape as Spark's Java function of this name, so ported code compiles unchanged.
 */
@FunctionalInterface
public interface PairFunction<T, K, V> extends Serializable {
    Tuple2<K, V> call(T t) throws Exception;
}
