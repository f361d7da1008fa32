package io.sluice.kafka;

import java.io.Serializable;
import org.apache.kafka.common.TopicPartition;

/**
 * The offsets {@code [fromOffset, untilOffset)} of one Kafka topic partition that one batch of a
 * direct Kafka stream reads, as in Spark's Kafka integration. A batch's ranges are fixed when the
 * batch is generated and logged before the batch runs, so a batch re-run after recovery reads
 * exactly the same offsets.
 *
 * <p>On a compacted topic, or with {@code isolation.level=read_committed}, some offsets in the
 * range hold no record: {@link #count()} is then an upper bound of the records read.
 *
 * @param topic the topic
 * @param partition the partition of the topic
 * @param fromOffset the first offset of the range (inclusive)
 * @param untilOffset the offset after the last one of the range (exclusive)
 */
public record OffsetRange(String topic, int partition, long fromOffset, long untilOffset) implements Serializable {

    /**
     * @throws IllegalArgumentException if an offset is negative or {@code untilOffset < fromOffset}
     * @throws NullPointerException if {@code topic} is null
     */
    public OffsetRange {
        if (topic == null) {
            throw new NullPointerException("OffsetRange: topic is null");
        }
        if (fromOffset < 0 || untilOffset < fromOffset) {
            throw new IllegalArgumentException("Invalid offset range [" + fromOffset + ", " + untilOffset
                    + ") of " + topic + "-" + partition + ": need 0 <= fromOffset <= untilOffset");
        }
    }

    /** Spark's factory: the same as the constructor. */
    public static OffsetRange create(String topic, int partition, long fromOffset, long untilOffset) {
        return new OffsetRange(topic, partition, fromOffset, untilOffset);
    }

    /** The range of {@code topicPartition}. */
    public static OffsetRange create(TopicPartition topicPartition, long fromOffset, long untilOffset) {
        return new OffsetRange(topicPartition.topic(), topicPartition.partition(), fromOffset, untilOffset);
    }

    /** The topic partition as Kafka's type. */
    public TopicPartition topicPartition() {
        return new TopicPartition(topic, partition);
    }

    /** The number of offsets in the range. */
    public long count() {
        return untilOffset - fromOffset;
    }

    @Override
    public String toString() {
        return topic + "-" + partition + " [" + fromOffset + ", " + untilOffset + ")";
    }
}
