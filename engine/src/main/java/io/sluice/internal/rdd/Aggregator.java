package io.sluice.internal.rdd;

import java.util.function.BiFunction;
import java.util.function.BinaryOperator;
import java.util.function.Function;

/** How the values of one key are combined by a shuffle: as Spark's {@code combineByKey}. */
public record Aggregator<V, C>(Function<V, C> createCombiner, BiFunction<C, V, C> mergeValue,
                               BinaryOperator<C> mergeCombiners) {
}
