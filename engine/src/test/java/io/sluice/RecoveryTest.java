package io.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.testing.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** getOrCreate restores state, re-runs logged batches and resumes receivers from their positions. */
class RecoveryTest {
    private static final Duration BATCH = Duration.ofSeconds(1);

    static final Map<Long, Map<String, Integer>> OUT = new ConcurrentHashMap<>();
    /** Runs while batch 2000 runs, before its checkpoint: a block that arrives meanwhile. */
    static volatile java.util.function.Consumer<TestReceiver<String>> DURING_BATCH_2000;

    private static final class App {
        final StreamingContext ssc;
        final TestReceiver<String> receiver = new TestReceiver<>();

        App(String checkpointDir, boolean stateful) {
            this(checkpointDir, stateful, true);
        }

        App(String checkpointDir, boolean stateful, boolean wal) {
            SluiceConf conf = new SluiceConf(false).setMaster("local[2]").setAppName("recovery")
                    .set("sluice.streaming.clock", "manual")
                    .set("sluice.streaming.checkpoint.interval", "2s")
                    .set("sluice.streaming.receiver.writeAheadLog.enable", Boolean.toString(wal))
                    .set("sluice.streaming.writeAheadLog.durability", "process");
            ssc = new StreamingContext(conf, BATCH);
            ssc.checkpoint(checkpointDir);
            PairDStream<String, Integer> pairs = ssc.receiverStream(receiver).mapToPair(w -> new Tuple2<>(w, 1));
            PairDStream<String, Integer> counts = stateful
                    ? pairs.updateStateByKey((List<Integer> vs, Optional<Integer> s) ->
                            Optional.of(s.orElse(0) + vs.stream().mapToInt(Integer::intValue).sum()))
                    : pairs.reduceByKey(Integer::sum);
            counts.foreachRDD((rdd, t) -> {
                OUT.put(t.milliseconds(), new HashMap<>(PairRDD.fromRDD(rdd).collectAsMap()));
                if (t.milliseconds() == 2000 && DURING_BATCH_2000 != null) {
                    DURING_BATCH_2000.accept(receiver);
                }
            });
        }
    }

    private static Time step(StreamingContext ssc) throws InterruptedException {
        Time t = ssc.manualClock().advance(BATCH);
        assertTrue(ssc.awaitBatchCompletion(t, Duration.ofSeconds(20)), "batch " + t + " did not complete");
        return t;
    }

    @Test
    void stateAndPendingBatchesSurviveRestart(@TempDir Path dir) throws Exception {
        OUT.clear();
        String cp = dir.resolve("cp").toString();
        App[] holder = new App[1];
        StreamingContext first = StreamingContext.getOrCreate(cp, () -> (holder[0] = new App(cp, true)).ssc);
        first.start();
        holder[0].receiver.awaitStarted();
        holder[0].receiver.storeAt(List.of("a", "b"), 2);          // batch 1000
        step(first);
        holder[0].receiver.storeAt(List.of("a"), 3);               // batch 2000 (checkpoint)
        step(first);
        holder[0].receiver.storeAt(List.of("c", "a"), 5);          // batch 3000 (after the checkpoint)
        step(first);
        holder[0].receiver.storeAt(List.of("b"), 6);               // stored, never allocated
        assertEquals(Map.of("a", 3, "b", 1, "c", 1), OUT.get(3000L));
        first.stop();

        OUT.clear();
        StreamingContext second = StreamingContext.getOrCreate(cp, () -> (holder[0] = new App(cp, true)).ssc);
        ManualClock clock = second.manualClock();
        clock.setTime(3000);
        second.start();
        // Batch 3000 is re-run from the WAL onto the state of checkpoint 2000.
        assertTrue(second.awaitBatchCompletion(new Time(3000), Duration.ofSeconds(20)));
        assertEquals(Map.of("a", 3, "b", 1, "c", 1), OUT.get(3000L));
        holder[0].receiver.awaitStarted();
        assertEquals(Optional.of(6L), holder[0].receiver.lastDurablePosition());
        step(second);                                                // batch 4000 takes the waiting block
        assertEquals(Map.of("a", 3, "b", 2, "c", 1), OUT.get(4000L));
        second.stop();
    }

    @Test
    void withoutWalReceiversResumeFromThePositionTheCheckpointCovers(@TempDir Path dir) throws Exception {
        OUT.clear();
        String cp = dir.resolve("cp").toString();
        App[] holder = new App[1];
        StreamingContext first = StreamingContext.getOrCreate(cp, () -> (holder[0] = new App(cp, true, false)).ssc);
        first.start();
        holder[0].receiver.awaitStarted();
        holder[0].receiver.storeAt(List.of("a", "b"), 2);          // batch 1000
        step(first);
        holder[0].receiver.storeAt(List.of("a"), 3);               // batch 2000 (checkpoint)
        // Arrives while batch 2000 runs: not in the checkpoint's state, so not covered by it.
        DURING_BATCH_2000 = r -> r.storeAt(List.of("c"), 4);
        try {
            step(first);
        } finally {
            DURING_BATCH_2000 = null;
        }
        holder[0].receiver.storeAt(List.of("a"), 5);               // batch 3000: lost without a WAL
        step(first);
        holder[0].receiver.storeAt(List.of("b"), 6);               // never allocated: lost too
        first.stop();

        OUT.clear();
        StreamingContext second = StreamingContext.getOrCreate(cp, () -> (holder[0] = new App(cp, true, false)).ssc);
        second.manualClock().setTime(2000);
        second.start();
        holder[0].receiver.awaitStarted();
        // The source is replayed from the end of what the checkpoint's state covers.
        assertEquals(Optional.of(3L), holder[0].receiver.lastDurablePosition());
        holder[0].receiver.storeAt(List.of("c", "a", "b"), 6);
        step(second);
        assertEquals(Map.of("a", 3, "b", 2, "c", 1), OUT.get(3000L));
        second.stop();
    }

    @Test
    void changedStatefulOperatorsAreRefused(@TempDir Path dir) throws Exception {
        String cp = dir.resolve("cp").toString();
        StreamingContext first = StreamingContext.getOrCreate(cp, () -> new App(cp, true).ssc);
        first.start();
        step(first);
        step(first);
        first.stop();
        SluiceException e = assertThrows(SluiceException.class,
                () -> StreamingContext.getOrCreate(cp, () -> new App(cp, false).ssc));
        assertTrue(e.getMessage().contains("updateStateByKey-0"), e.getMessage());
        assertTrue(e.getMessage().contains("start fresh"), e.getMessage());
    }
}
