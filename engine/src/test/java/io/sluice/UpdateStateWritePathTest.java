package io.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What updateStateByKey skips must not be lost: a batch writes only the states whose
 * serialized bytes changed, and its output operations read the states it kept in memory
 * ({@code sluice.state.outputBufferBytes}) rather than the store. A state set to an equal value
 * (not written), one set to a different value of the same size (written), and one with no new
 * values (not written) must all read back right, in the run and after a recovery that restores
 * the checkpoint and re-runs the batch after it; with the in-memory copy on, and off (every
 * read from the store).
 */
class UpdateStateWritePathTest {
    private static final Duration BATCH = Duration.ofSeconds(1);
    static final Map<Long, Map<String, String>> OUT = new ConcurrentHashMap<>();

    /** Records are {@code key=value}; the state of a key is its last value (a new String each time). */
    private static Optional<String> update(List<String> values, Optional<String> state) {
        return values.isEmpty() ? state : Optional.of(new String(values.get(values.size() - 1)));
    }

    private static final class App {
        final StreamingContext ssc;
        final TestReceiver<String> receiver = new TestReceiver<>();

        App(String checkpointDir, String outputBufferBytes) {
            SluiceConf conf = new SluiceConf(false).setMaster("local[2]").setAppName("write-path")
                    .set("sluice.streaming.clock", "manual")
                    .set("sluice.streaming.checkpoint.interval", "2s")
                    .set("sluice.streaming.receiver.writeAheadLog.enable", "true")
                    .set("sluice.streaming.writeAheadLog.durability", "process");
            if (!outputBufferBytes.equals("default")) {
                conf.set("sluice.state.outputBufferBytes", outputBufferBytes);
            }
            ssc = new StreamingContext(conf, BATCH);
            ssc.checkpoint(checkpointDir);
            ssc.receiverStream(receiver)
                    .mapToPair(r -> new Tuple2<>(r.substring(0, r.indexOf('=')), r.substring(r.indexOf('=') + 1)))
                    .updateStateByKey(UpdateStateWritePathTest::update, 2)
                    .foreachRDD((rdd, t) -> OUT.put(t.milliseconds(), new HashMap<>(PairRDD.fromRDD(rdd).collectAsMap())));
        }
    }

    private static void step(StreamingContext ssc) throws InterruptedException {
        Time t = ssc.manualClock().advance(BATCH);
        assertTrue(ssc.awaitBatchCompletion(t, Duration.ofSeconds(30)), "batch " + t + " did not complete");
    }

    @ParameterizedTest(name = "outputBufferBytes={0}")
    @ValueSource(strings = {"default", "0"})
    void equalSameSizeAndUntouchedStatesReadBackRightAfterRecovery(String outputBufferBytes, @TempDir Path dir)
            throws Exception {
        OUT.clear();
        String cp = dir.resolve("cp").toString();
        App[] app = new App[1];
        StreamingContext first = StreamingContext.getOrCreate(cp, () -> (app[0] = new App(cp, outputBufferBytes)).ssc);
        first.start();
        app[0].receiver.awaitStarted();
        app[0].receiver.storeAt(List.of("eq=aaaa", "diff=aaaa", "idle=zzzz"), 3);  // batch 1000
        step(first);
        app[0].receiver.storeAt(List.of("eq=aaaa", "diff=bbbb"), 5);               // batch 2000, checkpointed
        step(first);
        app[0].receiver.storeAt(List.of("eq=aaaa", "diff=cccc"), 7);               // batch 3000, in the WAL only
        step(first);
        Map<String, String> afterTwo = Map.of("eq", "aaaa", "diff", "bbbb", "idle", "zzzz");
        Map<String, String> afterThree = Map.of("eq", "aaaa", "diff", "cccc", "idle", "zzzz");
        assertEquals(afterTwo, OUT.get(2000L));
        assertEquals(afterThree, OUT.get(3000L));
        first.stop();

        OUT.clear();
        StreamingContext second = StreamingContext.getOrCreate(cp, () -> (app[0] = new App(cp, outputBufferBytes)).ssc);
        second.manualClock().setTime(3000);
        second.start();
        // Batch 3000 re-runs onto the restored state of checkpoint 2000.
        assertTrue(second.awaitBatchCompletion(new Time(3000), Duration.ofSeconds(30)));
        assertEquals(afterThree, OUT.get(3000L));
        app[0].receiver.awaitStarted();
        step(second);                                                               // batch 4000: no data
        assertEquals(afterThree, OUT.get(4000L));
        app[0].receiver.storeAt(List.of("diff=dddd", "eq=eeee"), 9);               // batch 5000
        step(second);
        assertEquals(Map.of("eq", "eeee", "diff", "dddd", "idle", "zzzz"), OUT.get(5000L));
        second.stop();
    }

