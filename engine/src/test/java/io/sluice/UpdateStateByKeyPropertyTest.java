package io.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
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
 * updateStateByKey equals a fold over all batches: for random batches (some empty), random
 * state partitions and an update function that also removes keys, the state after every batch
 * equals the plain-Java fold, and so do the stateless operations feeding it; whether the batch's
 * output is read from the copy the update kept in memory or from the state store.
 */
class UpdateStateByKeyPropertyTest {

    /** Sum of the batch's values; a key whose sum reaches a multiple of 7 is removed. */
    private static Optional<Integer> update(List<Integer> values, Optional<Integer> state) {
        int sum = state.orElse(0);
        for (int v : values) {
            sum += v;
        }
        return sum % 7 == 0 && !values.isEmpty() ? Optional.empty() : Optional.of(sum);
    }

    @Test
    void stateAfterEveryBatchEqualsTheFold() {
        qt().withExamples(25).forAll(
                lists().of(lists().of(integers().between(-3, 12)).ofSizeBetween(0, 8)).ofSizeBetween(1, 7),
                integers().between(1, 4),
                booleans().all())
                .checkAssert((batches, partitions, keepOutputInMemory) -> {
                    Map<Long, Map<Integer, Integer>> got = new ConcurrentHashMap<>();
                    Map<Long, Long> counts = new ConcurrentHashMap<>();
                    Path dir;
                    try {
                        dir = Files.createTempDirectory("usbk-prop");
                    } catch (java.io.IOException e) {
                        throw new AssertionError(e);
                    }
                    SluiceConf conf = new SluiceConf(false).setMaster("local[2]").set("sluice.streaming.clock", "manual");
                    if (!keepOutputInMemory) {
                        // Every read of the state from the store, none from the batch's in-memory copy.
                        conf.set("sluice.state.outputBufferBytes", "0");
                    }
                    try (StreamingContext ssc = new StreamingContext(conf, Duration.ofSeconds(1))) {
                        ssc.checkpoint(dir.toString());
                        Queue<RDD<Integer>> q = new ConcurrentLinkedQueue<>();
                        batches.forEach(b -> q.add(ssc.parallelize(b, 2)));
                        DStream<Integer> in = ssc.queueStream(q);
                        // Key = value mod 4 (non-negative), value = the number itself; negatives dropped.
                        in.filter(x -> x >= 0)
                                .mapToPair(x -> new Tuple2<>(x % 4, x))
                                .updateStateByKey(UpdateStateByKeyPropertyTest::update, partitions)
                                .foreachRDD((rdd, t) -> got.put(t.milliseconds(),
                                        new TreeMap<>(PairRDD.fromRDD(rdd).collectAsMap())));
                        in.count().foreachRDD((rdd, t) -> counts.put(t.milliseconds(), rdd.first()));
                        ssc.start();
                        Time last = null;
                        for (int i = 0; i < batches.size(); i++) {
                            last = ssc.manualClock().advance(Duration.ofSeconds(1));
                        }
                        assertTrue(ssc.awaitBatchCompletion(last, Duration.ofSeconds(20)));
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    } finally {
                        try (Stream<Path> s = Files.walk(dir)) {
                            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                        } catch (java.io.IOException ignored) {
                            // best effort cleanup of a temp dir
                        }
                    }
                    Map<Integer, Integer> state = new TreeMap<>();
                    for (int i = 0; i < batches.size(); i++) {
                        long t = (i + 1) * 1000L;
                        Map<Integer, List<Integer>> byKey = new TreeMap<>();
                        for (int x : batches.get(i)) {
                            if (x >= 0) {
                                byKey.computeIfAbsent(x % 4, k -> new ArrayList<>()).add(x);
                            }
                        }
                        Map<Integer, Integer> next = new TreeMap<>();
                        java.util.Set<Integer> keys = new java.util.TreeSet<>(state.keySet());
                        keys.addAll(byKey.keySet());
                        for (int k : keys) {
                            update(byKey.getOrDefault(k, List.of()), Optional.ofNullable(state.get(k)))
                                    .ifPresent(v -> next.put(k, v));
                        }
                        state = next;
                        String at = " at " + t + " batches=" + batches + " partitions=" + partitions
                                + " keepOutputInMemory=" + keepOutputInMemory;
                        assertEquals(state, got.get(t), "state" + at);
                        assertEquals((long) batches.get(i).size(), counts.get(t), "count" + at);
                    }
                });
    }

