package io.sluice.internal.kafka;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a direct Kafka stream is: the next offset to read in each partition, as kept in the
 * tracker log and in checkpoints. Parallel arrays so the engine's serializer handles it as is.
 */
public record KafkaPosition(String[] topics, int[] partitions, long[] offsets) implements Serializable {

    /** The position of {@code next} (partition to next offset). */
    public static KafkaPosition of(Map<TopicPartition, Long> next) {
        int n = next.size();
        String[] t = new String[n];
        int[] p = new int[n];
        long[] o = new long[n];
        int i = 0;
        for (Map.Entry<TopicPartition, Long> e : next.entrySet()) {
            t[i] = e.getKey().topic();
            p[i] = e.getKey().partition();
            o[i] = e.getValue();
            i++;
        }
        return new KafkaPosition(t, p, o);
    }

    /** Partition to next offset, ordered by topic and partition. */
    public Map<TopicPartition, Long> toMap() {
        Map<TopicPartition, Long> m = new TreeMap<>(
                java.util.Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        for (int i = 0; i < topics.length; i++) {
            m.put(new TopicPartition(topics[i], partitions[i]), offsets[i]);
        }
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KafkaPosition k && Arrays.equals(topics, k.topics)
                && Arrays.equals(partitions, k.partitions) && Arrays.equals(offsets, k.offsets);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(topics) + Arrays.hashCode(partitions)) + Arrays.hashCode(offsets);
    }

    @Override
    public String toString() {
        return toMap().toString();
    }
}