    static final Map<Long, Map<String, List<String>>> LISTS = new ConcurrentHashMap<>();

    /**
     * A mutable state changed in place and returned as the same instance (equal to itself, so
     * an identity or equals shortcut would skip it) must be written: read back in the run and
     * after a recovery.
     */
    @ParameterizedTest(name = "outputBufferBytes={0}")
    @ValueSource(strings = {"default", "0"})
    void aMutableStateChangedInPlaceIsWritten(String outputBufferBytes, @TempDir Path dir) throws Exception {
        LISTS.clear();
        String cp = dir.resolve("cp").toString();
        @SuppressWarnings("unchecked")
        TestReceiver<String>[] receiver = new TestReceiver[1];
        io.sluice.function.Function0<StreamingContext> create = () -> {
            SluiceConf conf = new SluiceConf(false).setMaster("local[2]").setAppName("write-path-mutable")
                    .set("sluice.streaming.clock", "manual")
                    .set("sluice.streaming.checkpoint.interval", "2s")
                    .set("sluice.streaming.receiver.writeAheadLog.enable", "true")
                    .set("sluice.streaming.writeAheadLog.durability", "process");
            if (!outputBufferBytes.equals("default")) {
                conf.set("sluice.state.outputBufferBytes", outputBufferBytes);
            }
            StreamingContext ssc = new StreamingContext(conf, BATCH);
            ssc.checkpoint(cp);
            receiver[0] = new TestReceiver<>();
            ssc.receiverStream(receiver[0])
                    .mapToPair(r -> new Tuple2<>(r.substring(0, 1), r.substring(1)))
                    .updateStateByKey((List<String> vs, Optional<java.util.ArrayList<String>> s) -> {
                        java.util.ArrayList<String> l = s.orElseGet(java.util.ArrayList::new);
                        l.addAll(vs);
                        return Optional.of(l);
                    }, 2)
                    .foreachRDD((rdd, t) -> {
                        Map<String, List<String>> m = new HashMap<>();
                        PairRDD.fromRDD(rdd).collectAsMap().forEach((k, v) -> m.put(k, List.copyOf(v)));
                        LISTS.put(t.milliseconds(), m);
                    });
            return ssc;
        };
        StreamingContext first = StreamingContext.getOrCreate(cp, create);
        first.start();
        receiver[0].awaitStarted();
        receiver[0].storeAt(List.of("ax", "by"), 2);                                // batch 1000
        step(first);
        receiver[0].storeAt(List.of("ax"), 3);                                      // batch 2000, checkpointed
        step(first);
        receiver[0].storeAt(List.of("bz"), 4);                                      // batch 3000, in the WAL
        step(first);
        Map<String, List<String>> afterThree = Map.of("a", List.of("x", "x"), "b", List.of("y", "z"));
        assertEquals(Map.of("a", List.of("x", "x"), "b", List.of("y")), LISTS.get(2000L));
        assertEquals(afterThree, LISTS.get(3000L));
        first.stop();

        LISTS.clear();
        StreamingContext second = StreamingContext.getOrCreate(cp, create);
        second.manualClock().setTime(3000);
        second.start();
        assertTrue(second.awaitBatchCompletion(new Time(3000), Duration.ofSeconds(30)));
        assertEquals(afterThree, LISTS.get(3000L));
        receiver[0].awaitStarted();
        receiver[0].storeAt(List.of("aw"), 5);                                      // batch 4000
        step(second);
        assertEquals(Map.of("a", List.of("x", "x", "w"), "b", List.of("y", "z")), LISTS.get(4000L));
        second.stop();
    }
}
