package io.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application whose stateless steps changed between two runs recovers its state (Spark
 * Streaming cannot recover after any code change): stateful operators keep their ids when
 * stateless steps are added, removed or changed.
 */
class UpgradeRecoveryTest {
    static final Map<Long, Map<String, Integer>> OUT = new ConcurrentHashMap<>();

    private static StreamingContext app(String cp, TestReceiver<String> receiver, boolean upgraded) {
        SluiceConf conf = new SluiceConf(false).setMaster("local[2]").setAppName("upgrade")
                .set("sluice.streaming.clock", "manual")
                .set("sluice.streaming.checkpoint.interval", "1s")
                .set("sluice.streaming.writeAheadLog.durability", "process");
        StreamingContext ssc = new StreamingContext(conf, Duration.ofSeconds(1));
        ssc.checkpoint(cp);
        DStream<String> words = ssc.receiverStream(receiver);
        if (upgraded) {
            // Version 2: new stateless steps before the state: drop blanks, normalise case.
            words = words.filter(w -> !w.isBlank()).map(w -> w.toLowerCase(Locale.ROOT));
        }
        words.mapToPair(w -> new Tuple2<>(w, 1))
                .updateStateByKey((List<Integer> vs, Optional<Integer> s) ->
                        Optional.of(s.orElse(0) + vs.stream().mapToInt(Integer::intValue).sum()))
                .foreachRDD((rdd, t) -> OUT.put(t.milliseconds(), new HashMap<>(PairRDD.fromRDD(rdd).collectAsMap())));
        return ssc;
    }

    @Test
    void changedStatelessStepsRecoverTheState(@TempDir Path dir) throws Exception {
        OUT.clear();
        String cp = dir.resolve("cp").toString();
        TestReceiver<String>[] r = new TestReceiver[1];
        StreamingContext v1 = StreamingContext.getOrCreate(cp, () -> app(cp, r[0] = new TestReceiver<>(), false));
        v1.start();
        r[0].awaitStarted();
        r[0].storeAt(List.of("a", "b", "a"), 3);
        Time t = v1.manualClock().advance(Duration.ofSeconds(1));
        assertTrue(v1.awaitBatchCompletion(t, Duration.ofSeconds(20)));
        v1.stop();
        assertEquals(Map.of("a", 2, "b", 1), OUT.get(1000L));

        StreamingContext v2 = StreamingContext.getOrCreate(cp, () -> app(cp, r[0] = new TestReceiver<>(), true));
        v2.manualClock().setTime(1000);
        v2.start();
        r[0].awaitStarted();
        assertEquals(Optional.of(3L), r[0].lastDurablePosition());
        r[0].storeAt(List.of("A", " ", "c"), 6);
        t = v2.manualClock().advance(Duration.ofSeconds(1));
        assertTrue(v2.awaitBatchCompletion(t, Duration.ofSeconds(20)));
        v2.stop();
        assertEquals(Map.of("a", 3, "b", 1, "c", 1), OUT.get(2000L), "version 2 continues from version 1's state");
    }

    static final Map<String, Map<Long, Map<String, Integer>>> NAMED = new ConcurrentHashMap<>();

    /** Two named counters: of words, and of word lengths; version 2 declares them in reverse order. */
    private static StreamingContext namedApp(String cp, TestReceiver<String> receiver, boolean reversed) {
        SluiceConf conf = new SluiceConf(false).setMaster("local[2]").setAppName("upgrade-named")
                .set("sluice.streaming.clock", "manual")
                .set("sluice.streaming.checkpoint.interval", "1s")
                .set("sluice.streaming.writeAheadLog.durability", "process");
        StreamingContext ssc = new StreamingContext(conf, Duration.ofSeconds(1));
        ssc.checkpoint(cp);
        DStream<String> words = ssc.receiverStream(receiver);
        Runnable byWord = () -> count(words.mapToPair(w -> new Tuple2<>(w, 1)), "by-word");
        Runnable byLength = () -> count(words.mapToPair(w -> new Tuple2<>("len" + w.length(), 1)), "by-length");
        if (reversed) {
            byLength.run();
            byWord.run();
        } else {
            byWord.run();
            byLength.run();
        }
        return ssc;
    }

    private static void count(PairDStream<String, Integer> pairs, String name) {
        pairs.updateStateByKey((List<Integer> vs, Optional<Integer> s) ->
                        Optional.of(s.orElse(0) + vs.stream().mapToInt(Integer::intValue).sum()))
                .uid(name)
                .foreachRDD((rdd, t) -> NAMED.computeIfAbsent(name, k -> new ConcurrentHashMap<>())
                        .put(t.milliseconds(), new HashMap<>(PairRDD.fromRDD(rdd).collectAsMap())));
    }

    @Test
    void namedOperatorsKeepTheirStateWhenReordered(@TempDir Path dir) throws Exception {
        // Unnamed, the two operators would swap ids (updateStateByKey-0 and -1) and each would
        // continue from the other's state; named, each finds its own.
        NAMED.clear();
        String cp = dir.resolve("cp").toString();
        TestReceiver<String>[] r = new TestReceiver[1];
        StreamingContext v1 = StreamingContext.getOrCreate(cp, () -> namedApp(cp, r[0] = new TestReceiver<>(), false));
        v1.start();
        r[0].awaitStarted();
        r[0].storeAt(List.of("ab", "c", "ab"), 3);
        Time t = v1.manualClock().advance(Duration.ofSeconds(1));
        assertTrue(v1.awaitBatchCompletion(t, Duration.ofSeconds(20)));
        v1.stop();

        StreamingContext v2 = StreamingContext.getOrCreate(cp, () -> namedApp(cp, r[0] = new TestReceiver<>(), true));
        v2.manualClock().setTime(1000);
        v2.start();
        r[0].awaitStarted();
        r[0].storeAt(List.of("c"), 4);
        t = v2.manualClock().advance(Duration.ofSeconds(1));
        assertTrue(v2.awaitBatchCompletion(t, Duration.ofSeconds(20)));
        v2.stop();
        assertEquals(Map.of("ab", 2, "c", 2), NAMED.get("by-word").get(2000L));
        assertEquals(Map.of("len2", 2, "len1", 2), NAMED.get("by-length").get(2000L));
    }

    @Test
    void badUidsAreRefused() {
        SluiceConf conf = new SluiceConf(false).setMaster("local[1]").set("sluice.streaming.clock", "manual");
        StreamingContext ssc = new StreamingContext(conf, Duration.ofSeconds(1));
        try {
            TestReceiver<String> receiver = new TestReceiver<>();
            DStream<String> words = ssc.receiverStream(receiver);
            assertThrows(IllegalArgumentException.class, () -> words.uid("words"), "not stateful");
            PairDStream<String, Integer> state = words.mapToPair(w -> new Tuple2<>(w, 1))
                    .updateStateByKey((List<Integer> vs, Optional<Integer> s) -> s);
            assertThrows(IllegalArgumentException.class, () -> state.uid("has space"));
            state.uid("counts");
            PairDStream<String, Integer> other = words.mapToPair(w -> new Tuple2<>(w, 1))
                    .updateStateByKey((List<Integer> vs, Optional<Integer> s) -> s);
            IllegalArgumentException dup = assertThrows(IllegalArgumentException.class, () -> other.uid("counts"));
            assertTrue(dup.getMessage().contains("unique"), dup.getMessage());
        } finally {
            ssc.stop();
        }
    }
}
