package io.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rate source, and through it the direct-input contract: a batch's contents are fixed and
 * logged when it is generated, a re-run batch reads the same data, and a recovered stream
 * continues from the position after the last logged batch (no number missing or repeated).
 */
class RateStreamTest {
    private static final Duration BATCH = Duration.ofSeconds(1);
    /** Batch time to the sorted numbers of that batch, per run. */
    static final Map<Long, List<Long>> OUT = new ConcurrentHashMap<>();
    static final Map<Long, Integer> RUNS = new ConcurrentHashMap<>();

    private static StreamingContext app(String cp, boolean wal) {
        SluiceConf conf = new SluiceConf(false).setMaster("local[2]").setAppName("rate")
                .set("sluice.streaming.clock", "manual")
                .set("sluice.streaming.checkpoint.interval", "2s")
                .set("sluice.streaming.receiver.writeAheadLog.enable", Boolean.toString(wal))
                .set("sluice.streaming.writeAheadLog.durability", "process");
        StreamingContext ssc = new StreamingContext(conf, BATCH);
        if (cp != null) {
            ssc.checkpoint(cp);
        }
        ssc.rateStream(7, 3).foreachRDD((rdd, t) -> {
            List<Long> values = new ArrayList<>(rdd.collect());
            values.sort(null);
            OUT.put(t.milliseconds(), values);
            RUNS.merge(t.milliseconds(), 1, Integer::sum);
        });
        return ssc;
    }

    private static Time step(StreamingContext ssc) throws InterruptedException {
        Time t = ssc.manualClock().advance(BATCH);
        assertTrue(ssc.awaitBatchCompletion(t, Duration.ofSeconds(20)), "batch " + t + " did not complete");
        return t;
    }

    private static List<Long> range(long from, long until) {
        return LongStream.range(from, until).boxed().toList();
    }

    @Test
    void eachBatchGetsTheNumbersDueInIt() throws Exception {
        OUT.clear();
        StreamingContext ssc = app(null, false);
        ssc.start();
        for (int i = 1; i <= 4; i++) {
            step(ssc);
        }
        ssc.stop();
        assertEquals(range(0, 7), OUT.get(1000L));
        assertEquals(range(7, 14), OUT.get(2000L));
        assertEquals(range(21, 28), OUT.get(4000L));
    }

    @ParameterizedTest(name = "wal={0}")
    @ValueSource(booleans = {true, false})
    void recoveredStreamNeitherSkipsNorRepeats(boolean wal, @TempDir Path dir) throws Exception {
        OUT.clear();
        RUNS.clear();
        String cp = dir.resolve("cp").toString();
        StreamingContext first = StreamingContext.getOrCreate(cp, () -> app(cp, wal));
        first.start();
        for (int i = 1; i <= 5; i++) {
            step(first);                         // checkpoints at 2000 and 4000; 5000 is only logged
        }
        Map<Long, List<Long>> firstRun = new TreeMap<>(OUT);
        first.stop();                            // no checkpoint on stop: as after a crash

        StreamingContext second = StreamingContext.getOrCreate(cp, () -> app(cp, wal));
        second.manualClock().setTime(7000);      // down for two batch times
        second.start();
        assertTrue(second.awaitBatchCompletion(new Time(7000), Duration.ofSeconds(20)));
        step(second);
        second.stop();

        // Batch 5000 was re-run from its logged plan, with exactly its first run's numbers.
        assertEquals(firstRun.get(5000L), OUT.get(5000L));
        assertEquals(2, RUNS.get(5000L));
        // Every number 0..55 appears exactly once over the batches 1000..8000.
        List<Long> all = new ArrayList<>();
        for (long t = 1000; t <= 8000; t += 1000) {
            assertTrue(OUT.containsKey(t), "batch " + t + " missing");
            all.addAll(OUT.get(t));
        }
        assertEquals(range(0, 56), all);
        assertEquals(range(42, 49), OUT.get(7000L));
    }

    @Test
    void badRateIsRefused() {
        StreamingContext ssc = new StreamingContext(new SluiceConf(false).setMaster("local[1]")
                .set("sluice.streaming.clock", "manual"), BATCH);
        try {
            assertThrows(IllegalArgumentException.class, () -> ssc.rateStream(0));
        } finally {
            ssc.stop();
        }
    }
}