    /** Count of the key's records; a key whose count reaches a multiple of 3 is removed. */
    private static Optional<Integer> count(List<Integer> values, Optional<Integer> state) {
        int n = state.orElse(0) + values.size();
        return !values.isEmpty() && n % 3 == 0 ? Optional.empty() : Optional.of(n);
    }

    /**
     * Keys of varied lengths that share long prefixes (so that their serialized forms agree on
     * their first bytes and differ later, or are prefixes of one another), new keys arriving
     * before, between and after stored ones, and removals: the state after every batch equals
     * the fold. The batch merges its new keys with the stored ones by their serialized bytes,
     * in the store's order; this is where a mistake in that order would show.
     */
    @Test
    void keysSharingLongPrefixesMergeWithTheStoredOnes() {
        qt().withExamples(15).forAll(
                lists().of(lists().of(integers().between(0, 40)).ofSizeBetween(0, 12)).ofSizeBetween(1, 6),
                integers().between(1, 3))
                .checkAssert((batches, partitions) -> {
                    Map<Long, Map<String, Integer>> got = new ConcurrentHashMap<>();
                    Path dir;
                    try {
                        dir = Files.createTempDirectory("usbk-keys");
                    } catch (java.io.IOException e) {
                        throw new AssertionError(e);
                    }
                    SluiceConf conf = new SluiceConf(false).setMaster("local[2]").set("sluice.streaming.clock", "manual");
                    try (StreamingContext ssc = new StreamingContext(conf, Duration.ofSeconds(1))) {
                        ssc.checkpoint(dir.toString());
                        Queue<RDD<Integer>> q = new ConcurrentLinkedQueue<>();
                        batches.forEach(b -> q.add(ssc.parallelize(b, 2)));
                        ssc.queueStream(q)
                                .mapToPair(x -> new Tuple2<>(keyOf(x), x))
                                .updateStateByKey(UpdateStateByKeyPropertyTest::count, partitions)
                                .foreachRDD((rdd, t) -> got.put(t.milliseconds(),
                                        new TreeMap<>(PairRDD.fromRDD(rdd).collectAsMap())));
                        ssc.start();
                        Time last = null;
                        for (int i = 0; i < batches.size(); i++) {
                            last = ssc.manualClock().advance(Duration.ofSeconds(1));
                        }
                        assertTrue(ssc.awaitBatchCompletion(last, Duration.ofSeconds(20)));
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    } finally {
                        try (Stream<Path> s = Files.walk(dir)) {
                            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                        } catch (java.io.IOException ignored) {
                            // best effort cleanup of a temp dir
                        }
                    }
                    Map<String, Integer> state = new TreeMap<>();
                    for (int i = 0; i < batches.size(); i++) {
                        Map<String, List<Integer>> byKey = new TreeMap<>();
                        for (int x : batches.get(i)) {
                            byKey.computeIfAbsent(keyOf(x), k -> new ArrayList<>()).add(x);
                        }
                        Map<String, Integer> next = new TreeMap<>();
                        java.util.Set<String> keys = new java.util.TreeSet<>(state.keySet());
                        keys.addAll(byKey.keySet());
                        for (String k : keys) {
                            count(byKey.getOrDefault(k, List.of()), Optional.ofNullable(state.get(k)))
                                    .ifPresent(v -> next.put(k, v));
                        }
                        state = next;
                        assertEquals(state, got.get((i + 1) * 1000L),
                                "state at " + (i + 1) * 1000 + " batches=" + batches + " partitions=" + partitions);
                    }
                });
    }

    /** "", "a", "aa", ... and a long shared prefix followed by a digit: prefixes of one another. */
    private static String keyOf(int x) {
        return x < 10 ? "a".repeat(x) : "shared-prefix-longer-than-eight-bytes-" + (x % 10) + "a".repeat(x / 10);
    }
}
