package io.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
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
 * equals the plain-Java fold, and so do the stateless operations feeding it.
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
                integers().between(1, 4))
                .checkAssert((batches, partitions) -> {
                    Map<Long, Map<Integer, Integer>> got = new ConcurrentHashMap<>();
                    Map<Long, Long> counts = new ConcurrentHashMap<>();
                    Path dir;
                    try {
                        dir = Files.createTempDirectory("usbk-prop");
                    } catch (java.io.IOException e) {
                        throw new AssertionError(e);
                    }
                    SluiceConf conf = new SluiceConf(false).setMaster("local[2]").set("sluice.streaming.clock", "manual");
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
                        String at = " at " + t + " batches=" + batches + " partitions=" + partitions;
                        assertEquals(state, got.get(t), "state" + at);
                        assertEquals((long) batches.get(i).size(), counts.get(t), "count" + at);
                    }
                });
    }
}
