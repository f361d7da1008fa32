package io.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Window operations against a plain-Java model, over random batches (including empty ones)
 * and random window and slide multiples, driven by the manual clock. The incremental
 * (inverse-function) forms must equal recomputing the window.
 */
class WindowPropertyTest {
    private static final long B = 1000;

    /** Batches of small words; each batch a list, possibly empty. */
    private static Gen<List<List<Integer>>> batches() {
        return lists().of(lists().of(integers().between(0, 5)).ofSizeBetween(0, 6)).ofSizeBetween(1, 9);
    }

    record Outputs(Map<Long, Map<Integer, Long>> incremental, Map<Long, Map<Integer, Long>> incrementalFiltered,
                   Map<Long, Map<Integer, Long>> recomputed, Map<Long, List<Integer>> windowed,
                   Map<Long, Long> countByWindow, Map<Long, Map<Integer, Long>> countByValue,
                   Map<Long, Integer> reduceByWindowInv, Map<Long, Integer> reduceByWindow) {
    }

    private static Outputs run(List<List<Integer>> input, int wk, int sk) throws Exception {
        Path dir = Files.createTempDirectory("window-prop");
        try {
            SluiceConf conf = new SluiceConf(false).setMaster("local[2]").setAppName("windows")
                    .set("sluice.streaming.clock", "manual")
                    .set("sluice.streaming.writeAheadLog.durability", "process");
            Outputs o = new Outputs(new ConcurrentHashMap<>(), new ConcurrentHashMap<>(), new ConcurrentHashMap<>(),
                    new ConcurrentHashMap<>(), new ConcurrentHashMap<>(), new ConcurrentHashMap<>(),
                    new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
            try (StreamingContext ssc = new StreamingContext(conf, Duration.ofMillis(B))) {
                ssc.checkpoint(dir.toString());
                Queue<RDD<Integer>> q = new ConcurrentLinkedQueue<>();
                for (List<Integer> b : input) {
                    q.add(ssc.parallelize(b, 2));
                }
                Duration w = Duration.ofMillis(wk * B);
                Duration s = Duration.ofMillis(sk * B);
                DStream<Integer> in = ssc.queueStream(q);
                PairDStream<Integer, Long> ones = in.mapToPair(x -> new Tuple2<>(x, 1L));
                ones.reduceByKeyAndWindow(Long::sum, (a, b) -> a - b, w, s)
                        .foreachRDD((rdd, t) -> o.incremental().put(t.milliseconds(), asMap(rdd)));
                ones.reduceByKeyAndWindow(Long::sum, (a, b) -> a - b, w, s, 3, kv -> kv._2() != 0L)
                        .foreachRDD((rdd, t) -> o.incrementalFiltered().put(t.milliseconds(), asMap(rdd)));
                ones.reduceByKeyAndWindow(Long::sum, w, s)
                        .foreachRDD((rdd, t) -> o.recomputed().put(t.milliseconds(), asMap(rdd)));
                in.window(w, s).foreachRDD((rdd, t) -> {
                    List<Integer> l = new ArrayList<>(rdd.collect());
                    l.sort(Comparator.naturalOrder());
                    o.windowed().put(t.milliseconds(), l);
                });
                in.countByWindow(w, s).foreachRDD((rdd, t) -> rdd.collect().forEach(c -> o.countByWindow().put(t.milliseconds(), c)));
                in.countByValueAndWindow(w, s).foreachRDD((rdd, t) -> o.countByValue().put(t.milliseconds(), asMap(rdd)));
                in.reduceByWindow(Integer::sum, (a, b) -> a - b, w, s)
                        .foreachRDD((rdd, t) -> rdd.collect().forEach(v -> o.reduceByWindowInv().put(t.milliseconds(), v)));
                in.reduceByWindow(Integer::sum, w, s)
                        .foreachRDD((rdd, t) -> rdd.collect().forEach(v -> o.reduceByWindow().put(t.milliseconds(), v)));
                ssc.start();
                Time last = null;
                for (int i = 0; i < input.size() + wk; i++) {
                    last = ssc.manualClock().advance(Duration.ofMillis(B));
                }
                assertTrue(ssc.awaitBatchCompletion(last, Duration.ofSeconds(30)));
            }
            return o;
        } finally {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static <K, V> Map<K, V> asMap(RDD<Tuple2<K, V>> rdd) {
        Map<K, V> m = new TreeMap<>();
        for (Tuple2<K, V> kv : rdd.collect()) {
            V prev = m.put(kv._1(), kv._2());
            assertEquals(null, prev, "key " + kv._1() + " appears twice in one window");
        }
        return m;
    }

    @Test
    void windowOperationsEqualTheModel() {
        qt().withExamples(25).withShrinkCycles(20).forAll(batches(), integers().between(1, 4), integers().between(1, 3))
                .checkAssert((input, wk, sk) -> {
                    Outputs o;
                    try {
                        o = run(input, wk, sk);
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                    int total = input.size() + wk;
                    Map<Integer, Boolean> seen = new HashMap<>();
                    for (int i = 1; i <= total; i++) {
                        long t = i * B;
                        if (i % sk != 0) {
                            assertEquals(null, o.windowed().get(t), "no output between slides");
                            continue;
                        }
                        List<Integer> window = new ArrayList<>();
                        for (int j = Math.max(1, i - wk + 1); j <= i; j++) {
                            if (j <= input.size()) {
                                window.addAll(input.get(j - 1));
                            }
                        }
                        window.sort(Comparator.naturalOrder());
                        // Keys that were in any window so far stay in the un-filtered incremental form.
                        window.forEach(x -> seen.put(x, true));
                        Map<Integer, Long> counts = new TreeMap<>();
                        window.forEach(x -> counts.merge(x, 1L, Long::sum));
                        Map<Integer, Long> withZeros = new TreeMap<>();
                        seen.keySet().forEach(k -> withZeros.put(k, counts.getOrDefault(k, 0L)));
                        String at = " at " + t + " for w=" + wk + " s=" + sk + " input=" + input;
                        assertEquals(window, o.windowed().get(t), "window" + at);
                        assertEquals(counts, o.recomputed().getOrDefault(t, Map.of()), "reduceByKeyAndWindow" + at);
                        assertEquals(withZeros, o.incremental().getOrDefault(t, Map.of()),
                                "reduceByKeyAndWindow with inverse (keys stay with 0, as in Spark)" + at);
                        assertEquals(counts, o.incrementalFiltered().getOrDefault(t, Map.of()),
                                "reduceByKeyAndWindow with inverse and filter" + at);
                        assertEquals(counts, o.countByValue().getOrDefault(t, Map.of()), "countByValueAndWindow" + at);
                        assertEquals((long) window.size(), o.countByWindow().getOrDefault(t, 0L), "countByWindow" + at);
                        int sum = window.stream().mapToInt(Integer::intValue).sum();
                        if (!seen.isEmpty()) {
                            assertEquals(sum, (int) o.reduceByWindowInv().getOrDefault(t, 0), "reduceByWindow inverse" + at);
                        }
                        if (!window.isEmpty()) {
                            assertEquals(sum, (int) o.reduceByWindow().get(t), "reduceByWindow" + at);
                        }
                    }
                });
    }

    @Test
    void windowAndSlideMustBeMultiplesOfTheBatch() {
        try (StreamingContext ssc = new StreamingContext(new SluiceConf(false).setMaster("local[1]")
                .set("sluice.streaming.clock", "manual"), Duration.ofSeconds(1))) {
            DStream<Integer> in = ssc.queueStream(new ConcurrentLinkedQueue<RDD<Integer>>());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> in.window(Duration.ofMillis(1500)));
            assertTrue(e.getMessage().contains("1500 ms") && e.getMessage().contains("multiple"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> in.window(Duration.ofSeconds(2), Duration.ofMillis(500)));
            assertTrue(e.getMessage().contains("slide duration"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> in.mapToPair(x -> new Tuple2<>(x, 1))
                    .reduceByKeyAndWindow(Integer::sum, (a, b) -> a - b, Duration.ofSeconds(3), Duration.ofMillis(1200)));
            assertThrows(IllegalArgumentException.class, () -> in.window(Duration.ZERO));
        }
    }
}
