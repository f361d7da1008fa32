package io.sluice.function;

import java.io.Serializable;

/**
 * A function of one argument.
 *
 * <p>Same shape as Spark's Java function of this name, so ported code compiles unchanged. It
 * may throw any exception: the engine fails the task and reports the cause.
 */
@FunctionalInterface
public interface Function<T, R> extends Serializable {
    R call(T v1) throws Exception;
}
