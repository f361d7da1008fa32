package io.sluice.function;

import java.io.Serializable;

/**
 * A function of four arguments.
 *
 * <p>Same shape as Spark's Java function of this name, so ported code compiles unchanged.
 */
@FunctionalInterface
public interface Function4<T1, T2, T3, T4, R> extends Serializable {
    R call(T1 v1, T2 v2, T3 v3, T4 v4) throws Exception;
}
