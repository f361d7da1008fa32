package io.sluice.kafka;

import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;

/**
 * Which Kafka partitions a direct stream reads and where a fresh stream starts, as in Spark's
 * Kafka integration: obtain one from {@link ConsumerStrategies} ({@code Subscribe},
 * {@code SubscribePattern}, {@code Assign}).
 *
 * <p>Where a fresh stream (one with no checkpoint to recover) starts in each partition: the
 * offset given to the strategy, else the group's committed offset (when {@code group.id} is
 * set), else {@code auto.offset.reset} ({@code latest} by default, {@code earliest}, or
 * {@code none} to refuse to start). A recovered stream ignores all three: it continues from the
 * offsets in its checkpoint and tracker log. Partitions that appear after the start (more
 * partitions, or a new topic matching a pattern) are read from their beginning, so none of their
 * records is missed.
 *
 * <p>Unlike Spark, the stream's driver-side consumer does not join the consumer group: it reads
 * partition metadata and offsets and commits offsets, so a restart after a crash never waits for
 * a group rebalance. The {@code group.id} names the committed offsets only.
 *
 * @param <K> key type
 * @param <V> value type
 */
public abstract class ConsumerStrategy<K, V> {
    private final Map<String, Object> kafkaParams;
    private final Map<TopicPartition, Long> offsets;

    ConsumerStrategy(Map<String, Object> kafkaParams, Map<TopicPartition, Long> offsets) {
        if (kafkaParams == null) {
            throw new NullPointerException("kafkaParams is null");
        }
        Object servers = kafkaParams.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG);
        if (servers == null || servers.toString().isBlank()) {
            throw new IllegalArgumentException("kafkaParams has no " + ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG
                    + ": set it to the brokers to connect to, for example \"127.0.0.1:9092\"");
        }
        this.kafkaParams = Collections.unmodifiableMap(new HashMap<>(kafkaParams));
        this.offsets = Collections.unmodifiableMap(new HashMap<>(offsets == null ? Map.of() : offsets));
        this.offsets.forEach((tp, o) -> {
            if (o == null || o < 0) {
                throw new IllegalArgumentException("Invalid starting offset [" + o + "] for " + tp
                        + ": offsets must be >= 0");
            }
        });
    }

    /** The Kafka consumer parameters the strategy was given (unmodifiable). */
    public Map<String, Object> kafkaParams() {
        return kafkaParams;
    }

    /** The starting offsets the strategy was given, used on a fresh start only (unmodifiable). */
    public Map<TopicPartition, Long> startingOffsets() {
        return offsets;
    }

    /**
     * The partitions the stream reads now, read from the cluster's metadata with
     * {@code consumer}. Internal: called by the stream on the thread that generates batches.
     *
     * @throws io.sluice.SluiceException if a named topic or partition does not exist
     */
    public abstract Set<TopicPartition> partitions(Consumer<K, V> consumer, Duration timeout);

    /** What the strategy reads, for messages. */
    @Override
    public abstract String toString();
}
