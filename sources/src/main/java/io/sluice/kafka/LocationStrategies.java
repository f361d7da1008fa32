package io.sluice.kafka;

import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.TopicPartition;

/**
 * Spark's location strategies for direct Kafka streams. All tasks of a Sluice context run in one
 * JVM, so they only name Spark's intent: use {@link #PreferConsistent()}.
 */
public final class LocationStrategies {

    private LocationStrategies() {
    }

    /** A location strategy; the name says which of Spark's it is. */
    record Strategy(String name, Map<TopicPartition, String> hosts) implements LocationStrategy {
    }

    /** Spreads partitions over the available task threads (the usual choice). */
    public static LocationStrategy PreferConsistent() {
        return new Strategy("PreferConsistent", Map.of());
    }

    /** In Spark, runs tasks on the Kafka brokers' hosts; in Sluice, the same as {@link #PreferConsistent()}. */
    public static LocationStrategy PreferBrokers() {
        return new Strategy("PreferBrokers", Map.of());
    }

    /** In Spark, pins partitions to hosts; in Sluice, the same as {@link #PreferConsistent()}. */
    public static LocationStrategy PreferFixed(Map<TopicPartition, String> hostMap) {
        return new Strategy("PreferFixed", Map.copyOf(Objects.requireNonNull(hostMap, "hostMap")));
    }
}
