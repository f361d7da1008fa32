package io.sluice.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.DStream;
import io.sluice.SluiceConf;
import io.sluice.SluiceException;
import io.sluice.StreamingContext;
import io.sluice.Time;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Direct Kafka streams against a real single-node broker, driven batch by batch with the manual
 * clock: offset ranges per batch for each consumer strategy, the per-partition rate cap,
 * committed offsets, exact replay of a batch after a crash, an exactly-once Kafka-to-file
 * pipeline across a crash, and the errors a user can cause.
 */
class DirectKafkaStreamTest {
    private static final Duration BATCH = Duration.ofSeconds(1);
    private static KafkaTestBroker broker;

    /** Batch time to the batch's records as {@code topic/partition/offset=value}, in range order. */
    static final Map<Long, List<String>> OUT = new ConcurrentHashMap<>();
    /** Batch time to the batch's offset ranges. */
    static final Map<Long, List<OffsetRange>> RANGES = new ConcurrentHashMap<>();
    static final Map<Long, Integer> RUNS = new ConcurrentHashMap<>();

    @BeforeAll
    static void startBroker() throws Exception {
        broker = KafkaTestBroker.start();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private static Map<String, Object> params(String group) {
        Map<String, Object> p = new HashMap<>();
        p.put("bootstrap.servers", broker.bootstrapServers());
        p.put("key.deserializer", StringDeserializer.class);
        p.put("value.deserializer", StringDeserializer.class);
        p.put("auto.offset.reset", "earliest");
        p.put("default.api.timeout.ms", 10_000);
        if (group != null) {
            p.put("group.id", group);
        }
        return p;
    }

    private static SluiceConf conf() {
        return new SluiceConf(false).setMaster("local[2]").setAppName("kafka-test")
                .set("sluice.streaming.clock", "manual")
                .set("sluice.streaming.checkpoint.interval", "2s")
                .set("sluice.streaming.writeAheadLog.durability", "process")
                .set("sluice.streaming.kafka.consumer.poll.ms", "30s");
    }

    /** Records every batch's records and ranges into OUT / RANGES, from the stream's own RDD. */
    private static void record(DStream<ConsumerRecord<String, String>> stream) {
        stream.foreachRDD((rdd, t) -> {
            OffsetRange[] ranges = ((HasOffsetRanges) rdd).offsetRanges();
            List<String> values = rdd.map(r -> r.topic() + "/" + r.partition() + "/" + r.offset() + "=" + r.value())
                    .collect();
            RANGES.put(t.milliseconds(), Arrays.asList(ranges));
            OUT.put(t.milliseconds(), values);
            RUNS.merge(t.milliseconds(), 1, Integer::sum);
        });
    }

    private static void clear() {
        OUT.clear();
        RANGES.clear();
        RUNS.clear();
    }

    private static Time step(StreamingContext ssc) throws InterruptedException {
        Time t = ssc.manualClock().advance(BATCH);
        assertTrue(ssc.awaitBatchCompletion(t, Duration.ofSeconds(60)), "batch " + t + " did not complete");
        return t;
    }

    private static List<String> values(String prefix, int from, int until) {
        return IntStream.range(from, until).mapToObj(i -> prefix + i).toList();
    }

    private static List<String> expected(String topic, int partition, long firstOffset, List<String> values) {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            l.add(topic + "/" + partition + "/" + (firstOffset + i) + "=" + values.get(i));
        }
        return l;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> l = new ArrayList<>(a);
        l.addAll(b);
        return l;
    }

