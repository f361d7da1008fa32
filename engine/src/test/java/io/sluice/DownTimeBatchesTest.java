package io.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batch times that passed while the application was down
 * ({@code sluice.streaming.recovery.downTimeBatches}, {@code maxDownTimeBatches}): generated one
 * batch each by default, as Spark does, but at most {@code maxDownTimeBatches} of them; or skipped,
 * the data received before the crash and never allocated going into the next batch. Stateful and
 * windowed results stay right across the gap a skip leaves.
 *
 * <p>Every test: batches 1000..3000 run, batch 4000's records are durable in the WAL but not
 * allocated, the application dies, and it is restarted when the clock reads 10000.
 */
class DownTimeBatchesTest {
    private static final long B = 1000;
    private static final Duration BATCH = Duration.ofMillis(B);
    private static final Duration AWAIT = Duration.ofSeconds(30);
    /** Per output, per batch time: the batch's records, sorted. */
    static final Map<String, Map<Long, String>> OUT = new ConcurrentHashMap<>();

    @TempDir
    Path dir;

    private static final class App {
        final StreamingContext ssc;
        final TestReceiver<String> receiver = new TestReceiver<>();

        App(String cp, Map<String, String> extra) {
            SluiceConf conf = new SluiceConf(false).setMaster("local[2]").setAppName("down-time")
                    .set("sluice.streaming.clock", "manual")
                    .set("sluice.streaming.checkpoint.interval", "1s")
                    .set("sluice.streaming.writeAheadLog.durability", "process");
            extra.forEach(conf::set);
            ssc = new StreamingContext(conf, BATCH);
            ssc.checkpoint(cp);
            PairDStream<String, Long> ones = ssc.receiverStream(receiver).mapToPair(w -> new Tuple2<>(w, 1L));
            ones.updateStateByKey((List<Long> vs, Optional<Long> s) ->
                            Optional.of(s.orElse(0L) + vs.stream().mapToLong(Long::longValue).sum()))
                    .foreachRDD((rdd, t) -> put("total", t, rdd));
            ones.reduceByKeyAndWindow(Long::sum, (a, b) -> a - b, Duration.ofMillis(3 * B), BATCH, 2,
                            kv -> kv._2() != 0L)
                    .foreachRDD((rdd, t) -> put("window", t, rdd));
            ones.reduceByKey(Long::sum).foreachRDD((rdd, t) -> put("batch", t, rdd));
        }
    }

    private static void put(String op, Time t, RDD<Tuple2<String, Long>> rdd) {
        String s = rdd.collect().stream().map(kv -> kv._1() + "=" + kv._2()).sorted()
                .collect(Collectors.joining(", ", "[", "]"));
        OUT.computeIfAbsent(op, k -> new ConcurrentHashMap<>()).put(t.milliseconds(), s);
    }

    private static void step(StreamingContext ssc) throws InterruptedException {
        Time t = ssc.manualClock().advance(BATCH);
        assertTrue(ssc.awaitBatchCompletion(t, AWAIT), "batch " + t + " did not complete");
    }

    /** Runs 1000..3000, stores batch 4000's records without allocating them, dies; returns the checkpoint dir. */
    private String runUntilTheCrash(Map<String, String> extra) throws Exception {
        OUT.clear();
        String cp = dir.resolve("cp").toString();
        App[] app = new App[1];
        StreamingContext ssc = StreamingContext.getOrCreate(cp, () -> (app[0] = new App(cp, extra)).ssc);
        try {
            ssc.start();
            app[0].receiver.awaitStarted();
            app[0].receiver.storeAt(List.of("a", "b"), 1);
            step(ssc);
            app[0].receiver.storeAt(List.of("a"), 2);
            step(ssc);
            app[0].receiver.storeAt(List.of("c"), 3);
            step(ssc);
            app[0].receiver.storeAt(List.of("d", "a"), 4);    // durable, never allocated
        } finally {
            ssc.stop();
        }
        assertEquals("[a=2, b=1, c=1]", OUT.get("total").get(3000L));
        OUT.clear();
        return cp;
    }

