package io.sluice.kafka;

import org.apache.kafka.clients.consumer.OffsetCommitCallback;

/**
 * Implemented by direct Kafka streams: commits offsets to Kafka under the stream's
 * {@code group.id}, for monitoring tools and other consumers of the group.
 *
 * <p>Committed offsets are a courtesy: Sluice recovers from the offsets kept in its own tracker
 * log and checkpoints, never from Kafka's committed offsets (only a fresh start with an empty
 * checkpoint directory begins at the committed offsets). Commit the ranges of a batch after its
 * outputs are written, as in Spark:
 *
 * <pre>{@code
 * stream.foreachRDD(rdd -> {
 *     OffsetRange[] ranges = ((HasOffsetRanges) rdd).offsetRanges();
 *     rdd.map(ConsumerRecord::value).saveAsTextFile(...);
 *     ((CanCommitOffsets) stream).commitAsync(ranges);
 * });
 * }</pre>
 */
public interface CanCommitOffsets {

    /**
     * Queues the {@code untilOffset} of each range for a commit. The commit is sent by the
     * stream's own consumer when the next batch is generated (Kafka consumers are single
     * threaded), or when the context stops. Thread-safe; returns at once.
     *
     * @throws IllegalStateException if the stream's Kafka parameters have no {@code group.id}
     */
    void commitAsync(OffsetRange[] offsetRanges);

    /**
     * As {@link #commitAsync(OffsetRange[])}; {@code callback} is called on the thread that
     * generates batches once Kafka has answered (at a later batch, or when the context stops).
     *
     * @throws IllegalStateException if the stream's Kafka parameters have no {@code group.id}
     */
    void commitAsync(OffsetRange[] offsetRanges, OffsetCommitCallback callback);
}
