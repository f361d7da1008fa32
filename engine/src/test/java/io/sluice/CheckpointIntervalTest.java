package io.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.internal.recovery.CheckpointInterval;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpoint interval follows Spark Streaming: {@link DStream#checkpoint(Duration)} takes a
 * multiple of the stream's slide; the default is at least 10 s (and 10 batches) and a multiple of
 * every stateful stream's slide; and a recovery re-runs at most one interval of batches.
 */
class CheckpointIntervalTest {
    private static final Duration S1 = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    private static StreamingContext context(Duration batch, Map<String, String> conf) {
        SluiceConf c = new SluiceConf(false).setMaster("local[1]").setAppName("interval")
                .set("sluice.streaming.clock", "manual");
        conf.forEach(c::set);
        return new StreamingContext(c, batch);
    }

    private static PairDStream<String, Long> pairs(StreamingContext ssc) {
        return ssc.queueStream(new ArrayDeque<RDD<String>>()).mapToPair(w -> new Tuple2<>(w, 1L));
    }

    private static Duration interval(StreamingContext ssc, Optional<Duration> configured) {
        return CheckpointInterval.of(configured, ssc.graph().batchDuration(), ssc.graph());
    }

    @Test
    void theDefaultIsAtLeastTenSecondsAndTenBatchesAndAMultipleOfEveryStatefulSlide() {
        StreamingContext ssc = context(S1, Map.of());
        try {
            pairs(ssc).reduceByKey(Long::sum).print();
            assertEquals(Duration.ofSeconds(10), interval(ssc, Optional.empty()), "1 s batches");
            pairs(ssc).reduceByKeyAndWindow(Long::sum, (a, b) -> a - b, Duration.ofSeconds(8), Duration.ofSeconds(4))
                    .print();
            assertEquals(Duration.ofSeconds(12), interval(ssc, Optional.empty()), "a stateful slide of 4 s");
        } finally {
            ssc.stop();
        }
        StreamingContext three = context(Duration.ofSeconds(3), Map.of());
        try {
            pairs(three).print();
            assertEquals(Duration.ofSeconds(30), interval(three, Optional.empty()), "10 batches of 3 s");
        } finally {
            three.stop();
        }
        StreamingContext half = context(Duration.ofMillis(500), Map.of());
        try {
            pairs(half).print();
            assertEquals(Duration.ofSeconds(10), interval(half, Optional.empty()), "at least 10 s with 500 ms batches");
        } finally {
            half.stop();
        }
    }

    @Test
    void theShortestIntervalAskedForWins() {
        StreamingContext ssc = context(S1, Map.of());
        try {
            PairDStream<String, Long> state = pairs(ssc).updateStateByKey((List<Long> vs, Optional<Long> s) ->
                    Optional.of(s.orElse(0L) + vs.size()));
            state.checkpoint(Duration.ofSeconds(5));
            state.print();
            assertEquals(Duration.ofSeconds(5), interval(ssc, Optional.empty()), "the stream's 5 s under the default 10 s");
            assertEquals(Duration.ofSeconds(3), interval(ssc, Optional.of(Duration.ofSeconds(3))), "the key's 3 s");
            assertEquals(Duration.ofSeconds(5), interval(ssc, Optional.of(Duration.ofSeconds(20))), "the stream's 5 s");
        } finally {
            ssc.stop();
        }
    }

    @Test
    void invalidIntervalsAreRefusedWithTheFix() {
        StreamingContext ssc = context(S1, Map.of());
        try {
            DStream<Tuple2<String, Long>> windowed = pairs(ssc).reduceByKeyAndWindow(Long::sum, (a, b) -> a - b,
                    Duration.ofSeconds(4), Duration.ofSeconds(2));
            IllegalArgumentException notMultiple = assertThrows(IllegalArgumentException.class,
                    () -> windowed.checkpoint(Duration.ofSeconds(3)));
            assertTrue(notMultiple.getMessage().contains("multiple of the slide duration"), notMultiple.getMessage());
            IllegalArgumentException shorter = assertThrows(IllegalArgumentException.class,
                    () -> windowed.checkpoint(S1));
            assertTrue(shorter.getMessage().contains("shorter than the slide duration"), shorter.getMessage());
            assertThrows(IllegalArgumentException.class, () -> windowed.checkpoint(Duration.ZERO));
            SluiceException key = assertThrows(SluiceException.class,
                    () -> interval(ssc, Optional.of(Duration.ofMillis(1500))));
            assertTrue(key.getMessage().contains("sluice.streaming.checkpoint.interval")
                    && key.getMessage().contains("multiple of the batch duration"), key.getMessage());
        } finally {
            ssc.stop();
        }
    }

    @Test
    void aContextWhoseConfiguredIntervalIsNotAMultipleOfTheBatchDoesNotStart() {
        StreamingContext ssc = context(Duration.ofSeconds(2), Map.of("sluice.streaming.checkpoint.interval", "3s"));
        ssc.checkpoint(dir.resolve("cp").toString());
        pairs(ssc).print();
        SluiceException e = assertThrows(SluiceException.class, ssc::start);
        assertTrue(e.getMessage().contains("sluice.streaming.checkpoint.interval"), e.getMessage());
        assertEquals(StreamingContextState.STOPPED, ssc.getState());
    }

    /** Per context run, per batch time: how often the output ran. */
    static final Map<Integer, Map<Long, Integer>> RUNS = new ConcurrentHashMap<>();

    private static StreamingContext counting(String cp, TestReceiver<String> receiver, int run) {
        StreamingContext ssc = context(S1, Map.of("sluice.streaming.writeAheadLog.durability", "process"));
        ssc.checkpoint(cp);
        PairDStream<String, Long> state = ssc.receiverStream(receiver).mapToPair(w -> new Tuple2<>(w, 1L))
                .updateStateByKey((List<Long> vs, Optional<Long> s) -> Optional.of(s.orElse(0L) + vs.size()));
        state.checkpoint(Duration.ofSeconds(4));
        state.foreachRDD((rdd, t) -> RUNS.computeIfAbsent(run, k -> new ConcurrentHashMap<>())
                .merge(t.milliseconds(), 1, Integer::sum));
        return ssc;
    }

    private TreeSet<Long> checkpointTimes(Path cp) throws IOException {
        TreeSet<Long> times = new TreeSet<>();
        try (Stream<Path> s = Files.list(cp)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.matches("checkpoint-\\d+"))
                    .forEach(n -> times.add(Long.parseLong(n.substring("checkpoint-".length()))));
        }
        return times;
    }

    @Test
    void aRecoveryReRunsAtMostOneIntervalOfBatches() throws Exception {
        for (int k : new int[] {8, 11}) {
            RUNS.clear();
            String cp = dir.resolve("cp-" + k).toString();
            @SuppressWarnings("unchecked")
            TestReceiver<String>[] r = new TestReceiver[1];
            int[] run = {1};
            StreamingContext first = StreamingContext.getOrCreate(cp, () -> counting(cp, r[0] = new TestReceiver<>(), run[0]));
            try {
                first.start();
                r[0].awaitStarted();
                for (int j = 1; j <= k; j++) {
                    r[0].storeAt(List.of("w" + (j % 3)), j);
                    Time t = first.manualClock().advance(S1);
                    assertTrue(first.awaitBatchCompletion(t, Duration.ofSeconds(30)));
                }
            } finally {
                first.stop();
            }
            long newest = checkpointTimes(Path.of(cp)).last();
            assertEquals(k / 4 * 4000L, newest, "checkpoints every 4 s, as DStream.checkpoint asked, after " + k + " batches");
            run[0] = 2;
            StreamingContext second = StreamingContext.getOrCreate(cp, () -> counting(cp, r[0] = new TestReceiver<>(), run[0]));
            try {
                second.manualClock().setTime(k * 1000L);
                second.start();
                assertTrue(second.awaitBatchCompletion(new Time(k * 1000L), Duration.ofSeconds(30)));
            } finally {
                second.stop();
            }
            TreeSet<Long> rerun = new TreeSet<>(RUNS.getOrDefault(2, Map.of()).keySet());
            TreeSet<Long> expected = new TreeSet<>();
            for (long t = newest + 1000; t <= k * 1000L; t += 1000) {
                expected.add(t);
            }
            assertEquals(expected, rerun, "batches re-run after " + k + " batches");
            assertTrue(rerun.size() <= 4, "at most one interval (4 batches) re-run, got " + rerun);
        }
    }
}
