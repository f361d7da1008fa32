package io.sluice.kafka;

import io.sluice.SluiceException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.Comparator;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Spark's consumer strategies for direct Kafka streams: subscribe to topics by name or by
 * pattern, or read a fixed set of partitions. See {@link ConsumerStrategy} for where a stream
 * starts and how it differs from Spark (no group membership on the driver side).
 */
public final class ConsumerStrategies {

    private ConsumerStrategies() {
    }

    static final Comparator<TopicPartition> ORDER =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    /**
     * All partitions of {@code topics}, including partitions added while the stream runs.
     * Every topic must exist when the stream starts.
     */
    public static <K, V> ConsumerStrategy<K, V> Subscribe(Collection<String> topics, Map<String, Object> kafkaParams) {
        return Subscribe(topics, kafkaParams, Map.of());
    }

    /** As {@link #Subscribe(Collection, Map)}, starting a fresh stream at {@code offsets} where given. */
    public static <K, V> ConsumerStrategy<K, V> Subscribe(Collection<String> topics, Map<String, Object> kafkaParams,
                                                          Map<TopicPartition, Long> offsets) {
        return new SubscribeStrategy<>(List.copyOf(topics), kafkaParams, offsets);
    }

    /**
     * All partitions of every topic whose whole name matches {@code pattern}, including topics
     * created while the stream runs (internal topics, named {@code __...}, excepted).
     */
    public static <K, V> ConsumerStrategy<K, V> SubscribePattern(Pattern pattern, Map<String, Object> kafkaParams) {
        return SubscribePattern(pattern, kafkaParams, Map.of());
    }

    /** As {@link #SubscribePattern(Pattern, Map)}, starting a fresh stream at {@code offsets} where given. */
    public static <K, V> ConsumerStrategy<K, V> SubscribePattern(Pattern pattern, Map<String, Object> kafkaParams,
                                                                 Map<TopicPartition, Long> offsets) {
        return new PatternStrategy<>(pattern, kafkaParams, offsets);
    }

    /** Exactly {@code partitions}, which must exist when the stream starts. */
    public static <K, V> ConsumerStrategy<K, V> Assign(Collection<TopicPartition> partitions,
                                                       Map<String, Object> kafkaParams) {
        return Assign(partitions, kafkaParams, Map.of());
    }

    /** As {@link #Assign(Collection, Map)}, starting a fresh stream at {@code offsets} where given. */
    public static <K, V> ConsumerStrategy<K, V> Assign(Collection<TopicPartition> partitions,
                                                       Map<String, Object> kafkaParams,
                                                       Map<TopicPartition, Long> offsets) {
        return new AssignStrategy<>(List.copyOf(partitions), kafkaParams, offsets);
    }

    private static String servers(ConsumerStrategy<?, ?> s) {
        return String.valueOf(s.kafkaParams().get("bootstrap.servers"));
    }

    private static <K, V> List<PartitionInfo> partitionsOf(Consumer<K, V> consumer, String topic, Duration timeout) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        return infos == null ? List.of() : infos;
    }

    private static final class SubscribeStrategy<K, V> extends ConsumerStrategy<K, V> {
        private final List<String> topics;

        SubscribeStrategy(List<String> topics, Map<String, Object> kafkaParams, Map<TopicPartition, Long> offsets) {
            super(kafkaParams, offsets);
            if (topics.isEmpty()) {
                throw new IllegalArgumentException("Subscribe needs at least one topic");
            }
            this.topics = topics;
        }

        @Override
        public Set<TopicPartition> partitions(Consumer<K, V> consumer, Duration timeout) {
            Set<TopicPartition> all = new TreeSet<>(ORDER);
            for (String topic : topics) {
                List<PartitionInfo> infos = partitionsOf(consumer, topic, timeout);
                if (infos.isEmpty()) {
                    throw new SluiceException("Topic [" + topic + "] does not exist on the Kafka cluster at ["
                            + servers(this) + "]: create it before starting the stream, or use"
                            + " ConsumerStrategies.SubscribePattern to read topics created later");
                }
                infos.forEach(i -> all.add(new TopicPartition(i.topic(), i.partition())));
            }
            return all;
        }

        @Override
        public String toString() {
            return "Subscribe(" + topics + ")";
        }
    }

    private static final class PatternStrategy<K, V> extends ConsumerStrategy<K, V> {
        private final Pattern pattern;

        PatternStrategy(Pattern pattern, Map<String, Object> kafkaParams, Map<TopicPartition, Long> offsets) {
            super(kafkaParams, offsets);
            if (pattern == null) {
                throw new NullPointerException("SubscribePattern: pattern is null");
            }
            this.pattern = pattern;
        }

        @Override
        public Set<TopicPartition> partitions(Consumer<K, V> consumer, Duration timeout) {
            Set<TopicPartition> all = new TreeSet<>(ORDER);
            consumer.listTopics(timeout).forEach((topic, infos) -> {
                if (!topic.startsWith("__") && pattern.matcher(topic).matches()) {
                    infos.forEach(i -> all.add(new TopicPartition(i.topic(), i.partition())));
                }
            });
            return all;
        }

        @Override
        public String toString() {
            return "SubscribePattern(" + pattern + ")";
        }
    }

    private static final class AssignStrategy<K, V> extends ConsumerStrategy<K, V> {
        private final List<TopicPartition> assigned;

        AssignStrategy(List<TopicPartition> assigned, Map<String, Object> kafkaParams,
                       Map<TopicPartition, Long> offsets) {
            super(kafkaParams, offsets);
            if (assigned.isEmpty()) {
                throw new IllegalArgumentException("Assign needs at least one partition");
            }
            this.assigned = assigned;
        }

        @Override
        public Set<TopicPartition> partitions(Consumer<K, V> consumer, Duration timeout) {
            Set<TopicPartition> all = new TreeSet<>(ORDER);
            for (TopicPartition tp : assigned) {
                int count = partitionsOf(consumer, tp.topic(), timeout).size();
                if (tp.partition() < 0 || tp.partition() >= count) {
                    throw new SluiceException("Partition [" + tp + "] does not exist on the Kafka cluster at ["
                            + servers(this) + "]: topic [" + tp.topic() + "] "
                            + (count == 0 ? "does not exist" : "has partitions 0.." + (count - 1))
                            + "; create it, or assign existing partitions");
                }
                all.add(tp);
            }
            return all;
        }

        @Override
        public String toString() {
            return "Assign(" + assigned + ")";
        }
    }
}
