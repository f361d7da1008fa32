package io.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.testing.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DStream transformations driven batch by batch from queue streams with the manual clock. */
class DStreamOperationsTest {
    private static final Duration BATCH = Duration.ofSeconds(1);
    private static final Duration WAIT = Duration.ofSeconds(10);

    static SluiceConf manualConf() {
        return new SluiceConf(false).setMaster("local[2]").setAppName("dstream-ops")
                .set("sluice.streaming.clock", "manual");
    }

    /** Collects each batch's records, by batch time. */
    static <T> Map<Long, List<T>> collectInto(DStream<T> s) {
        Map<Long, List<T>> out = new ConcurrentHashMap<>();
        s.foreachRDD((rdd, t) -> out.put(t.milliseconds(), rdd.collect()));
        return out;
    }

    private static Time step(StreamingContext ssc) throws InterruptedException {
        return step(ssc, WAIT);
    }

    private static Time step(StreamingContext ssc, Duration wait) throws InterruptedException {
        Time t = ssc.manualClock().advance(BATCH);
        assertTrue(ssc.awaitBatchCompletion(t, wait), "batch " + t + " did not complete");
        return t;
    }

    private static <T extends Comparable<T>> List<T> sorted(List<T> l) {
        List<T> c = new ArrayList<>(l);
        Collections.sort(c);
        return c;
    }

    @Test
    void statelessTransformationsPerBatch() throws Exception {
        try (StreamingContext ssc = new StreamingContext(manualConf(), BATCH)) {
            Queue<RDD<String>> q = new ConcurrentLinkedQueue<>();
            DStream<String> lines = ssc.queueStream(q);
            DStream<String> words = lines.flatMap(l -> Arrays.asList(l.split(" ")).iterator());

            Map<Long, List<String>> upper = collectInto(lines.map(String::toUpperCase));
            Map<Long, List<String>> multiWord = collectInto(lines.filter(l -> l.contains(" ")));
            Map<Long, List<String>> flat = collectInto(words);
            Map<Long, List<Integer>> partSizes = collectInto(lines.mapPartitions(it -> {
                int n = 0;
                while (it.hasNext()) {
                    it.next();
                    n++;
                }
                return List.of(n).iterator();
            }));
            Map<Long, List<Long>> counts = collectInto(lines.count());
            Map<Long, List<Integer>> totalLength = collectInto(words.map(String::length).reduce(Integer::sum));
            Map<Long, List<Tuple2<String, Long>>> byValue = collectInto(words.countByValue());
            Map<Long, List<List<String>>> glommed = collectInto(lines.glom());
            Map<Long, Integer> repartitionedParts = new ConcurrentHashMap<>();
            Map<Long, List<String>> repartitioned = new ConcurrentHashMap<>();
            words.repartition(3).foreachRDD((rdd, t) -> {
                repartitionedParts.put(t.milliseconds(), rdd.getNumPartitions());
                repartitioned.put(t.milliseconds(), rdd.collect());
            });
            Map<Long, List<Integer>> lengths = collectInto(lines.transform(rdd -> rdd.map(String::length)));
            Map<Long, List<String>> stamped = collectInto(
                    lines.transform((rdd, t) -> rdd.map(l -> t.milliseconds() + ":" + l)));
            Map<Long, List<Tuple2<String, Integer>>> pairs = collectInto(
                    lines.transformToPair(rdd -> rdd.mapToPair(l -> new Tuple2<>(l, l.length()))));

            q.add(ssc.parallelize(List.of("a b", "c"), 2));
            q.add(ssc.parallelize(List.<String>of(), 2));          // an empty batch, as an RDD
            q.add(ssc.parallelize(List.of("d e d", "f", "g"), 2));
            ssc.start();
            step(ssc);
            step(ssc);
            step(ssc);

            assertEquals(List.of("A B", "C"), upper.get(1000L));
            assertEquals(List.of(), upper.get(2000L));
            assertEquals(List.of("D E D", "F", "G"), upper.get(3000L));
            assertEquals(List.of("a b"), multiWord.get(1000L));
            assertEquals(List.of("d e d"), multiWord.get(3000L));
            assertEquals(List.of("a", "b", "c"), flat.get(1000L));
            assertEquals(List.of("d", "e", "d", "f", "g"), flat.get(3000L));
            assertEquals(List.of(1, 1), partSizes.get(1000L));
            assertEquals(List.of(0, 0), partSizes.get(2000L));
            assertEquals(List.of(1, 2), partSizes.get(3000L));
            assertEquals(Map.of(1000L, List.of(2L), 2000L, List.of(0L), 3000L, List.of(3L)), counts);
            assertEquals(List.of(3), totalLength.get(1000L));
            assertEquals(List.of(), totalLength.get(2000L), "reduce of an empty batch is empty, as in Spark");
            assertEquals(List.of(5), totalLength.get(3000L));
            assertEquals(Map.of("a", 1L, "b", 1L, "c", 1L), toMap(byValue.get(1000L)));
            assertEquals(Map.of(), toMap(byValue.get(2000L)));
            assertEquals(Map.of("d", 2L, "e", 1L, "f", 1L, "g", 1L), toMap(byValue.get(3000L)));
            assertEquals(List.of(List.of("a b"), List.of("c")), glommed.get(1000L));
            assertEquals(List.of(List.of(), List.of()), glommed.get(2000L));
            assertEquals(List.of(List.of("d e d"), List.of("f", "g")), glommed.get(3000L));
            assertEquals(Map.of(1000L, 3, 2000L, 3, 3000L, 3), repartitionedParts);
            assertEquals(List.of("a", "b", "c"), sorted(repartitioned.get(1000L)));
            assertEquals(List.of("d", "d", "e", "f", "g"), sorted(repartitioned.get(3000L)));
            assertEquals(List.of(3, 1), lengths.get(1000L));
            assertEquals(List.of("1000:a b", "1000:c"), stamped.get(1000L));
            assertEquals(List.of("3000:d e d", "3000:f", "3000:g"), stamped.get(3000L));
            assertEquals(List.of(new Tuple2<>("a b", 3), new Tuple2<>("c", 1)), pairs.get(1000L));
            assertEquals(List.of(), pairs.get(2000L));
        }
    }

