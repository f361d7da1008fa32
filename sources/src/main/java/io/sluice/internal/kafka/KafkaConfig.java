package io.sluice.internal.kafka;

import io.sluice.internal.config.ConfigKey;
import io.sluice.internal.config.StreamingConfig;
import java.time.Duration;
import java.util.List;

/** The configuration keys of direct Kafka streams, declared once (documented in the README). */
public final class KafkaConfig {

    private KafkaConfig() {
    }

    public static final ConfigKey<Long> MAX_RATE_PER_PARTITION = new ConfigKey<>(
            "sluice.streaming.kafka.maxRatePerPartition",
            "the most records per second a direct Kafka stream reads from each partition; each batch"
                    + " reads at most rate x batch duration (at least 1) records per partition; 0 = no limit",
            "0", Long::parseLong, n -> n >= 0, "an integer >= 0");

    public static final ConfigKey<Long> MIN_RATE_PER_PARTITION = new ConfigKey<>(
            "sluice.streaming.kafka.minRatePerPartition",
            "the fewest records per second a direct Kafka stream reads from each partition that has"
                    + " records to read, whatever backpressure estimates; each batch reads at least"
                    + " rate x batch duration (at least 1) records from such a partition",
            "1", Long::parseLong, n -> n >= 1, "an integer >= 1");

    public static final ConfigKey<Duration> CONSUMER_POLL_TIMEOUT = new ConfigKey<>(
            "sluice.streaming.kafka.consumer.poll.ms",
            "how long a task waits for Kafka to return records of its offset range before it fails",
            "120s", StreamingConfig::parseDuration, d -> d.toMillis() > 0, "a positive duration such as 120s");

    /** All keys, in the order the README documents them. */
    public static final List<ConfigKey<?>> ALL = List.of(MAX_RATE_PER_PARTITION, MIN_RATE_PER_PARTITION, CONSUMER_POLL_TIMEOUT);
}
