package io.sluice.function;

import java.io.Serializable;
import java.util.Iterator;

/**
 * A function that turns one record into zero or more records.
 *
 * <p>Same shape as Spark's Java function of this name (it returns an {@link Iterator}), so
 * ported code compiles unchanged.
 */
@FunctionalInterface
public interface FlatMapFunction<T, R> extends Serializable {
    Iterator<R> call(T t) throws Exception;
}
