package io.sluice.kafka;

/**
 * Implemented by the RDDs of a direct Kafka stream: the offset ranges of the batch, one per RDD
 * partition (partition {@code i} reads {@code offsetRanges()[i]}). As in Spark, cast the RDD a
 * direct stream hands to {@code foreachRDD} or {@code transform}, before any transformation:
 *
 * <pre>{@code
 * stream.foreachRDD(rdd -> {
 *     OffsetRange[] ranges = ((HasOffsetRanges) rdd).offsetRanges();
 *     // ... write the outputs, then:
 *     ((CanCommitOffsets) stream).commitAsync(ranges);
 * });
 * }</pre>
 *
 * A transformed or cached RDD is no longer the stream's own RDD; {@link KafkaUtils#offsetRanges}
 * finds the ranges through narrow transformations and caching too.
 */
public interface HasOffsetRanges {

    /** The batch's offset ranges, in the order of the RDD's partitions (a fresh array each call). */
    OffsetRange[] offsetRanges();
}