    static boolean chainMentions(Throwable e, String text) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (String.valueOf(c.getMessage()).contains(text)) {
                return true;
            }
        }
        return false;
    }

    private static <K, V> Map<K, V> toMap(List<Tuple2<K, V>> l) {
        Map<K, V> m = new HashMap<>();
        for (Tuple2<K, V> kv : l) {
            assertEquals(null, m.put(kv._1(), kv._2()), "key " + kv._1() + " twice in " + l);
        }
        return m;
    }

    /**
     * Spark's queueStream gives an empty RDD when the queue is empty and there is no default RDD
     * ({@code Some(ssc.sparkContext.emptyRDD)}), so output operations still run every batch:
     * count() emits 0 and foreachRDD sees an empty RDD.
     */
    @Test
    void emptyQueueGivesAnEmptyRddAsInSpark() throws Exception {
        try (StreamingContext ssc = new StreamingContext(manualConf(), BATCH)) {
            Queue<RDD<String>> q = new ConcurrentLinkedQueue<>();
            DStream<String> s = ssc.queueStream(q);
            Map<Long, List<String>> seen = collectInto(s);
            Map<Long, List<Long>> counts = collectInto(s.count());
            q.add(ssc.parallelize(List.of("x"), 1));
            ssc.start();
            step(ssc);
            step(ssc);
            assertEquals(List.of("x"), seen.get(1000L));
            assertEquals(List.of(1L), counts.get(1000L));
            assertEquals(List.of(), seen.get(2000L), "foreachRDD must run on batch 2000 with an empty RDD");
            assertEquals(List.of(0L), counts.get(2000L), "count() must emit 0 for batch 2000");
        }
    }

    @Test
    void oneAtATimeFalseTakesEveryQueuedRdd() throws Exception {
        try (StreamingContext ssc = new StreamingContext(manualConf(), BATCH)) {
            Queue<RDD<Integer>> q = new ConcurrentLinkedQueue<>();
            Map<Long, Integer> parts = new ConcurrentHashMap<>();
            Map<Long, List<Integer>> out = new ConcurrentHashMap<>();
            ssc.queueStream(q, false).foreachRDD((rdd, t) -> {
                parts.put(t.milliseconds(), rdd.getNumPartitions());
                out.put(t.milliseconds(), rdd.collect());
            });
            q.add(ssc.parallelize(List.of(1, 2), 1));
            q.add(ssc.parallelize(List.of(3, 4, 5), 2));
            q.add(ssc.parallelize(List.of(6), 1));
            ssc.start();
            step(ssc);
            assertEquals(List.of(1, 2, 3, 4, 5, 6), out.get(1000L), "all queued RDDs, in queue order");
            assertEquals(4, parts.get(1000L), "the union keeps every partition");
            assertTrue(q.isEmpty());
            q.add(ssc.parallelize(List.of(7), 1));
            step(ssc);
            assertEquals(List.of(7), out.get(2000L));
        }
    }

    @Test
    void oneAtATimeTakesOneRddPerBatch() throws Exception {
        try (StreamingContext ssc = new StreamingContext(manualConf(), BATCH)) {
            Queue<RDD<Integer>> q = new ConcurrentLinkedQueue<>();
            Map<Long, List<Integer>> out = collectInto(ssc.queueStream(q, true));
            q.add(ssc.parallelize(List.of(1, 2), 2));
            q.add(ssc.parallelize(List.of(3), 1));
            ssc.start();
            step(ssc);
            assertEquals(1, q.size(), "one RDD left for the next batch");
            step(ssc);
            assertEquals(Map.of(1000L, List.of(1, 2), 2000L, List.of(3)), out);
        }
    }

    @Test
    void defaultRddFillsBatchesWithAnEmptyQueue() throws Exception {
        try (StreamingContext ssc = new StreamingContext(manualConf(), BATCH)) {
            Queue<RDD<String>> q = new ConcurrentLinkedQueue<>();
            RDD<String> fallback = ssc.parallelize(List.of("default"), 1);
            Map<Long, List<String>> out = collectInto(ssc.queueStream(q, true, fallback).map(s -> s + "!"));
            q.add(ssc.parallelize(List.of("first"), 1));
            ssc.start();
            step(ssc);
            step(ssc);
            q.add(ssc.parallelize(List.of("late"), 1));
            step(ssc);
            step(ssc);
            assertEquals(Map.of(1000L, List.of("first!"), 2000L, List.of("default!"), 3000L, List.of("late!"),
                    4000L, List.of("default!")), out);
        }
    }

    @Test
    void unionOfStreamsConcatenatesEachBatch() throws Exception {
        try (StreamingContext ssc = new StreamingContext(manualConf(), BATCH)) {
            Queue<RDD<Integer>> qa = new ConcurrentLinkedQueue<>();
            Queue<RDD<Integer>> qb = new ConcurrentLinkedQueue<>();
            Queue<RDD<Integer>> qc = new ConcurrentLinkedQueue<>();
            DStream<Integer> a = ssc.queueStream(qa);
            DStream<Integer> b = ssc.queueStream(qb);
            DStream<Integer> c = ssc.queueStream(qc);
            Map<Long, List<Integer>> ab = collectInto(a.union(b));
            Map<Long, List<Integer>> abc = collectInto(ssc.union(a, b, c.map(x -> -x)));
            Map<Long, Integer> abParts = new ConcurrentHashMap<>();
            a.union(b).foreachRDD((rdd, t) -> abParts.put(t.milliseconds(), rdd.getNumPartitions()));
            qa.add(ssc.parallelize(List.of(1, 2), 2));
            qb.add(ssc.parallelize(List.of(3), 1));
            qc.add(ssc.parallelize(List.of(4, 5), 1));
            qa.add(ssc.parallelize(List.of(6), 1));
            qb.add(ssc.parallelize(List.of(7, 8), 3));
            qc.add(ssc.parallelize(List.of(9), 1));
            ssc.start();
            step(ssc);
            step(ssc);
            assertEquals(List.of(1, 2, 3), ab.get(1000L));
            assertEquals(List.of(6, 7, 8), ab.get(2000L));
            assertEquals(List.of(1, 2, 3, -4, -5), abc.get(1000L));
            assertEquals(List.of(6, 7, 8, -9), abc.get(2000L));
            assertEquals(Map.of(1000L, 3, 2000L, 4), abParts);
        }
    }

    @Test
    void outputsOfABatchRunInDeclarationOrder() throws Exception {
        try (StreamingContext ssc = new StreamingContext(manualConf(), BATCH)) {
            Queue<RDD<Integer>> q = new ConcurrentLinkedQueue<>();
            DStream<Integer> s = ssc.queueStream(q);
            List<String> order = Collections.synchronizedList(new ArrayList<>());
            s.foreachRDD((rdd, t) -> order.add(t.milliseconds() + ":first"));
            s.map(x -> x * 2).foreachRDD((rdd, t) -> order.add(t.milliseconds() + ":second"));
            s.foreachRDD((rdd, t) -> order.add(t.milliseconds() + ":third"));
            q.add(ssc.parallelize(List.of(1), 1));
            q.add(ssc.parallelize(List.of(2), 1));
            ssc.start();
            step(ssc);
            step(ssc);
            assertEquals(List.of("1000:first", "1000:second", "1000:third", "2000:first", "2000:second",
                    "2000:third"), order);
        }
    }

    /**
     * A receiver stream's batch without blocks is an RDD with no partition (as in Spark). By-key
     * operations with their default partition count must work on it: in Spark
     * {@code rdd.distinct()} / {@code reduceByKey(f)} on such an RDD give an empty RDD.
     */
    @Test
    void receiverBatchWithoutDataSupportsByKeyOperations() throws Exception {
        try (StreamingContext ssc = new StreamingContext(manualConf(), BATCH)) {
            TestReceiver<String> receiver = new TestReceiver<>();
            DStream<String> s = ssc.receiverStream(receiver);
            Map<Long, Long> distinct = new ConcurrentHashMap<>();
            s.foreachRDD((rdd, t) -> distinct.put(t.milliseconds(), rdd.distinct().count()));
            Map<Long, List<Tuple2<String, Integer>>> reduced = collectInto(s.transformToPair(
                    rdd -> rdd.mapToPair(w -> new Tuple2<>(w, 1)).reduceByKey(Integer::sum)));
            ssc.start();
            receiver.awaitStarted();
            step(ssc, Duration.ofSeconds(3));             // no data: no block, no partition
            receiver.storeAt(List.of("a", "b", "a"), 1);
            step(ssc, Duration.ofSeconds(3));
            assertEquals(Map.of(1000L, 0L, 2000L, 2L), distinct);
            assertEquals(List.of(), reduced.get(1000L));
            assertEquals(Map.of("a", 2, "b", 1), toMap(reduced.get(2000L)));
        }
    }

    /**
     * A transform function runs when the batch is generated (as in Spark). When it throws, the
     * context stops with that error; a test waiting for the batch must learn it at once (as it
     * does for a failed output job), not after its whole timeout.
     */
    @Test
    void failureWhileGeneratingABatchReachesAwaitBatchCompletion() throws Exception {
        try (StreamingContext ssc = new StreamingContext(manualConf(), BATCH)) {
            Queue<RDD<Integer>> q = new ConcurrentLinkedQueue<>();
            ssc.queueStream(q).transform(rdd -> {
                throw new IllegalStateException("boom in transform");
            }).foreachRDD(rdd -> rdd.count());
            q.add(ssc.parallelize(List.of(1), 1));
            ssc.start();
            Time t = ssc.manualClock().advance(BATCH);
            long start = System.nanoTime();
            SluiceException e = org.junit.jupiter.api.Assertions.assertThrows(SluiceException.class,
                    () -> ssc.awaitBatchCompletion(t, Duration.ofSeconds(3)));
            assertTrue(chainMentions(e, "boom in transform"), String.valueOf(e));
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "reported only after the timeout");
            SluiceException term = org.junit.jupiter.api.Assertions.assertThrows(SluiceException.class,
                    () -> ssc.awaitTerminationOrTimeout(3_000));
            assertTrue(chainMentions(term, "boom in transform"), String.valueOf(term));
        }
    }

    /**
     * count() and reduce() are transformations: they must not run a job when the batch is
     * generated. If they do, a stateful parent's state is applied at generation time, ahead of
     * the batches still queued, and those batches' outputs (and checkpoints) see state from the
     * future. Here batch 1000's first output holds the batch until batch 2000 has been
     * generated; the state printed for 1000 must still be the state after batch 1000.
     */
    @Test
    void countOfAStatefulStreamDoesNotApplyStateAheadOfItsBatch(@TempDir Path dir) throws Exception {
        assertStateNotAppliedAhead(dir, state -> state.count());
    }

    @Test
    void reduceOfAStatefulStreamDoesNotApplyStateAheadOfItsBatch(@TempDir Path dir) throws Exception {
        assertStateNotAppliedAhead(dir, state -> state.map(Tuple2::_2).reduce(Integer::sum));
    }

    private static void assertStateNotAppliedAhead(Path dir, Function<PairDStream<String, Integer>, DStream<?>> op)
            throws Exception {
        try (StreamingContext ssc = new StreamingContext(manualConf(), BATCH)) {
            ssc.checkpoint(dir.resolve("cp").toString());
            Queue<RDD<String>> q = new ConcurrentLinkedQueue<>();
            DStream<String> words = ssc.queueStream(q);
            PairDStream<String, Integer> state = words.mapToPair(w -> new Tuple2<>(w, 1))
                    .updateStateByKey((List<Integer> vs, Optional<Integer> s) -> Optional.of(s.orElse(0) + vs.size()));
            CountDownLatch batch2000Generated = new CountDownLatch(1);
            ssc.addStreamingListener(new StreamingListener() {
                @Override
                public void onBatchSubmitted(BatchInfo batch) {
                    if (batch.batchTime().milliseconds() == 2000) {
                        batch2000Generated.countDown();
                    }
                }
            });
            words.foreachRDD((rdd, t) -> {
                if (t.milliseconds() == 1000) {
                    batch2000Generated.await(10, TimeUnit.SECONDS);
                }
            });
            Map<Long, Map<String, Integer>> states = new ConcurrentHashMap<>();
            state.foreachRDD((rdd, t) -> states.put(t.milliseconds(), new TreeMap<>(PairRDD.fromRDD(rdd).collectAsMap())));
            op.apply(state).foreachRDD(rdd -> rdd.collect());
            q.add(ssc.parallelize(List.of("a"), 1));
            q.add(ssc.parallelize(List.of("b", "c"), 1));
            ManualClock clock = ssc.manualClock();
            ssc.start();
            Time t2 = clock.advance(Duration.ofSeconds(2));   // batches 1000 and 2000 fall due together
            assertTrue(ssc.awaitBatchCompletion(t2, WAIT));
            assertEquals(Map.of("a", 1), states.get(1000L), "state of batch 1000 must not include batch 2000");
            assertEquals(Map.of("a", 1, "b", 1, "c", 1), states.get(2000L));
        }
    }

    /**
     * cache() is documented as keeping each batch's RDD for reuse by several outputs; in Spark a
     * cached stream's records are computed once per batch however many outputs read them.
     */
    @Test
    void cachedStreamIsComputedOncePerBatch() throws Exception {
        try (StreamingContext ssc = new StreamingContext(manualConf(), BATCH)) {
            Queue<RDD<Integer>> q = new ConcurrentLinkedQueue<>();
            AtomicInteger calls = new AtomicInteger();
            DStream<Integer> expensive = ssc.queueStream(q).map(x -> {
                calls.incrementAndGet();
                return x * 10;
            }).cache();
            Map<Long, List<Integer>> first = collectInto(expensive);
            Map<Long, List<Integer>> second = collectInto(expensive.filter(x -> x > 10));
            q.add(ssc.parallelize(List.of(1, 2, 3), 2));
            ssc.start();
            step(ssc);
            assertEquals(List.of(10, 20, 30), first.get(1000L));
            assertEquals(List.of(20, 30), second.get(1000L));
            assertEquals(3, calls.get(), "the map function ran " + calls.get() + " times for 3 records");
        }
    }

    @Test
    void pairOperationsPerBatch() throws Exception {
        try (StreamingContext ssc = new StreamingContext(manualConf(), BATCH)) {
            Queue<RDD<String>> q = new ConcurrentLinkedQueue<>();
            PairDStream<String, Integer> pairs = ssc.queueStream(q).mapToPair(w -> new Tuple2<>(w, w.length()));
            Map<Long, List<Tuple2<String, Iterable<Integer>>>> grouped = collectInto(pairs.groupByKey(2));
            Map<Long, List<Tuple2<String, Integer>>> doubled = collectInto(pairs.mapValues(v -> v * 2));
            Map<Long, List<Tuple2<String, Integer>>> flat = collectInto(pairs.flatMapValues(v -> List.of(v, -v).iterator()));
            Map<Long, List<Tuple2<String, List<Integer>>>> combined = collectInto(pairs.<List<Integer>>combineByKey(
                    v -> new ArrayList<>(List.of(v)),
                    (l, v) -> {
                        l.add(v);
                        return l;
                    },
                    (l1, l2) -> {
                        l1.addAll(l2);
                        return l1;
                    }));
            q.add(ssc.parallelize(List.of("aa", "b", "aa", "ccc"), 2));
            ssc.start();
            step(ssc);
            Map<String, List<Integer>> g = grouped.get(1000L).stream().collect(Collectors.toMap(Tuple2::_1, kv -> {
                List<Integer> l = new ArrayList<>();
                kv._2().forEach(l::add);
                return l;
            }));
            assertEquals(Map.of("aa", List.of(2, 2), "b", List.of(1), "ccc", List.of(3)), g);
            assertEquals(List.of(new Tuple2<>("aa", 4), new Tuple2<>("b", 2), new Tuple2<>("aa", 4),
                    new Tuple2<>("ccc", 6)), doubled.get(1000L));
            assertEquals(8, flat.get(1000L).size());
            assertEquals(0, flat.get(1000L).stream().mapToInt(Tuple2::_2).sum());
            assertEquals(Map.of("aa", List.of(2, 2), "b", List.of(1), "ccc", List.of(3)), toMap(combined.get(1000L)));
        }
    }
}