    /** Restarts at clock 10000, waits for {@code awaitUntil}, then runs batch 11000 with one record. */
    private void recover(String cp, Map<String, String> extra, long awaitUntil) throws Exception {
        App[] app = new App[1];
        StreamingContext ssc = StreamingContext.getOrCreate(cp, () -> (app[0] = new App(cp, extra)).ssc);
        try {
            ssc.manualClock().setTime(10 * B);
            ssc.start();
            if (awaitUntil > 0) {
                assertTrue(ssc.awaitBatchCompletion(new Time(awaitUntil), AWAIT), "batch " + awaitUntil);
            }
            app[0].receiver.awaitStarted();
            assertEquals(Optional.of(4L), app[0].receiver.lastDurablePosition());
            app[0].receiver.storeAt(List.of("b"), 5);
            step(ssc);
            assertEquals(11 * B, ssc.lastCompletedBatch().orElseThrow().milliseconds());
        } finally {
            ssc.stop();
        }
    }

    private static List<Long> times(String op) {
        return List.copyOf(new TreeMap<>(OUT.getOrDefault(op, Map.of())).keySet());
    }

    @Test
    void byDefaultEveryDownTimeBatchIsGeneratedAndTheWaitingDataGoesIntoTheFirst() throws Exception {
        String cp = runUntilTheCrash(Map.of());
        recover(cp, Map.of(), 10 * B);
        assertEquals(List.of(4000L, 5000L, 6000L, 7000L, 8000L, 9000L, 10000L, 11000L), times("batch"));
        assertEquals("[a=1, d=1]", OUT.get("batch").get(4000L));
        assertEquals("[]", OUT.get("batch").get(5000L));
        assertEquals("[a=3, b=1, c=1, d=1]", OUT.get("total").get(10000L));
        assertEquals("[a=1, d=1]", OUT.get("window").get(6000L), "window (3000, 6000]");
        assertEquals("[]", OUT.get("window").get(7000L), "window (4000, 7000]: everything left");
        assertEquals("[b=1]", OUT.get("window").get(11000L));
        assertEquals("[a=3, b=2, c=1, d=1]", OUT.get("total").get(11000L));
    }

    @Test
    void atMostMaxDownTimeBatchesAreGeneratedTheLatestOnes() throws Exception {
        Map<String, String> conf = Map.of("sluice.streaming.recovery.maxDownTimeBatches", "2");
        String cp = runUntilTheCrash(conf);
        recover(cp, conf, 10 * B);
        assertEquals(List.of(9000L, 10000L, 11000L), times("batch"), "only the last 2 of 7 down-time batches");
        assertEquals("[a=1, d=1]", OUT.get("batch").get(9000L), "the waiting data goes into the first generated batch");
        assertEquals("[a=3, b=1, c=1, d=1]", OUT.get("total").get(9000L));
        assertEquals("[a=1, d=1]", OUT.get("window").get(9000L), "window (6000, 9000]: batches 2000, 3000 left");
        assertEquals("[a=1, b=1, d=1]", OUT.get("window").get(11000L), "window (8000, 11000]");
    }

    @Test
    void skipGeneratesNoDownTimeBatchAndTheNextBatchTakesTheWaitingData() throws Exception {
        Map<String, String> conf = Map.of("sluice.streaming.recovery.downTimeBatches", "skip");
        String cp = runUntilTheCrash(conf);
        recover(cp, conf, 0);
        assertEquals(List.of(11000L), times("batch"), "no batch between the crash and the first timer batch");
        assertEquals("[a=1, b=1, d=1]", OUT.get("batch").get(11000L));
        assertEquals("[a=3, b=2, c=1, d=1]", OUT.get("total").get(11000L), "state carried across the gap");
        assertEquals("[a=1, b=1, d=1]", OUT.get("window").get(11000L),
                "window (8000, 11000]: the partials of 2000 and 3000 left it across the skipped slides");
    }

    @Test
    void anInvalidPolicyIsRefusedNamingTheKey() {
        SluiceConf conf = new SluiceConf(false).set("sluice.streaming.recovery.downTimeBatches", "replay");
        SluiceException e = org.junit.jupiter.api.Assertions.assertThrows(SluiceException.class,
                () -> conf.getRequired(io.sluice.internal.config.StreamingConfig.RECOVERY_DOWN_TIME_BATCHES));
        assertTrue(e.getMessage().contains("sluice.streaming.recovery.downTimeBatches")
                && e.getMessage().contains("generate or skip"), e.getMessage());
    }
}
