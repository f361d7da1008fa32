package io.sluice.function;

import java.io.Serializable;

/**
 * A function of three arguments.
 *
 * <p>Same shape as Spark's Java function of this name, so ported code compiles unchanged. It
 * may throw any exception: the engine fails the task and reports the cause.
 */
@FunctionalInterface
public interface Function3<T1, T2, T3, R> extends Serializable {
    R call(T1 v1, T2 v2, T3 v3) throws Exception;
}
