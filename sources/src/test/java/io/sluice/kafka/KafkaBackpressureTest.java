package io.sluice.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.SluiceConf;
import io.sluice.StreamingContext;
import io.sluice.Time;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backpressure of direct Kafka streams on a real single-node broker, batch by batch with the
 * manual clock: ranges shrink when processing slows and grow back when it is fast again; the
 * rate is split across partitions by lag, with at least one record per partition with lag; the
 * per-partition cap still holds; a batch re-run after a crash reads its logged ranges, not what
 * the (fresh) rate would give.
 *
 * <p>The first two batches of a stream are planned at {@code initialRate} (the estimator gives
 * no estimate for the first batch it sees, as Spark's), so their ranges are exact; later ranges
 * depend on measured delays and are asserted by bounds that hold on a loaded machine.
 */
class KafkaBackpressureTest {
    private static final Duration BATCH = Duration.ofSeconds(1);
    private static KafkaTestBroker broker;

    /** Batch time to the batch's offset ranges (the last run of that batch). */
    static final Map<Long, List<OffsetRange>> RANGES = new ConcurrentHashMap<>();
    static final AtomicBoolean SLOW = new AtomicBoolean();

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

    private static Map<String, Object> params() {
        Map<String, Object> p = new HashMap<>();
        p.put("bootstrap.servers", broker.bootstrapServers());
        p.put("key.deserializer", StringDeserializer.class);
        p.put("value.deserializer", StringDeserializer.class);
        p.put("auto.offset.reset", "earliest");
        p.put("default.api.timeout.ms", 10_000);
        return p;
    }

    private static SluiceConf conf(long initialRate) {
        return new SluiceConf(false).setMaster("local[2]").setAppName("kafka-backpressure")
                .set("sluice.streaming.clock", "manual")
                .set("sluice.streaming.checkpoint.interval", "2s")
                .set("sluice.streaming.writeAheadLog.durability", "process")
                .set("sluice.streaming.kafka.consumer.poll.ms", "30s")
                .set("sluice.streaming.backpressure.enabled", "true")
                .set("sluice.streaming.backpressure.initialRate", Long.toString(initialRate))
                .set("sluice.streaming.backpressure.pid.minRate", "10");
    }

    /** A stream of {@code topic} whose records sleep 5 ms each while SLOW, recording its ranges. */
    private static void pipeline(StreamingContext ssc, String topic) {
        KafkaUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent(),
                ConsumerStrategies.<String, String>Subscribe(List.of(topic), params())).foreachRDD((rdd, t) -> {
                    OffsetRange[] ranges = ((HasOffsetRanges) rdd).offsetRanges();
                    rdd.map(ConsumerRecord::value).map(v -> {
                        if (SLOW.get()) {
                            Thread.sleep(5);
                        }
                        return v;
                    }).count();
                    RANGES.put(t.milliseconds(), Arrays.asList(ranges));
                });
    }

    private static Time step(StreamingContext ssc) throws InterruptedException {
        Time t = ssc.manualClock().advance(BATCH);
        assertTrue(ssc.awaitBatchCompletion(t, Duration.ofSeconds(120)), "batch " + t + " did not complete");
        return t;
    }

    private static long total(Time t) {
        return RANGES.get(t.milliseconds()).stream().mapToLong(OffsetRange::count).sum();
    }

    private static List<String> values(int n) {
        return IntStream.range(0, n).mapToObj(i -> "v" + i).toList();
    }

    /**
     * Why the bounds hold on a loaded machine: while slowed, each record sleeps at least 5 ms on
     * one of the 2 task threads, so a batch is processed at most at 400 records/s, and with the
     * default gains the estimate is at most the processing rate: every batch planned after a slow
     * batch was measured holds at most 400 records. Once fast, a few hundred records are read and
     * counted far faster than 800 records/s, so some batch soon holds more than twice as many.
     */
    @Test
    void rangesShrinkWhenProcessingSlowsAndGrowBackWhenItIsFastAgain() throws Exception {
        RANGES.clear();
        broker.createTopic("bp-slow", 3);
        for (int p = 0; p < 3; p++) {
            broker.produce("bp-slow", p, values(4000));
        }
        StreamingContext ssc = new StreamingContext(conf(600), BATCH);
        pipeline(ssc, "bp-slow");
        List<Long> totals = new ArrayList<>();
        ssc.start();
        try {
            SLOW.set(true);
            for (int i = 0; i < 4; i++) {
                totals.add(total(step(ssc)));
            }
            SLOW.set(false);
            for (int i = 0; i < 5; i++) {
                totals.add(total(step(ssc)));
            }
        } finally {
            SLOW.set(false);
            ssc.stop();
        }
        // Batches 1 and 2 at the initial rate: 600 records/s x 1 s, 200 per partition (equal lags).
        assertEquals(600L, totals.get(0), "first batch at initialRate: " + totals);
        assertEquals(600L, totals.get(1), "no estimate after one batch: " + totals);
        // Batches 3 and 4 were planned after slow batches: at most 400 records.
        assertTrue(totals.get(2) <= 400 && totals.get(3) <= 400, "slowed processing shrinks the ranges: " + totals);
        assertTrue(totals.get(3) >= 10, "never below pid.minRate x batch: " + totals);
        // Batch 5 was planned after slow batch 4; batches 6.. after fast ones.
        long grown = totals.subList(5, totals.size()).stream().mapToLong(Long::longValue).max().orElseThrow();
        assertTrue(grown > 2 * totals.get(3), "the ranges grow back once processing is fast: " + totals);
    }

    @Test
    void theRateIsSplitAcrossPartitionsByLagWithAtLeastOneRecordEach() throws Exception {
        RANGES.clear();
        broker.createTopic("bp-split", 4);
        broker.produce("bp-split", 0, values(300));
        broker.produce("bp-split", 1, values(100));
        broker.produce("bp-split", 2, values(1));
        StreamingContext ssc = new StreamingContext(conf(200), BATCH);
        pipeline(ssc, "bp-split");
        ssc.start();
        Time t1;
        Time t2;
        try {
            t1 = step(ssc);
            t2 = step(ssc);
        } finally {
            ssc.stop();
        }
        // 200 records/s over lags 300:100:1:0 -> 149.6, 49.9, 0.5 -> 149, 49, and 1 (the minimum).
        assertEquals(List.of(OffsetRange.create("bp-split", 0, 0, 149), OffsetRange.create("bp-split", 1, 0, 49),
                OffsetRange.create("bp-split", 2, 0, 1), OffsetRange.create("bp-split", 3, 0, 0)),
                RANGES.get(t1.milliseconds()));
        // Still the initial rate; lags 151:51:0:0 -> 149.5, 50.5 -> 149, 50 (at most the lag).
        assertEquals(List.of(OffsetRange.create("bp-split", 0, 149, 298), OffsetRange.create("bp-split", 1, 49, 99),
                OffsetRange.create("bp-split", 2, 1, 1), OffsetRange.create("bp-split", 3, 0, 0)),
                RANGES.get(t2.milliseconds()));
    }

    @Test
    void maxRatePerPartitionCapsTheShareOfAPartitionFarBehind() throws Exception {
        RANGES.clear();
        broker.createTopic("bp-cap", 3);
        broker.produce("bp-cap", 0, values(400));
        broker.produce("bp-cap", 1, values(100));
        broker.produce("bp-cap", 2, values(100));
        StreamingContext ssc = new StreamingContext(conf(300).set("sluice.streaming.kafka.maxRatePerPartition", "60"),
                BATCH);
        pipeline(ssc, "bp-cap");
        ssc.start();
        Time t1;
        Time t2;
        try {
            t1 = step(ssc);
            t2 = step(ssc);
        } finally {
            ssc.stop();
        }
        // Shares 200, 50, 50 records/s; the first capped at 60 (its excess is not given to others).
        assertEquals(List.of(OffsetRange.create("bp-cap", 0, 0, 60), OffsetRange.create("bp-cap", 1, 0, 50),
                OffsetRange.create("bp-cap", 2, 0, 50)), RANGES.get(t1.milliseconds()));
        // Lags 340:50:50 -> shares 231.8, 34.1, 34.1 -> 60, 34, 34.
        assertEquals(List.of(OffsetRange.create("bp-cap", 0, 60, 120), OffsetRange.create("bp-cap", 1, 50, 84),
                OffsetRange.create("bp-cap", 2, 50, 84)), RANGES.get(t2.milliseconds()));
    }

    private static StreamingContext recoverable(String cp, long initialRate) {
        // The cap keeps estimate-sized batches from draining the topic: 300 records per batch at most.
        StreamingContext ssc = new StreamingContext(conf(initialRate)
                .set("sluice.streaming.kafka.maxRatePerPartition", "150"), BATCH);
        ssc.checkpoint(cp);
        pipeline(ssc, "bp-replay");
        return ssc;
    }

    @Test
    void aBatchReRunAfterACrashReadsItsLoggedRangesWhateverTheRateIsNow(@TempDir Path dir) throws Exception {
        RANGES.clear();
        broker.createTopic("bp-replay", 2);
        broker.produce("bp-replay", 0, values(1000));
        broker.produce("bp-replay", 1, values(1000));
        String cp = dir.resolve("cp").toString();
        StreamingContext first = StreamingContext.getOrCreate(cp, () -> recoverable(cp, 100));
        first.start();
        for (int i = 1; i <= 5; i++) {
            step(first);                  // checkpoints at 2000 and 4000; 5000 is only logged
        }
        Map<Long, List<OffsetRange>> firstRun = new TreeMap<>(RANGES);
        first.stop();                     // no checkpoint on stop: as after a crash

        // The recovered stream starts with a fresh estimator: new batches are planned at the
        // initial rate again (100 records/s), but batch 5000 keeps the ranges it was logged with.
        RANGES.clear();
        StreamingContext second = StreamingContext.getOrCreate(cp, () -> recoverable(cp, 100));
        second.manualClock().setTime(5000);
        second.start();
        try {
            assertTrue(second.awaitBatchCompletion(new Time(5000), Duration.ofSeconds(120)));
            step(second);
        } finally {
            second.stop();
        }
        assertEquals(firstRun.get(5000L), RANGES.get(5000L), "the re-run batch reads its logged ranges");
        long after = RANGES.get(6000L).stream().mapToLong(OffsetRange::count).sum();
        assertEquals(100L, after, "the first batch planned after recovery is at the initial rate: " + RANGES);
        // Batches 1000 and 2000 at the initial rate; 3000..5000 at estimates from batches of 100
        // records processed in well under a second (above 100 records/s), so batch 5000 was
        // logged larger than a batch planned at the initial rate: its re-run was not re-planned.
        assertEquals(100L, firstRun.get(1000L).stream().mapToLong(OffsetRange::count).sum(), "" + firstRun);
        long reRun = firstRun.get(5000L).stream().mapToLong(OffsetRange::count).sum();
        assertTrue(reRun > 100L && reRun <= 300L, "batch 5000 planned from an estimate, within the cap: " + firstRun);
        for (OffsetRange r : RANGES.get(6000L)) {
            OffsetRange before = firstRun.get(5000L).stream()
                    .filter(x -> x.topicPartition().equals(r.topicPartition())).findFirst().orElseThrow();
            assertEquals(before.untilOffset(), r.fromOffset(), "batch 6000 continues where 5000 ended: " + RANGES);
        }
    }
}
