package io.sluice.internal.kafka;

import io.sluice.RDD;
import io.sluice.internal.SluiceEnv;
import io.sluice.kafka.HasOffsetRanges;
import io.sluice.kafka.OffsetRange;
import java.util.Iterator;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One batch of a direct Kafka stream: partition {@code i} holds the records of offset range
 * {@code i}, in offset order, read lazily by the task that computes it. Reading the same ranges
 * again gives the same records (Kafka's log is immutable below its end), which is what lets a
 * re-run batch produce the same result.
 */
public final class KafkaRDD<K, V> extends RDD<ConsumerRecord<K, V>> implements HasOffsetRanges {
    private final OffsetRange[] ranges;
    private final TaskConsumers<K, V> consumers;

    KafkaRDD(SluiceEnv env, OffsetRange[] ranges, TaskConsumers<K, V> consumers) {
        super(env);
        this.ranges = ranges.clone();
        this.consumers = consumers;
    }

    @Override
    public int getNumPartitions() {
        return ranges.length;
    }

    @Override
    public Iterator<ConsumerRecord<K, V>> compute(int partition) {
        return consumers.read(ranges[partition]);
    }

    @Override
    public OffsetRange[] offsetRanges() {
        return ranges.clone();
    }

    @Override
    public String toString() {
        return "KafkaRDD" + java.util.Arrays.toString(ranges);
    }
}
