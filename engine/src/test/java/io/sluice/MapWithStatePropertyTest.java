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
import java.util.Optional;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * mapWithState against a plain-Java model: running sums per key, removal, and timeouts that
 * fire at the first batch whose time exceeds the key's last data by more than the timeout.
 */
class MapWithStatePropertyTest {
    private static final long B = 1000;

    /** Value 0 removes the key's state; other values add to it. Timing out emits -sum. */
    private static StateSpec<Integer, Integer, Integer, String> spec(int timeoutBatches) {
        StateSpec<Integer, Integer, Integer, String> spec = StateSpec.function(
                (Integer k, Optional<Integer> v, State<Integer> s) -> {
                    if (s.isTimingOut()) {
                        return k + ":timeout:" + s.get();
                    }
                    if (v.get() == 0) {
                        if (s.exists()) {
                            s.remove();
                        }
                        return k + ":removed";
                    }
                    int sum = s.getOption().orElse(0) + v.get();
                    s.update(sum);
                    return k + ":" + sum;
                });
        return timeoutBatches > 0 ? spec.timeout(Duration.ofMillis(timeoutBatches * B)).numPartitions(3) : spec;
    }

    record Run(Map<Long, List<String>> mapped, Map<Long, Map<Integer, Integer>> snapshots) {
    }

    private static Run run(List<List<Integer>> keys, List<List<Integer>> values, int timeoutBatches, int extra)
            throws Exception {
        Path dir = Files.createTempDirectory("mws-prop");
        Run r = new Run(new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
        try {
            SluiceConf conf = new SluiceConf(false).setMaster("local[2]").setAppName("mws")
                    .set("sluice.streaming.clock", "manual");
            try (StreamingContext ssc = new StreamingContext(conf, Duration.ofMillis(B))) {
                ssc.checkpoint(dir.toString());
                Queue<RDD<Tuple2<Integer, Integer>>> q = new ConcurrentLinkedQueue<>();
                for (int i = 0; i < keys.size(); i++) {
                    List<Tuple2<Integer, Integer>> batch = new ArrayList<>();
                    for (int j = 0; j < keys.get(i).size(); j++) {
                        batch.add(new Tuple2<>(keys.get(i).get(j), values.get(i).get(j % values.get(i).size())));
                    }
                    q.add(ssc.parallelize(batch, 1));
                }
                MapWithStateDStream<Integer, Integer, Integer, String> m =
                        PairDStream.fromDStream(ssc.queueStream(q)).mapWithState(spec(timeoutBatches));
                m.foreachRDD((rdd, t) -> {
                    List<String> l = new ArrayList<>(rdd.collect());
                    l.sort(Comparator.naturalOrder());
                    r.mapped().put(t.milliseconds(), l);
                });
                m.stateSnapshots().foreachRDD((rdd, t) ->
                        r.snapshots().put(t.milliseconds(), new TreeMap<>(PairRDD.fromRDD(rdd).collectAsMap())));
                ssc.start();
                Time last = null;
                for (int i = 0; i < keys.size() + extra; i++) {
                    last = ssc.manualClock().advance(Duration.ofMillis(B));
                }
                assertTrue(ssc.awaitBatchCompletion(last, Duration.ofSeconds(30)));
            }
        } finally {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return r;
    }

    @Test
    void mapWithStateEqualsTheModel() {
        qt().withExamples(20).withShrinkCycles(10)
                .forAll(lists().of(lists().of(integers().between(0, 4)).ofSizeBetween(0, 5)).ofSizeBetween(1, 6),
                        lists().of(integers().between(0, 3)).ofSizeBetween(1, 4),
                        integers().between(0, 3))
                .checkAssert((keys, vals, timeoutBatches) -> {
                    List<List<Integer>> values = new ArrayList<>();
                    keys.forEach(k -> values.add(vals));
                    int extra = timeoutBatches + 2;
                    Run got;
                    try {
                        got = run(keys, values, timeoutBatches, extra);
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                    Map<Integer, Integer> state = new HashMap<>();
                    Map<Integer, Long> lastData = new HashMap<>();
                    for (int i = 1; i <= keys.size() + extra; i++) {
                        long t = i * B;
                        List<String> out = new ArrayList<>();
                        Map<Integer, Boolean> touched = new HashMap<>();
                        if (i <= keys.size()) {
                            List<Integer> ks = keys.get(i - 1);
                            for (int j = 0; j < ks.size(); j++) {
                                int k = ks.get(j);
                                int v = vals.get(j % vals.size());
                                touched.put(k, true);
                                if (v == 0) {
                                    state.remove(k);
                                    out.add(k + ":removed");
                                } else {
                                    int sum = state.getOrDefault(k, 0) + v;
                                    state.put(k, sum);
                                    out.add(k + ":" + sum);
                                }
                            }
                            for (int k : touched.keySet()) {
                                if (state.containsKey(k)) {
                                    lastData.put(k, t);
                                } else {
                                    lastData.remove(k);
                                }
                            }
                        }
                        if (timeoutBatches > 0) {
                            for (int k : new ArrayList<>(state.keySet())) {
                                if (!touched.containsKey(k) && t - lastData.get(k) > timeoutBatches * B) {
                                    out.add(k + ":timeout:" + state.remove(k));
                                    lastData.remove(k);
                                }
                            }
                        }
                        out.sort(Comparator.naturalOrder());
                        String at = " at " + t + " timeout=" + timeoutBatches + " keys=" + keys + " values=" + vals;
                        assertEquals(out, got.mapped().getOrDefault(t, List.of()), "mapped records" + at);
                        assertEquals(new TreeMap<>(state), got.snapshots().get(t), "state snapshot" + at);
                    }
                });
    }

    @Test
    void stateRulesMatchSpark() {
        StateSpec<String, Integer, Integer, Integer> bad = StateSpec.function(
                (String k, Optional<Integer> v, State<Integer> s) -> {
                    s.update(1);
                    s.remove();
                    s.update(2);
                    return 0;
                });
        Path dir;
        try {
            dir = Files.createTempDirectory("mws-rules");
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        SluiceConf conf = new SluiceConf(false).setMaster("local[1]").set("sluice.streaming.clock", "manual");
        try (StreamingContext ssc = new StreamingContext(conf, Duration.ofMillis(B))) {
            ssc.checkpoint(dir.toString());
            Queue<RDD<Tuple2<String, Integer>>> q = new ConcurrentLinkedQueue<>();
            q.add(ssc.parallelizePairs(List.of(new Tuple2<>("a", 1))));
            PairDStream.fromDStream(ssc.queueStream(q)).mapWithState(bad).foreachRDD(rdd -> { });
            ssc.start();
            Time t = ssc.manualClock().advance(Duration.ofMillis(B));
            SluiceException e = assertThrows(SluiceException.class, () -> ssc.awaitBatchCompletion(t, Duration.ofSeconds(10)));
            assertTrue(String.valueOf(e.getCause()).contains("Cannot update the state after it has been removed"), e.toString());
        }
        assertThrows(IllegalArgumentException.class, () -> spec(0).timeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> spec(0).numPartitions(0));
    }
}
