package io.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Accumulators count each batch once across a recovery that re-runs batches; broadcast values
 * come back from the checkpoint.
 */
class SharedVariablesRecoveryTest {
    private static final Duration BATCH = Duration.ofSeconds(1);

    private static final class App {
        final StreamingContext ssc;
        final TestReceiver<String> receiver = new TestReceiver<>();
        final LongAccumulator records;
        final LongAccumulator seenInTransform;
        final Broadcast<Map<String, Integer>> weights;
        final Map<Long, Long> weighted = new ConcurrentHashMap<>();

        App(String cp, Map<String, Integer> weightsAtSetup) {
            SluiceConf conf = new SluiceConf(false).setMaster("local[2]").setAppName("shared")
                    .set("sluice.streaming.clock", "manual")
                    .set("sluice.streaming.checkpoint.interval", "2s")
                    .set("sluice.streaming.writeAheadLog.durability", "process");
            ssc = new StreamingContext(conf, BATCH);
            ssc.checkpoint(cp);
            records = ssc.longAccumulator("records");
            seenInTransform = ssc.longAccumulator();
            weights = ssc.broadcast(weightsAtSetup);
            ssc.receiverStream(receiver)
                    .map(w -> {
                        seenInTransform.add(1);
                        return w;
                    })
                    // Two actions read each batch: cached, the map (and its updates) runs once,
                    // as in Spark, where updates in transformations count per computation.
                    .cache()
                    .foreachRDD((rdd, t) -> {
                        rdd.foreach(w -> records.add(1));
                        weighted.put(t.milliseconds(), rdd.map(w -> (long) weights.value().getOrDefault(w, 0))
                                .collect().stream().mapToLong(Long::longValue).sum());
                    });
        }
    }

    private static void step(StreamingContext ssc) throws InterruptedException {
        Time t = ssc.manualClock().advance(BATCH);
        assertTrue(ssc.awaitBatchCompletion(t, Duration.ofSeconds(20)));
    }

    @Test
    void accumulatorsCountEachBatchOnceAndBroadcastsSurviveRecovery(@TempDir Path dir) throws Exception {
        String cp = dir.resolve("cp").toString();
        App[] app = new App[1];
        StreamingContext first = StreamingContext.getOrCreate(cp, () -> (app[0] = new App(cp, Map.of("a", 1, "b", 10))).ssc);
        first.start();
        app[0].receiver.awaitStarted();
        app[0].receiver.storeAt(List.of("a", "b"), 2);
        step(first);
        app[0].receiver.storeAt(List.of("a"), 3);
        step(first);                                   // checkpoint of batch 2000: records = 3
        app[0].receiver.storeAt(List.of("b", "b", "a"), 6);
        step(first);                                   // batch 3000, re-run after recovery
        assertEquals(6L, app[0].records.value());
        assertEquals(6L, app[0].seenInTransform.value());
        assertEquals(21L, app[0].weighted.get(3000L));
        first.stop();

        StreamingContext second = StreamingContext.getOrCreate(cp,
                () -> (app[0] = new App(cp, Map.of("a", 1000, "b", 1000))).ssc);
        // The first run's broadcast value, not the one the setup function passed again.
        assertEquals(Map.of("a", 1, "b", 10), app[0].weights.value());
        assertEquals(3L, app[0].records.value(), "restored as of the checkpoint of batch 2000");
        second.manualClock().setTime(3000);
        second.start();
        assertTrue(second.awaitBatchCompletion(new Time(3000), Duration.ofSeconds(20)));
        assertEquals(21L, app[0].weighted.get(3000L));
        assertEquals(6L, app[0].records.value(), "batch 3000 re-run counts once");
        assertEquals(6L, app[0].records.count());
        app[0].receiver.awaitStarted();
        app[0].receiver.storeAt(List.of("a"), 7);
        step(second);
        assertEquals(7L, app[0].records.value());
        assertEquals(7L, app[0].seenInTransform.value());
        second.stop();
    }

    @Test
    void accumulatorNamesMustBeUnique() {
        try (StreamingContext ssc = new StreamingContext(new SluiceConf(false).setMaster("local[1]"), BATCH)) {
            ssc.longAccumulator("x");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ssc.doubleAccumulator("x"));
            assertTrue(e.getMessage().contains("[x]"), e.getMessage());
            DoubleAccumulator d = ssc.doubleAccumulator();
            d.add(1.5);
            d.add(2.5);
            assertEquals(4.0, d.value());
            assertEquals(2.0, d.avg());
            CollectionAccumulator<String> c = ssc.collectionAccumulator("c");
            c.add("z");
            assertEquals(List.of("z"), c.value());
            Broadcast<String> b = ssc.broadcast("v");
            b.destroy();
            assertThrows(IllegalStateException.class, b::value);
        }
    }
}
