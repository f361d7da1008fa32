package io.sluice.function;

import io.sluice.Tuple2;
import java.io.Serializable;
import java.util.Iterator;

/**
 * A function that turns one record into zero or more key-value pairs.
 */
@FunctionalInterface
public interface PairFlatMapFunction<T, K, V> extends Serializable {
    Iterator<Tuple2<K, V>> call(T t) throws Exception;
}