    @Test
    void subscribeReadsWhatArrivedBeforeEachBatchInFixedOffsetRanges() throws Exception {
        clear();
        broker.createTopic("sub", 2);
        broker.produce("sub", 0, values("a", 0, 10));
        broker.produce("sub", 1, values("b", 0, 4));
        StreamingContext ssc = new StreamingContext(conf(), BATCH);
        record(KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent(),
                ConsumerStrategies.<String, String>Subscribe(List.of("sub"), params(null))));
        ssc.start();
        try {
            Time t1 = step(ssc);
            broker.produce("sub", 0, values("a", 10, 15));
            Time t2 = step(ssc);
            Time t3 = step(ssc);

            assertEquals(List.of(OffsetRange.create("sub", 0, 0, 10), OffsetRange.create("sub", 1, 0, 4)),
                    RANGES.get(t1.milliseconds()));
            assertEquals(concat(expected("sub", 0, 0, values("a", 0, 10)), expected("sub", 1, 0, values("b", 0, 4))),
                    OUT.get(t1.milliseconds()));
            assertEquals(List.of(OffsetRange.create("sub", 0, 10, 15), OffsetRange.create("sub", 1, 4, 4)),
                    RANGES.get(t2.milliseconds()));
            assertEquals(expected("sub", 0, 10, values("a", 10, 15)), OUT.get(t2.milliseconds()));
            assertEquals(List.of(), OUT.get(t3.milliseconds()));
        } finally {
            ssc.stop();
        }
    }

    @Test
    void assignReadsOnlyItsPartitionsFromTheGivenOffsets() throws Exception {
        clear();
        broker.createTopic("assign", 3);
        for (int p = 0; p < 3; p++) {
            broker.produce("assign", p, values("p" + p + "-", 0, 6));
        }
        TopicPartition p1 = new TopicPartition("assign", 1);
        TopicPartition p2 = new TopicPartition("assign", 2);
        StreamingContext ssc = new StreamingContext(conf(), BATCH);
        record(KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent(),
                ConsumerStrategies.<String, String>Assign(List.of(p2, p1), params(null), Map.of(p1, 4L))));
        ssc.start();
        try {
            Time t1 = step(ssc);
            assertEquals(List.of(OffsetRange.create("assign", 1, 4, 6), OffsetRange.create("assign", 2, 0, 6)),
                    RANGES.get(t1.milliseconds()));
            assertEquals(concat(expected("assign", 1, 4, values("p1-", 4, 6)), expected("assign", 2, 0, values("p2-", 0, 6))),
                    OUT.get(t1.milliseconds()));
        } finally {
            ssc.stop();
        }
    }

    @Test
    void subscribePatternPicksUpTopicsCreatedWhileRunningFromTheirStart() throws Exception {
        clear();
        broker.createTopic("pat-a", 1);
        broker.createTopic("other", 1);
        broker.produce("pat-a", 0, values("a", 0, 3));
        broker.produce("other", 0, values("o", 0, 3));
        StreamingContext ssc = new StreamingContext(conf(), BATCH);
        Map<String, Object> p = params(null);
        p.put("auto.offset.reset", "latest");
        record(KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent(),
                ConsumerStrategies.<String, String>SubscribePattern(Pattern.compile("pat-.*"), p)));
        ssc.start();
        try {
            Time t1 = step(ssc);
            broker.createTopic("pat-b", 1);
            broker.produce("pat-b", 0, values("b", 0, 2));
            broker.produce("pat-a", 0, values("a", 3, 4));
            Time t2 = step(ssc);
            // latest: what pat-a held at the start is skipped; pat-b, new, is read from offset 0.
            assertEquals(List.of(OffsetRange.create("pat-a", 0, 3, 3)), RANGES.get(t1.milliseconds()));
            assertEquals(List.of(OffsetRange.create("pat-a", 0, 3, 4), OffsetRange.create("pat-b", 0, 0, 2)),
                    RANGES.get(t2.milliseconds()));
            assertEquals(concat(expected("pat-a", 0, 3, values("a", 3, 4)), expected("pat-b", 0, 0, values("b", 0, 2))),
                    OUT.get(t2.milliseconds()));
        } finally {
            ssc.stop();
        }
    }

    @Test
    void maxRatePerPartitionCapsEachRange() throws Exception {
        clear();
        broker.createTopic("capped", 2);
        broker.produce("capped", 0, values("a", 0, 12));
        broker.produce("capped", 1, values("b", 0, 3));
        StreamingContext ssc = new StreamingContext(conf().set("sluice.streaming.kafka.maxRatePerPartition", "5"),
                BATCH);
        record(KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent(),
                ConsumerStrategies.<String, String>Subscribe(List.of("capped"), params(null))));
        ssc.start();
        try {
            Time t1 = step(ssc);
            Time t2 = step(ssc);
            Time t3 = step(ssc);
            // 5 records/s/partition x 1 s batches.
            assertEquals(List.of(OffsetRange.create("capped", 0, 0, 5), OffsetRange.create("capped", 1, 0, 3)),
                    RANGES.get(t1.milliseconds()));
            assertEquals(List.of(OffsetRange.create("capped", 0, 5, 10), OffsetRange.create("capped", 1, 3, 3)),
                    RANGES.get(t2.milliseconds()));
            assertEquals(List.of(OffsetRange.create("capped", 0, 10, 12), OffsetRange.create("capped", 1, 3, 3)),
                    RANGES.get(t3.milliseconds()));
            assertEquals(expected("capped", 0, 5, values("a", 5, 10)), OUT.get(t2.milliseconds()));
        } finally {
            ssc.stop();
        }
    }

    @Test
    void commitAsyncCommitsToKafkaAndAFreshStreamStartsThere() throws Exception {
        clear();
        broker.createTopic("commits", 2);
        broker.produce("commits", 0, values("a", 0, 7));
        broker.produce("commits", 1, values("b", 0, 2));
        List<Map<TopicPartition, OffsetAndMetadata>> callbacks = new CopyOnWriteArrayList<>();
        StreamingContext ssc = new StreamingContext(conf(), BATCH);
        DStream<ConsumerRecord<String, String>> stream = KafkaUtils.createDirectStream(ssc,
                LocationStrategies.PreferConsistent(),
                ConsumerStrategies.<String, String>Subscribe(List.of("commits"), params("group-c")));
        stream.foreachRDD(rdd -> {
            OffsetRange[] ranges = ((HasOffsetRanges) rdd).offsetRanges();
            rdd.count();
            ((CanCommitOffsets) stream).commitAsync(ranges, (offsets, error) -> {
                if (error == null) {
                    callbacks.add(offsets);
                }
            });
        });
        ssc.start();
        try {
            step(ssc);   // commits [0,7) and [0,2) after its output
            step(ssc);   // sends the commit
            Map<TopicPartition, OffsetAndMetadata> expected = Map.of(
                    new TopicPartition("commits", 0), new OffsetAndMetadata(7),
                    new TopicPartition("commits", 1), new OffsetAndMetadata(2));
            long deadline = System.currentTimeMillis() + 30_000;
            while (!offsetsOnly(broker.committedOffsets("group-c")).equals(offsetsOnly(expected))
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);  // waiting for Kafka, not for a batch
            }
            assertEquals(offsetsOnly(expected), offsetsOnly(broker.committedOffsets("group-c")));
        } finally {
            ssc.stop();
        }
        assertTrue(callbacks.stream().anyMatch(m -> offsetsOnly(m).equals(Map.of(
                new TopicPartition("commits", 0), 7L, new TopicPartition("commits", 1), 2L))),
                "the commit callback ran with the committed offsets: " + callbacks);

        // A fresh stream of the same group starts at the committed offsets, not at auto.offset.reset.
        clear();
        broker.produce("commits", 0, values("a", 7, 9));
        StreamingContext again = new StreamingContext(conf(), BATCH);
        record(KafkaUtils.createDirectStream(again, LocationStrategies.PreferConsistent(),
                ConsumerStrategies.<String, String>Subscribe(List.of("commits"), params("group-c"))));
        again.start();
        try {
            Time t = step(again);
            assertEquals(List.of(OffsetRange.create("commits", 0, 7, 9), OffsetRange.create("commits", 1, 2, 2)),
                    RANGES.get(t.milliseconds()));
        } finally {
            again.stop();
        }
    }

    private static Map<TopicPartition, Long> offsetsOnly(Map<TopicPartition, OffsetAndMetadata> m) {
        Map<TopicPartition, Long> r = new HashMap<>();
        m.forEach((k, v) -> r.put(k, v == null ? null : v.offset()));
        return r;
    }

    @Test
    void commitAsyncWithoutGroupIdIsRefused() {
        StreamingContext ssc = new StreamingContext(conf(), BATCH);
        try {
            DStream<ConsumerRecord<String, String>> s = KafkaUtils.createDirectStream(ssc,
                    LocationStrategies.PreferConsistent(),
                    ConsumerStrategies.<String, String>Subscribe(List.of("any"), params(null)));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> ((CanCommitOffsets) s).commitAsync(new OffsetRange[0]));
            assertTrue(e.getMessage().contains("group.id"), e.getMessage());
        } finally {
            ssc.stop();
        }
    }

    // ---------------------------------------------------------------- recovery

    private static StreamingContext recoverable(String cp, String topic, Consumer<DStream<ConsumerRecord<String, String>>> outputs) {
        StreamingContext ssc = new StreamingContext(conf().set("sluice.streaming.kafka.maxRatePerPartition", "4"), BATCH);
        ssc.checkpoint(cp);
        outputs.accept(KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent(),
                ConsumerStrategies.<String, String>Subscribe(List.of(topic), params("group-r"))));
        return ssc;
    }

    @Test
    void aBatchReRunAfterACrashReadsExactlyTheSameRecords(@TempDir Path dir) throws Exception {
        clear();
        broker.createTopic("replay", 2);
        broker.produce("replay", 0, values("a", 0, 30));
        broker.produce("replay", 1, values("b", 0, 30));
        String cp = dir.resolve("cp").toString();
        StreamingContext first = StreamingContext.getOrCreate(cp, () -> recoverable(cp, "replay",
                DirectKafkaStreamTest::record));
        first.start();
        for (int i = 1; i <= 5; i++) {
            step(first);                  // checkpoints at 2000 and 4000; 5000 is only logged
        }
        Map<Long, List<String>> firstRun = new TreeMap<>(OUT);
        first.stop();                     // no checkpoint on stop: as after a crash

        broker.produce("replay", 0, values("a", 30, 33));
        StreamingContext second = StreamingContext.getOrCreate(cp, () -> recoverable(cp, "replay",
                DirectKafkaStreamTest::record));
        second.manualClock().setTime(6000);
        second.start();
        assertTrue(second.awaitBatchCompletion(new Time(6000), Duration.ofSeconds(60)));
        for (int i = 0; i < 4; i++) {
            step(second);
        }
        second.stop();

        // Batch 5000 ran twice, the second time from its logged ranges: the same records.
        assertEquals(2, RUNS.get(5000L));
        assertEquals(firstRun.get(5000L), OUT.get(5000L));
        assertEquals(List.of(OffsetRange.create("replay", 0, 16, 20), OffsetRange.create("replay", 1, 16, 20)),
                RANGES.get(5000L));
        // Every record appears exactly once over the batches 1000..10000, in offset order.
        List<String> all = new ArrayList<>();
        for (long t = 1000; t <= 10_000; t += 1000) {
            assertTrue(OUT.containsKey(t), "batch " + t + " missing");
            all.addAll(OUT.get(t));
        }
        List<String> p0 = all.stream().filter(s -> s.startsWith("replay/0/")).toList();
        List<String> p1 = all.stream().filter(s -> s.startsWith("replay/1/")).toList();
        assertEquals(expected("replay", 0, 0, values("a", 0, 33)), p0);
        assertEquals(expected("replay", 1, 0, values("b", 0, 30)), p1);
    }

    @Test
    void kafkaToFilesIsExactlyOnceAcrossACrash(@TempDir Path dir) throws Exception {
        broker.createTopic("tofile", 3);
        for (int p = 0; p < 3; p++) {
            broker.produce("tofile", p, values("p" + p + "-", 0, 20));
        }
        String cp = dir.resolve("cp").toString();
        String prefix = dir.resolve("out/values").toString();
        Consumer<DStream<ConsumerRecord<String, String>>> save = s ->
                s.map(ConsumerRecord::value).saveAsTextFiles(prefix, "txt");
        StreamingContext first = StreamingContext.getOrCreate(cp, () -> recoverable(cp, "tofile", save));
        first.start();
        for (int i = 1; i <= 3; i++) {
            step(first);                  // checkpoint at 2000; 3000 logged and written
        }
        first.stop();                     // crash after batch 3000 wrote its files

        for (int p = 0; p < 3; p++) {
            broker.produce("tofile", p, values("p" + p + "-", 20, 25));
        }
        StreamingContext second = StreamingContext.getOrCreate(cp, () -> recoverable(cp, "tofile", save));
        second.manualClock().setTime(3000);
        second.start();
        assertTrue(second.awaitBatchCompletion(new Time(3000), Duration.ofSeconds(60)));
        for (int i = 0; i < 4; i++) {
            step(second);
        }
        second.stop();

        List<String> written = readAllOutputs(dir.resolve("out"));
        List<String> produced = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            produced.addAll(values("p" + p + "-", 0, 25));
        }
        written.sort(null);
        produced.sort(null);
        assertEquals(produced, written);
    }

    private static List<String> readAllOutputs(Path out) throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> s = Files.walk(out)) {
            for (Path p : s.filter(f -> f.getFileName().toString().startsWith("part-")).toList()) {
                Files.readAllLines(p, StandardCharsets.UTF_8).stream().filter(l -> !l.isEmpty()).forEach(lines::add);
            }
        }
        return lines;
    }

    // ---------------------------------------------------------------- errors

    @Test
    void aMissingTopicFailsTheStartNamingTheTopic() {
        StreamingContext ssc = new StreamingContext(conf(), BATCH);
        KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent(),
                ConsumerStrategies.<String, String>Subscribe(List.of("no-such-topic"), params(null))).print();
        SluiceException e = assertThrows(SluiceException.class, ssc::start);
        assertTrue(e.getMessage().contains("Topic [no-such-topic] does not exist"), e.getMessage());
    }

    @Test
    void aMissingAssignedPartitionFailsTheStart() throws Exception {
        broker.createTopic("two", 2);
        StreamingContext ssc = new StreamingContext(conf(), BATCH);
        KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent(),
                ConsumerStrategies.<String, String>Assign(List.of(new TopicPartition("two", 5)), params(null))).print();
        SluiceException e = assertThrows(SluiceException.class, ssc::start);
        assertTrue(e.getMessage().contains("Partition [two-5] does not exist") && e.getMessage().contains("0..1"),
                e.getMessage());
    }

    @Test
    void anUnreachableClusterFailsTheStartNamingTheAddress() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        Map<String, Object> p = params(null);
        p.put("bootstrap.servers", "127.0.0.1:" + port);
        p.put("default.api.timeout.ms", 2_000);
        StreamingContext ssc = new StreamingContext(conf(), BATCH);
        KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent(),
                ConsumerStrategies.<String, String>Subscribe(List.of("t"), p)).print();
        SluiceException e = assertThrows(SluiceException.class, ssc::start);
        assertTrue(e.getMessage().contains("no answer from the Kafka cluster at [127.0.0.1:" + port + "]"),
                e.getMessage());
    }

    @Test
    void resetNoneWithoutCommittedOffsetsFailsTheStart() throws Exception {
        broker.createTopic("reset-none", 1);
        Map<String, Object> p = params("fresh-group");
        p.put("auto.offset.reset", "none");
        StreamingContext ssc = new StreamingContext(conf(), BATCH);
        KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent(),
                ConsumerStrategies.<String, String>Subscribe(List.of("reset-none"), p)).print();
        SluiceException e = assertThrows(SluiceException.class, ssc::start);
        assertTrue(e.getMessage().contains("auto.offset.reset=none"), e.getMessage());
    }

    @Test
    void offsetsDeletedByRetentionBeforeTheyWereReadFailTheBatch() throws Exception {
        broker.createTopic("retention", 1);
        broker.produce("retention", 0, values("r", 0, 10));
        TopicPartition tp = new TopicPartition("retention", 0);
        StreamingContext ssc = new StreamingContext(conf(), BATCH);
        KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent(),
                ConsumerStrategies.<String, String>Assign(List.of(tp), params(null), Map.of(tp, 0L))).print();
        ssc.start();
        try {
            broker.deleteRecordsBefore(tp, 6);
            Time t = ssc.manualClock().advance(BATCH);
            SluiceException e = assertThrows(SluiceException.class,
                    () -> ssc.awaitBatchCompletion(t, Duration.ofSeconds(60)));
            assertTrue(messages(e).contains("Offsets [0, 6) of retention-0 were deleted by retention"), messages(e));
        } finally {
            ssc.stop();
        }
    }

    @Test
    void aReRunBatchWhoseRecordsWereDeletedWhileDownFailsClearly(@TempDir Path dir) throws Exception {
        clear();
        broker.createTopic("gone", 1);
        broker.produce("gone", 0, values("g", 0, 30));
        String cp = dir.resolve("cp").toString();
        StreamingContext first = StreamingContext.getOrCreate(cp, () -> recoverable(cp, "gone",
                DirectKafkaStreamTest::record));
        first.start();
        for (int i = 1; i <= 3; i++) {
            step(first);                  // checkpoint at 2000; batch 3000 = [8, 12) only logged
        }
        first.stop();
        broker.deleteRecordsBefore(new TopicPartition("gone", 0), 10);
        StreamingContext second = StreamingContext.getOrCreate(cp, () -> recoverable(cp, "gone",
                DirectKafkaStreamTest::record));
        second.manualClock().setTime(3000);
        try {
            second.start();
            SluiceException e = assertThrows(SluiceException.class,
                    () -> second.awaitBatchCompletion(new Time(3000), Duration.ofSeconds(60)));
            assertTrue(messages(e).contains("are no longer in Kafka (deleted by retention"), messages(e));
        } finally {
            second.stop();
        }
    }

    private static String messages(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            sb.append(t.getMessage()).append(" | ");
        }
        return sb.toString();
    }
}
