package io.sluice.internal.kafka;

import io.sluice.SluiceException;
import io.sluice.kafka.OffsetRange;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumers that tasks read offset ranges with: one per task thread and stream, kept from
 * batch to batch (a consumer opens connections and fetch sessions, far too costly per task).
 *
 * <p>As in Spark, task-side consumers never join a group and never commit: a range is read with
 * {@code assign} and {@code seek}, with {@code auto.offset.reset=none} so that offsets deleted by
 * retention fail the task instead of silently skipping data. When a thread reads the next range
 * of the partition it read last (the usual case: partition i of batch t+1 starts where batch t
 * ended), the consumer is already positioned and its prefetched records are used, with no seek.
 *
 * <h2>Why one consumer per thread is safe</h2>
 * Kafka consumers are single-threaded, and a task's iterator runs on its task thread. Two
 * iterators of one thread may still interleave (a union or cartesian of two ranges): each
 * iterator remembers its next offset, and when it finds the thread's consumer last used by
 * another iterator it assigns and seeks again before polling, so reads never mix.
 *
 * <p>Thread-safe: {@link #close} may run on any thread once no task reads any more.
 */
final class TaskConsumers<K, V> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskConsumers.class);

    private final Map<String, Object> params;
    private final Duration pollTimeout;
    private final ThreadLocal<Slot<K, V>> slots = new ThreadLocal<>();
    private final Set<Consumer<K, V>> all = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private static final class Slot<K, V> {
        final Consumer<K, V> consumer;
        Object owner;

        Slot(Consumer<K, V> consumer) {
            this.consumer = consumer;
        }
    }

    /**
     * @param kafkaParams the stream's consumer parameters; fixed here for task-side reading
     * @param pollTimeout how long a read may wait for records before failing
     */
    TaskConsumers(Map<String, Object> kafkaParams, Duration pollTimeout) {
        this.params = taskParams(kafkaParams);
        this.pollTimeout = pollTimeout;
    }

    /** Spark's fixes for executor consumers: no commits, no reset, a group of their own, a decent buffer. */
    static Map<String, Object> taskParams(Map<String, Object> kafkaParams) {
        Map<String, Object> p = new HashMap<>(kafkaParams);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        Object group = kafkaParams.get(ConsumerConfig.GROUP_ID_CONFIG);
        if (group != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, "sluice-executor-" + group);
        }
        Object buffer = p.get(ConsumerConfig.RECEIVE_BUFFER_CONFIG);
        if (buffer == null || Integer.parseInt(buffer.toString()) < 65536) {
            p.put(ConsumerConfig.RECEIVE_BUFFER_CONFIG, 65536);
        }
        return Collections.unmodifiableMap(p);
    }

    /** The records of {@code range}, in offset order, read lazily on the calling thread. */
    Iterator<ConsumerRecord<K, V>> read(OffsetRange range) {
        if (range.count() == 0) {
            return Collections.emptyIterator();
        }
        return new RangeIterator(range);
    }

    private Slot<K, V> slot() {
        if (closed) {
            throw new IllegalStateException("The Kafka stream is stopped: its task consumers are closed");
        }
        Slot<K, V> s = slots.get();
        if (s == null) {
            Consumer<K, V> c = new KafkaConsumer<>(params);
            all.add(c);
            s = new Slot<>(c);
            slots.set(s);
        }
        return s;
    }

    @Override
    public void close() {
        closed = true;
        for (Consumer<K, V> c : all) {
            try {
                c.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                // A task that outlived the stop timeout may still hold it: its JVM-local sockets go with it.
                LOG.debug("Cannot close a task consumer: {}", e.toString());
            }
        }
        all.clear();
    }

    private final class RangeIterator implements Iterator<ConsumerRecord<K, V>> {
        private final OffsetRange range;
        private final TopicPartition tp;
        private long next;
        private Iterator<ConsumerRecord<K, V>> buffer = Collections.emptyIterator();
        private ConsumerRecord<K, V> pending;

        RangeIterator(OffsetRange range) {
            this.range = range;
            this.tp = range.topicPartition();
            this.next = range.fromOffset();
        }

        @Override
        public boolean hasNext() {
            while (pending == null && next < range.untilOffset()) {
                if (buffer.hasNext()) {
                    ConsumerRecord<K, V> r = buffer.next();
                    if (r.offset() < next) {
                        continue;
                    }
                    if (r.offset() >= range.untilOffset()) {
                        next = range.untilOffset();
                        break;
                    }
                    pending = r;
                    next = r.offset() + 1;
                } else {
                    fetch();
                }
            }
            return pending != null;
        }

        @Override
        public ConsumerRecord<K, V> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            ConsumerRecord<K, V> r = pending;
            pending = null;
            return r;
        }

        /** Polls until records at or after {@code next} arrive, or the position passes the range. */
        private void fetch() {
            Slot<K, V> s = slot();
            Consumer<K, V> c = s.consumer;
            long deadline = System.nanoTime() + pollTimeout.toNanos();
            try {
                if (s.owner != this) {
                    // Positioned already: the thread's last range of this partition ended here.
                    boolean positioned = s.owner != null && c.assignment().equals(Set.of(tp)) && c.position(tp) == next;
                    if (!positioned) {
                        c.assign(List.of(tp));
                        c.seek(tp, next);
                    }
                    s.owner = this;
                }
                while (true) {
                    long left = deadline - System.nanoTime();
                    List<ConsumerRecord<K, V>> records = c.poll(Duration.ofNanos(Math.max(0, Math.min(left,
                            Duration.ofMillis(500).toNanos())))).records(tp);
                    if (!records.isEmpty()) {
                        buffer = records.iterator();
                        return;
                    }
                    if (c.position(tp) >= range.untilOffset()) {
                        // Only gaps left (compaction, transaction markers, aborted records).
                        next = range.untilOffset();
                        return;
                    }
                    if (System.nanoTime() - deadline >= 0) {
                        throw new SluiceException("No records of " + range + " arrived from Kafka within "
                                + pollTimeout.toMillis() + " ms (next offset " + next + "): check that the"
                                + " brokers are reachable, or raise " + KafkaConfig.CONSUMER_POLL_TIMEOUT.name());
                    }
                }
            } catch (OffsetOutOfRangeException e) {
                s.owner = null;
                throw new SluiceException("Offsets of " + range + " from " + next + " are no longer in Kafka"
                        + " (deleted by retention before this batch read them): the batch cannot be read"
                        + " without losing data. Keep data in the topic longer than the application may be"
                        + " down (retention.ms / retention.bytes), or start from a fresh checkpoint directory"
                        + " to accept the loss", e);
            } catch (KafkaException e) {
                s.owner = null;
                throw new SluiceException("Cannot read " + range + " from Kafka at ["
                        + params.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG) + "]: " + e, e);
            }
        }
    }
}
