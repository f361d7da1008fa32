package io.sluice.internal.kafka;

import io.sluice.RDD;
import io.sluice.SluiceException;
import io.sluice.StreamingContext;
import io.sluice.Time;
import io.sluice.internal.config.StreamingConfig;
import io.sluice.internal.dstream.DirectInputDStream;
import io.sluice.internal.rate.RateController;
import io.sluice.internal.receiver.InputPlan;
import io.sluice.kafka.CanCommitOffsets;
import io.sluice.kafka.ConsumerStrategy;
import io.sluice.kafka.LocationStrategy;
import io.sluice.kafka.OffsetRange;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A direct (receiver-less) Kafka stream, as Spark's {@code DirectKafkaInputDStream}.
 *
 * <h2>How a batch is planned, and why it replays exactly</h2>
 * When batch t is generated, the stream's own consumer (on the job generator's thread) reads
 * the partitions the {@link ConsumerStrategy} names and their end offsets, and fixes one
 * {@link OffsetRange} per partition: from the stream's next offset to the end offset, bounded by
 * {@code sluice.streaming.kafka.maxRatePerPartition} and, with backpressure, by the stream's
 * latest rate estimate split across partitions by lag ({@link PartitionBudget}). The ranges are
 * the batch's plan, logged with t's allocation before any job of t runs; the ends become the
 * stream's position, which checkpoints keep. Tasks read the ranges with consumers of their own
 * ({@link TaskConsumers}); a re-run batch reads its logged ranges, hence the same records.
 * Offsets below a partition's log start (deleted by retention) fail the batch with a message
 * rather than skip data.
 *
 * <h2>Backpressure</h2>
 * With {@code sluice.streaming.backpressure.enabled}, the engine feeds this stream's
 * {@link RateController} (Spark's PID estimator) with every completed batch: the records the
 * batch's ranges held, its processing and scheduling delays. Planning reads the latest estimate
 * (before the first one, {@code backpressure.initialRate}, else no stream-wide bound). The rate
 * only shapes the ranges of batches planned from now on; a re-run batch reads its logged ranges.
 *
 * <p>Offsets committed to Kafka ({@link #commitAsync}) are for monitoring only: recovery never
 * reads them.
 */
public final class DirectKafkaInputDStream<K, V>
        extends DirectInputDStream<ConsumerRecord<K, V>, KafkaBatchPlan> implements CanCommitOffsets {
    private static final Logger LOG = LoggerFactory.getLogger(DirectKafkaInputDStream.class);

    private final ConsumerStrategy<K, V> strategy;
    private final LocationStrategy locations;
    private final PartitionBudget budget;
    private final Optional<RateController> rateController;
    /** With backpressure, the rate before the first estimate (records/s for the whole stream). */
    private final OptionalDouble initialRate;
    private final TaskConsumers<K, V> taskConsumers;
    private final ConcurrentLinkedQueue<PendingCommit> commits = new ConcurrentLinkedQueue<>();
    private final Object lock = new Object();

    /** Owned by the thread that resumes, plans and stops (one at a time, under {@code lock}). */
    private Consumer<K, V> consumer;
    private Map<TopicPartition, Long> next;
    private boolean stopped;
    /** Asynchronous commits sent and not yet answered (callbacks run on the same thread). */
    private int inFlight;

    private record PendingCommit(OffsetRange[] ranges, OffsetCommitCallback callback) {
    }

    /**
     * A stream of {@code ssc} reading what {@code strategy} names. Nothing is contacted before the
     * context starts. Users call {@link io.sluice.kafka.KafkaUtils#createDirectStream} instead.
     *
     * @throws NullPointerException if a strategy is null
     */
    public DirectKafkaInputDStream(StreamingContext ssc, LocationStrategy locations, ConsumerStrategy<K, V> strategy) {
        super(ssc);
        this.locations = Objects.requireNonNull(locations, "locationStrategy");
        this.strategy = Objects.requireNonNull(strategy, "consumerStrategy");
        this.budget = new PartitionBudget(ssc.graph().batchDuration().toMillis(),
                ssc.conf().getRequired(KafkaConfig.MAX_RATE_PER_PARTITION),
                ssc.conf().getRequired(KafkaConfig.MIN_RATE_PER_PARTITION));
        this.taskConsumers = new TaskConsumers<>(strategy.kafkaParams(),
                ssc.conf().getRequired(KafkaConfig.CONSUMER_POLL_TIMEOUT));
        this.rateController = RateController.forBackpressure(ssc.conf(), ssc.graph().batchDuration());
        this.initialRate = rateController.isPresent()
                ? ssc.conf().get(StreamingConfig.BACKPRESSURE_INITIAL_RATE)
                        .map(r -> OptionalDouble.of(r.doubleValue())).orElse(OptionalDouble.empty())
                : OptionalDouble.empty();
    }

    /**
     * With {@code sluice.streaming.backpressure.enabled}, the controller whose latest estimate
     * bounds each batch (see {@link PartitionBudget}); empty otherwise.
     */
    @Override
    public Optional<RateController> rateController() {
        return rateController;
    }

    /** The strategy this stream reads with. */
    public ConsumerStrategy<K, V> consumerStrategy() {
        return strategy;
    }

    /** The location strategy it was created with (all tasks run in this JVM). */
    public LocationStrategy locationStrategy() {
        return locations;
    }

    // ---------------------------------------------------------------- planning (generator thread)

    @Override
    public void resume(Serializable positionAfterLastBatch) {
        synchronized (lock) {
            consumer = openConsumer();
            Set<TopicPartition> parts = partitions();
            if (positionAfterLastBatch instanceof KafkaPosition p) {
                next = new TreeMap<>(orderOf());
                next.putAll(p.toMap());
                LOG.info("Kafka stream {} ({}) resumes at {}", id(), strategy, next);
            } else {
                next = startingOffsets(parts);
                LOG.info("Kafka stream {} ({}) starts at {}", id(), strategy, next);
            }
        }
    }

    @Override
    public InputPlan plan(Time time) {
        synchronized (lock) {
            if (next == null) {
                throw new IllegalStateException("Kafka stream " + id() + " planned before it was resumed; this is a bug");
            }
            commitPending();
            Set<TopicPartition> parts = partitions();
            for (var it = next.keySet().iterator(); it.hasNext(); ) {
                TopicPartition tp = it.next();
                if (!parts.contains(tp)) {
                    // A topic that no longer matches the pattern, or was deleted: nothing more to read there.
                    LOG.info("Kafka stream {} no longer reads {} (not named by {} any more) after offset {}", id(), tp,
                            strategy, next.get(tp));
                    it.remove();
                }
            }
            Map<TopicPartition, Long> begin;
            Map<TopicPartition, Long> end;
            try {
                List<TopicPartition> added = parts.stream().filter(tp -> !next.containsKey(tp)).toList();
                if (!added.isEmpty()) {
                    // Partitions that appeared while running are read from their start: none of their records is missed.
                    Map<TopicPartition, Long> first = consumer.beginningOffsets(added);
                    LOG.info("Kafka stream {} found new partitions, read from their beginning: {}", id(), first);
                    next.putAll(first);
                }
                begin = consumer.beginningOffsets(parts);
                end = consumer.endOffsets(parts);
            } catch (KafkaException e) {
                throw kafkaError("read the offsets of " + parts, e);
            }
            Map<TopicPartition, Long> lags = new LinkedHashMap<>();
            for (TopicPartition tp : parts) {
                long from = next.get(tp);
                long first = begin.get(tp);
                long last = end.get(tp);
                if (from < first) {
                    throw new SluiceException("Offsets [" + from + ", " + first + ") of " + tp + " were deleted by"
                            + " retention before Kafka stream " + id() + " read them: continuing would lose"
                            + " them. Keep data in the topic longer than the application may fall behind or be"
                            + " down (retention.ms / retention.bytes), or start from a fresh checkpoint"
                            + " directory to accept the loss");
                }
                if (from > last) {
                    throw new SluiceException("Kafka stream " + id() + " is at offset " + from + " of " + tp
                            + ", beyond its end offset " + last + " (topic deleted and recreated?): start from a"
                            + " fresh checkpoint directory");
                }
                lags.put(tp, last - from);
            }
            OptionalDouble rate = streamRate();
            Map<TopicPartition, Long> take = budget.split(lags, rate);
            List<OffsetRange> ranges = new ArrayList<>(parts.size());
            Map<TopicPartition, Long> after = new TreeMap<>(orderOf());
            for (TopicPartition tp : parts) {
                long from = next.get(tp);
                long until = from + take.get(tp);
                ranges.add(OffsetRange.create(tp, from, until));
                after.put(tp, until);
            }
            next = after;
            KafkaBatchPlan plan = new KafkaBatchPlan(ranges.toArray(new OffsetRange[0]));
            LOG.debug("Kafka stream {} batch {} (rate {} records/s): {}", id(), time,
                    rate.isPresent() ? rate.getAsDouble() : "unbounded", plan);
            return new InputPlan(plan, KafkaPosition.of(after), plan.count());
        }
    }

    @Override
    protected RDD<ConsumerRecord<K, V>> read(Time time, KafkaBatchPlan plan) {
        return new KafkaRDD<>(ssc.runtime().env(), plan.ranges(), taskConsumers);
    }

    /** With backpressure, the latest estimate, else the initial rate if set; empty: no stream-wide bound. */
    private OptionalDouble streamRate() {
        if (rateController.isEmpty()) {
            return OptionalDouble.empty();
        }
        OptionalDouble latest = rateController.get().latestRate();
        return latest.isPresent() ? latest : initialRate;
    }

    private static java.util.Comparator<TopicPartition> orderOf() {
        return java.util.Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);
    }

    // ---------------------------------------------------------------- offsets of a fresh start

    private Map<TopicPartition, Long> startingOffsets(Set<TopicPartition> parts) {
        Map<TopicPartition, Long> start = new TreeMap<>(orderOf());
        List<TopicPartition> rest = new ArrayList<>();
        for (TopicPartition tp : parts) {
            Long given = strategy.startingOffsets().get(tp);
            if (given != null) {
                start.put(tp, given);
            } else {
                rest.add(tp);
            }
        }
        try {
            if (!rest.isEmpty() && groupId() != null) {
                Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(rest));
                for (var it = rest.iterator(); it.hasNext(); ) {
                    TopicPartition tp = it.next();
                    OffsetAndMetadata o = committed.get(tp);
                    if (o != null) {
                        start.put(tp, o.offset());
                        it.remove();
                    }
                }
            }
            if (!rest.isEmpty()) {
                String reset = String.valueOf(strategy.kafkaParams().getOrDefault(
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest")).toLowerCase(Locale.ROOT);
                switch (reset) {
                    case "earliest" -> start.putAll(consumer.beginningOffsets(rest));
                    case "latest" -> start.putAll(consumer.endOffsets(rest));
                    case "none" -> throw new SluiceException("No committed offset for " + rest + " in group ["
                            + groupId() + "] and auto.offset.reset=none: commit offsets for the group, pass"
                            + " starting offsets to the consumer strategy, or set auto.offset.reset to earliest"
                            + " or latest");
                    default -> throw new SluiceException("Unsupported auto.offset.reset [" + reset + "] for a"
                            + " direct Kafka stream: use earliest, latest or none");
                }
            }
        } catch (KafkaException e) {
            throw kafkaError("read the starting offsets of " + parts, e);
        }
        return start;
    }

    // ---------------------------------------------------------------- commits

    @Override
    public void commitAsync(OffsetRange[] offsetRanges) {
        commitAsync(offsetRanges, null);
    }

    @Override
    public void commitAsync(OffsetRange[] offsetRanges, OffsetCommitCallback callback) {
        Objects.requireNonNull(offsetRanges, "offsetRanges");
        if (groupId() == null) {
            throw new IllegalStateException("Cannot commit offsets of Kafka stream " + id() + ": its kafkaParams"
                    + " have no " + ConsumerConfig.GROUP_ID_CONFIG + "; set one to commit offsets");
        }
        commits.add(new PendingCommit(offsetRanges.clone(), callback));
    }

    /** Sends the queued commits (merged, highest offset per partition) and lets Kafka's answers arrive. */
    private void commitPending() {
        Map<TopicPartition, OffsetAndMetadata> merged = new HashMap<>();
        List<OffsetCommitCallback> callbacks = new ArrayList<>();
        for (PendingCommit c; (c = commits.poll()) != null; ) {
            for (OffsetRange r : c.ranges()) {
                merged.merge(r.topicPartition(), new OffsetAndMetadata(r.untilOffset()),
                        (a, b) -> a.offset() >= b.offset() ? a : b);
            }
            if (c.callback() != null) {
                callbacks.add(c.callback());
            }
        }
        try {
            if (!merged.isEmpty()) {
                inFlight++;
                consumer.commitAsync(merged, (offsets, error) -> {
                    inFlight--;
                    if (error != null) {
                        LOG.warn("Kafka stream {}: committing offsets {} failed: {}", id(), offsets, error.toString());
                    }
                    callbacks.forEach(cb -> cb.onComplete(offsets, error));
                });
            }
            if (inFlight > 0 && !consumer.assignment().isEmpty()) {
                // Completes earlier asynchronous commits and runs their callbacks; the partitions are
                // paused, so nothing is fetched.
                consumer.poll(Duration.ZERO);
            }
        } catch (KafkaException e) {
            // Committed offsets only inform monitoring; recovery uses the checkpoint's offsets.
            LOG.warn("Kafka stream {}: cannot commit offsets {}: {}", id(), merged, e.toString());
        }
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void stop() {
        synchronized (lock) {
            if (stopped) {
                return;
            }
            stopped = true;
            if (consumer != null && groupId() != null) {
                try {
                    commitPending();
                    // An empty synchronous commit waits for the asynchronous ones and runs their callbacks.
                    consumer.commitSync(Map.of(), Duration.ofSeconds(5));
                } catch (RuntimeException e) {
                    LOG.warn("Kafka stream {}: pending offset commits may be lost: {}", id(), e.toString());
                }
            }
            if (consumer != null) {
                try {
                    consumer.close(Duration.ofSeconds(5));
                } catch (RuntimeException e) {
                    LOG.warn("Kafka stream {}: cannot close its consumer: {}", id(), e.toString());
                }
                consumer = null;
            }
        }
        taskConsumers.close();
    }

    // ---------------------------------------------------------------- helpers

    private Consumer<K, V> openConsumer() {
        Map<String, Object> p = new HashMap<>(strategy.kafkaParams());
        // Commits are explicit (commitAsync); automatic ones would commit positions nobody reads.
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try {
            return new KafkaConsumer<>(p);
        } catch (KafkaException e) {
            throw new SluiceException("Cannot create the Kafka consumer of stream " + id() + " (" + strategy
                    + "): " + rootMessage(e) + ". Check kafkaParams (bootstrap.servers, key.deserializer,"
                    + " value.deserializer)", e);
        }
    }

    /** The partitions to read now; the stream's own consumer is assigned to them, paused (never fetches). */
    private Set<TopicPartition> partitions() {
        Set<TopicPartition> parts;
        try {
            parts = strategy.partitions(consumer, apiTimeout());
        } catch (KafkaException e) {
            throw kafkaError("list the partitions of " + strategy, e);
        }
        if (!consumer.assignment().equals(parts)) {
            consumer.assign(parts);
            consumer.pause(parts);
            // A position for each partition, so that a poll (which only completes commits) never
            // resets offsets or looks up committed ones; it never fetches from there.
            parts.forEach(tp -> consumer.seek(tp, 0));
        }
        return parts;
    }

    private Duration apiTimeout() {
        Object t = strategy.kafkaParams().get(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG);
        return Duration.ofMillis(t == null ? 60_000 : Long.parseLong(t.toString()));
    }

    private String groupId() {
        Object g = strategy.kafkaParams().get(ConsumerConfig.GROUP_ID_CONFIG);
        return g == null ? null : g.toString();
    }

    private String servers() {
        return String.valueOf(strategy.kafkaParams().get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG));
    }

    private SluiceException kafkaError(String what, KafkaException e) {
        if (e instanceof org.apache.kafka.common.errors.TimeoutException) {
            return new SluiceException("Kafka stream " + id() + " could not " + what + ": no answer from the Kafka"
                    + " cluster at [" + servers() + "] within " + apiTimeout().toMillis() + " ms ("
                    + ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG + "). Check bootstrap.servers and that the"
                    + " brokers are up", e);
        }
        return new SluiceException("Kafka stream " + id() + " could not " + what + " at [" + servers() + "]: "
                + rootMessage(e), e);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t.getMessage() + ")";
    }
}
