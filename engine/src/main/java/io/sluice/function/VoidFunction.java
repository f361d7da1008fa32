package io.sluice.function;

import java.io.Serializable;

/**
 * A function returning nothing, run for its side effect.
 *
 * <p>Same shape as Spark's Java function of this name, so ported code compiles unchanged. It
 * may throw any exception: the engine fails the task and reports the cause.
 */
@FunctionalInterface
public interface VoidFunction<T> extends Serializable {
    void call(T t) throws Exception;
}
