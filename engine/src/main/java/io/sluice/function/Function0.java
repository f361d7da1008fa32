package io.sluice.function;

import java.io.Serializable;

/**
 * A function of no argument.
 *
 * <p>Same shape as Spark's Java function of this name, so ported code compiles unchanged. It
 * may throw any exception: the engine fails the task and reports the cause.
 */
@FunctionalInterface
public interface Function0<R> extends Serializable {
    R call() throws Exception;
}
