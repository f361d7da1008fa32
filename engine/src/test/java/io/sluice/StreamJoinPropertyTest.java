package io.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/** Stream joins, per batch, against a plain-Java model; transform over several streams. */
class StreamJoinPropertyTest {

    private static List<String> sorted(List<?> l) {
        List<String> s = new ArrayList<>();
        l.forEach(x -> s.add(String.valueOf(x)));
        s.sort(null);
        return s;
    }

    @Test
    void joinsOfTwoStreamsEqualTheModel() {
        qt().withExamples(20).forAll(
                lists().of(lists().of(integers().between(0, 4)).ofSizeBetween(0, 5)).ofSizeBetween(1, 4),
                lists().of(lists().of(integers().between(0, 4)).ofSizeBetween(0, 5)).ofSizeBetween(1, 4))
                .checkAssert((left, right) -> {
                    Map<String, Map<Long, List<String>>> out = new ConcurrentHashMap<>();
                    int n = Math.max(left.size(), right.size());
                    SluiceConf conf = new SluiceConf(false).setMaster("local[2]").set("sluice.streaming.clock", "manual");
                    try (StreamingContext ssc = new StreamingContext(conf, Duration.ofSeconds(1))) {
                        Queue<RDD<Integer>> ql = new ConcurrentLinkedQueue<>();
                        Queue<RDD<Integer>> qr = new ConcurrentLinkedQueue<>();
                        left.forEach(b -> ql.add(ssc.parallelize(b, 2)));
                        right.forEach(b -> qr.add(ssc.parallelize(b, 1)));
                        PairDStream<Integer, String> l = ssc.queueStream(ql).mapToPair(x -> new Tuple2<>(x, "l" + x));
                        PairDStream<Integer, String> r = ssc.queueStream(qr).mapToPair(x -> new Tuple2<>(x, "r" + x));
                        record Op(String name, DStream<?> s) {
                        }
                        for (Op op : List.of(new Op("join", l.join(r)), new Op("left", l.leftOuterJoin(r)),
                                new Op("right", l.rightOuterJoin(r, 3)), new Op("full", l.fullOuterJoin(r)),
                                new Op("transform", ssc.transform(List.of(l, r), (rdds, t) -> {
                                    @SuppressWarnings("unchecked")
                                    RDD<Tuple2<Integer, String>> a = (RDD<Tuple2<Integer, String>>) rdds.get(0);
                                    @SuppressWarnings("unchecked")
                                    RDD<Tuple2<Integer, String>> b = (RDD<Tuple2<Integer, String>>) rdds.get(1);
                                    return a.union(b).map(Tuple2::_2);
                                })))) {
                            out.put(op.name(), new ConcurrentHashMap<>());
                            op.s().foreachRDD((rdd, t) -> out.get(op.name()).put(t.milliseconds(), sorted(rdd.collect())));
                        }
                        ssc.start();
                        Time last = null;
                        for (int i = 0; i < n; i++) {
                            last = ssc.manualClock().advance(Duration.ofSeconds(1));
                        }
                        assertTrue(ssc.awaitBatchCompletion(last, Duration.ofSeconds(20)));
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    for (int i = 0; i < n; i++) {
                        long t = (i + 1) * 1000L;
                        List<Integer> a = i < left.size() ? left.get(i) : List.of();
                        List<Integer> b = i < right.size() ? right.get(i) : List.of();
                        List<Object> join = new ArrayList<>();
                        List<Object> lo = new ArrayList<>();
                        List<Object> ro = new ArrayList<>();
                        List<Object> fo = new ArrayList<>();
                        List<Object> tr = new ArrayList<>();
                        a.forEach(x -> tr.add("l" + x));
                        b.forEach(x -> tr.add("r" + x));
                        for (int x : a) {
                            long matches = b.stream().filter(y -> y == x).count();
                            for (int j = 0; j < matches; j++) {
                                join.add(new Tuple2<>(x, new Tuple2<>("l" + x, "r" + x)));
                                lo.add(new Tuple2<>(x, new Tuple2<>("l" + x, Optional.of("r" + x))));
                                ro.add(new Tuple2<>(x, new Tuple2<>(Optional.of("l" + x), "r" + x)));
                                fo.add(new Tuple2<>(x, new Tuple2<>(Optional.of("l" + x), Optional.of("r" + x))));
                            }
                            if (matches == 0) {
                                lo.add(new Tuple2<>(x, new Tuple2<>("l" + x, Optional.empty())));
                                fo.add(new Tuple2<>(x, new Tuple2<>(Optional.of("l" + x), Optional.empty())));
                            }
                        }
                        for (int y : b) {
                            if (a.stream().noneMatch(x -> x == y)) {
                                ro.add(new Tuple2<>(y, new Tuple2<>(Optional.empty(), "r" + y)));
                                fo.add(new Tuple2<>(y, new Tuple2<>(Optional.empty(), Optional.of("r" + y))));
                            }
                        }
                        String at = " at " + t + " left=" + left + " right=" + right;
                        assertEquals(sorted(join), out.get("join").get(t), "join" + at);
                        assertEquals(sorted(lo), out.get("left").get(t), "leftOuterJoin" + at);
                        assertEquals(sorted(ro), out.get("right").get(t), "rightOuterJoin" + at);
                        assertEquals(sorted(fo), out.get("full").get(t), "fullOuterJoin" + at);
                        assertEquals(sorted(tr), out.get("transform").get(t), "transform" + at);
                    }
                });
    }

    @Test
    void joiningStreamsWithDifferentSlidesIsRefused() {
        SluiceConf conf = new SluiceConf(false).setMaster("local[1]").set("sluice.streaming.clock", "manual");
        try (StreamingContext ssc = new StreamingContext(conf, Duration.ofSeconds(1))) {
            PairDStream<Integer, Integer> a = ssc.queueStream(new ConcurrentLinkedQueue<RDD<Integer>>())
                    .mapToPair(x -> new Tuple2<>(x, x));
            PairDStream<Integer, Integer> w = PairDStream.fromDStream(a.window(Duration.ofSeconds(2), Duration.ofSeconds(2)));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.join(w));
            assertTrue(e.getMessage().contains("slide"), e.getMessage());
        }
    }
}
