package io.sluice.function;

import java.io.Serializable;

/**
 * A function of two arguments returning nothing.
 *
 * <p>Same shape as Spark's Java function of this name, so ported code compiles unchanged. It
 * may throw any exception: the engine fails the task and reports the cause.
 */
@FunctionalInterface
public interface VoidFunction2<T1, T2> extends Serializable {
    void call(T1 v1, T2 v2) throws Exception;
}
