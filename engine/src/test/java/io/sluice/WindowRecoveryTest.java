package io.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Windows after getOrCreate equal those of an uninterrupted run: the incremental window state
 * comes back from the checkpoint, and a plain window rebuilds the input RDDs of the batches
 * before the checkpoint from their logged allocations and the write-ahead log.
 */
class WindowRecoveryTest {
    private static final Duration BATCH = Duration.ofSeconds(1);
    private static final Duration WINDOW = Duration.ofSeconds(3);

    static final Map<Long, Map<String, Long>> INCREMENTAL = new ConcurrentHashMap<>();
    static final Map<Long, Map<String, Long>> PLAIN = new ConcurrentHashMap<>();

    private static StreamingContext app(String cp, TestReceiver<String> receiver) {
        SluiceConf conf = new SluiceConf(false).setMaster("local[2]").setAppName("window-recovery")
                .set("sluice.streaming.clock", "manual")
                .set("sluice.streaming.checkpoint.interval", "2s")
                .set("sluice.streaming.writeAheadLog.durability", "process");
        StreamingContext ssc = new StreamingContext(conf, BATCH);
        ssc.checkpoint(cp);
        DStream<String> words = ssc.receiverStream(receiver);
        PairDStream<String, Long> ones = words.mapToPair(w -> new Tuple2<>(w, 1L));
        ones.reduceByKeyAndWindow(Long::sum, (a, b) -> a - b, WINDOW, BATCH, 2, kv -> kv._2() != 0L)
                .foreachRDD((rdd, t) -> INCREMENTAL.put(t.milliseconds(), new TreeMap<>(PairRDD.fromRDD(rdd).collectAsMap())));
        PairDStream.fromDStream(ones.window(WINDOW)).reduceByKey(Long::sum)
                .foreachRDD((rdd, t) -> PLAIN.put(t.milliseconds(), new TreeMap<>(PairRDD.fromRDD(rdd).collectAsMap())));
        return ssc;
    }

    private static final List<List<String>> INPUT = List.of(
            List.of("a", "b"), List.of("a"), List.of("c", "c"), List.of("b"), List.of("a", "d"),
            List.of(), List.of("d"), List.of("a"));

    private static Map<String, Long> expected(int batch) {
        Map<String, Long> m = new TreeMap<>();
        for (int j = Math.max(1, batch - 2); j <= batch; j++) {
            INPUT.get(j - 1).forEach(w -> m.merge(w, 1L, Long::sum));
        }
        return m;
    }

    @Test
    void windowsAfterRecoveryEqualAnUninterruptedRun(@TempDir Path dir) throws Exception {
        INCREMENTAL.clear();
        PLAIN.clear();
        String cp = dir.resolve("cp").toString();
        TestReceiver<String>[] r = new TestReceiver[1];
        StreamingContext first = StreamingContext.getOrCreate(cp, () -> app(cp, r[0] = new TestReceiver<>()));
        first.start();
        r[0].awaitStarted();
        long position = 0;
        for (int i = 1; i <= 5; i++) {
            position += INPUT.get(i - 1).size() + 1;
            r[0].storeAt(new ArrayList<>(INPUT.get(i - 1)), position);
            Time t = first.manualClock().advance(BATCH);
            assertTrue(first.awaitBatchCompletion(t, Duration.ofSeconds(20)));
        }
        first.stop();   // last checkpoint: batch 4000; batch 5000 is re-run after recovery

        INCREMENTAL.clear();
        PLAIN.clear();
        StreamingContext second = StreamingContext.getOrCreate(cp, () -> app(cp, r[0] = new TestReceiver<>()));
        second.manualClock().setTime(5000);
        second.start();
        assertTrue(second.awaitBatchCompletion(new Time(5000), Duration.ofSeconds(20)));
        r[0].awaitStarted();
        for (int i = 6; i <= INPUT.size(); i++) {
            position += INPUT.get(i - 1).size() + 1;
            r[0].storeAt(new ArrayList<>(INPUT.get(i - 1)), position);
            Time t = second.manualClock().advance(BATCH);
            assertTrue(second.awaitBatchCompletion(t, Duration.ofSeconds(20)));
        }
        second.stop();
        for (int i = 5; i <= INPUT.size(); i++) {
            long t = i * 1000L;
            assertEquals(expected(i), INCREMENTAL.get(t), "incremental window at " + t);
            assertEquals(expected(i), PLAIN.get(t), "window at " + t);
        }
    }
}
