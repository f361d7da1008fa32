package io.sluice.kafka;

/**
 * Where the tasks that read Kafka partitions run, as in Spark's Kafka integration. Sluice runs all
 * tasks of a context in one JVM, so every strategy reads the same way; the type exists so that
 * Spark applications port unchanged. Obtain one from {@link LocationStrategies}.
 */
public sealed interface LocationStrategy permits LocationStrategies.Strategy {
}
