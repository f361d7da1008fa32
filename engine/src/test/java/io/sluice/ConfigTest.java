package io.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.internal.config.StreamingConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Configuration values: bad ones fail with a SluiceException naming the key; durations parse as Spark's. */
class ConfigTest {
    private static final Duration BATCH = Duration.ofSeconds(1);

    private static SluiceConf base() {
        return new SluiceConf(false).setMaster("local[2]").setAppName("config")
                .set("sluice.streaming.clock", "manual");
    }

    /** Creates and starts a context with {@code conf}; returns the error of either step. */
    private static SluiceException failureOf(SluiceConf conf) {
        return assertThrows(SluiceException.class, () -> {
            try (StreamingContext ssc = new StreamingContext(conf, BATCH)) {
                ssc.queueStream(new ConcurrentLinkedQueue<RDD<String>>()).foreachRDD(rdd -> { });
                ssc.start();
            }
        });
    }

    private static void assertNames(SluiceException e, String key, String value) {
        assertTrue(e.getMessage().contains(key), "message should name [" + key + "]: " + e.getMessage());
        assertTrue(e.getMessage().contains(value), "message should show the value [" + value + "]: " + e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "0ms", "0", "-1s", "10 parsecs", "ms", ""})
    void badBlockIntervalNamesTheKey(String value) {
        SluiceException e = failureOf(base().set("sluice.streaming.blockInterval", value));
        assertNames(e, "sluice.streaming.blockInterval", "[" + value + "]");
        assertTrue(StreamingContext.getActive().isEmpty(), "a context that failed to start is not active");
    }

    @ParameterizedTest
    @ValueSource(strings = {"yarn", "local[0]", "local[-2]", "local[x]", "spark://127.0.0.1:7077", "LOCAL"})
    void badMasterNamesTheKey(String value) {
        SluiceException e = failureOf(base().setMaster(value));
        assertNames(e, "sluice.master", value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "two", "1.5"})
    void badConcurrentJobsNamesTheKey(String value) {
        SluiceException e = failureOf(base().set("sluice.streaming.concurrentJobs", value));
        assertNames(e, "sluice.streaming.concurrentJobs", value);
        assertTrue(StreamingContext.getActive().isEmpty(), "a context that failed to start is not active");
    }

    @Test
    void badClockNamesTheKey() {
        SluiceException e = failureOf(base().set("sluice.streaming.clock", "fast"));
        assertNames(e, "sluice.streaming.clock", "fast");
    }

    @Test
    void badDefaultParallelismNamesTheKey() {
        SluiceException e = failureOf(base().set("sluice.default.parallelism", "0"));
        assertNames(e, "sluice.default.parallelism", "0");
    }

    @Test
    void aContextThatFailedToStartLeavesRoomForAnother() throws Exception {
        failureOf(base().set("sluice.streaming.concurrentJobs", "0"));
        try (StreamingContext ssc = new StreamingContext(base(), BATCH)) {
            ConcurrentLinkedQueue<RDD<Integer>> q = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<Long> counts = new ConcurrentLinkedQueue<>();
            ssc.queueStream(q).count().foreachRDD(rdd -> counts.addAll(rdd.collect()));
            q.add(ssc.parallelize(List.of(1, 2), 1));
            ssc.start();
            Time t = ssc.manualClock().advance(BATCH);
            assertTrue(ssc.awaitBatchCompletion(t, Duration.ofSeconds(10)));
            assertEquals(List.of(2L), List.copyOf(counts));
        }
    }

    @ParameterizedTest
    @CsvSource({
        "200ms, 200",
        "2s, 2000",
        "1min, 60000",
        "1m, 60000",
        "1h, 3600000",
        "500, 500",
        "' 3S ', 3000",
        "10MS, 10",
    })
    void durationsParse(String text, long expectedMs) {
        assertEquals(Duration.ofMillis(expectedMs), StreamingConfig.parseDuration(text));
        assertEquals(Duration.ofMillis(expectedMs),
                new SluiceConf(false).set("sluice.streaming.blockInterval", text)
                        .get(StreamingConfig.BLOCK_INTERVAL).orElseThrow());
    }

    /** Spark's time strings (JavaUtils.timeStringAsMs) also accept days, "d". */
    @Test
    void daysParseAsInSpark() {
        assertEquals(Duration.ofDays(1), StreamingConfig.parseDuration("1d"));
    }

    @Test
    void contextStartsWithDurationsInEveryUnit() throws Exception {
        SluiceConf conf = base()
                .set("sluice.streaming.blockInterval", "1min")
                .set("sluice.streaming.receiverRestartDelay", "2s")
                .set("sluice.streaming.concurrentJobs", "2");
        try (StreamingContext ssc = new StreamingContext(conf, BATCH)) {
            ConcurrentLinkedQueue<RDD<Integer>> q = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<Long> counts = new ConcurrentLinkedQueue<>();
            ssc.queueStream(q).count().foreachRDD(rdd -> counts.addAll(rdd.collect()));
            q.add(ssc.parallelize(List.of(1, 2, 3), 2));
            ssc.start();
            Time t = ssc.manualClock().advance(BATCH);
            assertTrue(ssc.awaitBatchCompletion(t, Duration.ofSeconds(10)));
            assertEquals(List.of(3L), List.copyOf(counts));
            assertEquals(Duration.ofMinutes(1), ssc.conf().get(StreamingConfig.BLOCK_INTERVAL).orElseThrow());
        }
    }

    @Test
    void defaultsParse() {
        SluiceConf empty = new SluiceConf(false);
        for (var key : StreamingConfig.ALL) {
            if (key.defaultValue() != null) {
                assertEquals(true, empty.get(key).isPresent(), key.name());
            }
        }
        assertEquals(Duration.ofMillis(200), empty.getRequired(StreamingConfig.BLOCK_INTERVAL));
        assertEquals(Duration.ofSeconds(2), empty.getRequired(StreamingConfig.RECEIVER_RESTART_DELAY));
        assertEquals(1, empty.getRequired(StreamingConfig.CONCURRENT_JOBS));
    }
}
