package io.sluice.kafka;

import io.sluice.DStream;
import io.sluice.RDD;
import io.sluice.StreamingContext;
import io.sluice.internal.kafka.DirectKafkaInputDStream;
import io.sluice.internal.rdd.CachedRDD;
import io.sluice.internal.rdd.MapPartitionsRDD;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Kafka streams, as in Spark's Kafka 0.10+ integration ({@code spark-streaming-kafka-0-10}).
 *
 * <pre>{@code
 * Map<String, Object> kafkaParams = Map.of(
 *     "bootstrap.servers", "127.0.0.1:9092",
 *     "key.deserializer", StringDeserializer.class,
 *     "value.deserializer", StringDeserializer.class,
 *     "group.id", "word-count",
 *     "auto.offset.reset", "earliest");
 * DStream<ConsumerRecord<String, String>> stream = KafkaUtils.createDirectStream(ssc,
 *     LocationStrategies.PreferConsistent(),
 *     ConsumerStrategies.Subscribe(List.of("lines"), kafkaParams));
 * stream.map(ConsumerRecord::value).flatMap(...).saveAsTextFiles("out/words", "txt");
 * }</pre>
 */
public final class KafkaUtils {

    private KafkaUtils() {
    }

    /**
     * A direct stream of Kafka records: no receiver thread and no write-ahead log of the data.
     * Each batch reads one offset range per partition, fixed when the batch is generated (from
     * the stream's position to the partition's end offset, at most
     * {@code sluice.streaming.kafka.maxRatePerPartition} records per second of batch) and logged
     * before the batch runs; with a checkpoint directory, a recovered application re-runs its
     * logged batches on exactly the same records and continues where they ended, so with an
     * output that commits by batch time ({@code saveAsTextFiles}) it is exactly-once end to end.
     *
     * <p>The stream's RDDs implement {@link HasOffsetRanges}; the stream implements
     * {@link CanCommitOffsets}. A {@link ConsumerRecord} is not serializable: map records to
     * their values before stateful or windowed operations, as in Spark.
     *
     * <p>The Kafka cluster is contacted when the context starts: a missing topic or partition,
     * an unreachable cluster (after {@code default.api.timeout.ms}) or {@code auto.offset.reset=none}
     * without committed offsets make {@link StreamingContext#start()} throw a
     * {@link io.sluice.SluiceException} that names the cause.
     *
     * @throws NullPointerException if a strategy is null
     * @throws IllegalStateException if the context has started
     */
    public static <K, V> DStream<ConsumerRecord<K, V>> createDirectStream(StreamingContext ssc,
                                                                          LocationStrategy locationStrategy,
                                                                          ConsumerStrategy<K, V> consumerStrategy) {
        return new DirectKafkaInputDStream<>(ssc, locationStrategy, consumerStrategy);
    }

    /**
     * The offset ranges behind {@code rdd}: those of a direct Kafka stream's own RDD, or of the
     * one it was derived from through narrow transformations ({@code map}, {@code filter},
     * {@code mapPartitions}, ...) or caching, where {@code ((HasOffsetRanges) rdd)} no longer works.
     *
     * @throws IllegalArgumentException if {@code rdd} does not derive from exactly one Kafka RDD
     *     through single-parent steps (a shuffle or union loses the ranges' partition order)
     */
    public static OffsetRange[] offsetRanges(RDD<?> rdd) {
        RDD<?> r = rdd;
        while (true) {
            if (r instanceof HasOffsetRanges h) {
                return h.offsetRanges();
            }
            // Only steps that keep partition i computed from partition i of their parent.
            List<RDD<?>> deps = new ArrayList<>(r.dependencies());
            if (!(r instanceof MapPartitionsRDD<?, ?> || r instanceof CachedRDD<?>) || deps.size() != 1
                    || deps.get(0).getNumPartitions() != r.getNumPartitions()) {
                throw new IllegalArgumentException("RDD " + rdd + " is not derived from a direct Kafka stream's RDD"
                        + " through narrow one-to-one steps: take the offset ranges from the stream's own RDD, in"
                        + " foreachRDD or transform before any shuffle or union");
            }
            r = deps.get(0);
        }
    }
}
