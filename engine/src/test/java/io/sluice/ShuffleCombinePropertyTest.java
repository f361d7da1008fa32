package io.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The combining shuffle (reduceByKey, combineByKey) against a plain {@code HashMap} merge, with
 * the keys that stress its hash table: distinct keys with equal hash codes, the null key, and
 * null combiners; and its output order, which must not depend on task timing.
 */
class ShuffleCombinePropertyTest {
    private static StreamingContext ssc;

    /** A key whose hash code collides with many others'. */
    record Key(int id) implements Serializable {
        @Override
        public int hashCode() {
            return id % 7;
        }
    }

    @BeforeAll
    static void createContext() {
        ssc = new StreamingContext(new SluiceConf(false).setMaster("local[3]").setAppName("shuffle-combine"),
                Duration.ofSeconds(1));
    }

    @AfterAll
    static void stopContext() {
        ssc.stop();
    }

    /** Id -1 stands for the null key. */
    private static List<Tuple2<Key, Integer>> pairs(List<Integer> ids) {
        List<Tuple2<Key, Integer>> out = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            int id = ids.get(i);
            out.add(new Tuple2<>(id < 0 ? null : new Key(id), i % 5));
        }
        return out;
    }

    @Test
    void reduceByKeyEqualsAHashMapMergeWithCollidingAndNullKeys() {
        qt().withFixedSeed(0x5E1FL).withExamples(60).forAll(
                lists().of(integers().between(-1, 150)).ofSizeBetween(0, 600),
                integers().between(1, 4),
                integers().between(1, 4)
        ).checkAssert((ids, n, m) -> {
            List<Tuple2<Key, Integer>> data = pairs(ids);
            Map<Key, Integer> expected = new HashMap<>();
            data.forEach(kv -> expected.merge(kv._1(), kv._2(), Integer::sum));
            PairRDD<Key, Integer> reduced = PairRDD.fromRDD(ssc.parallelize(data, n)).reduceByKey(Integer::sum, m);
            List<List<Tuple2<Key, Integer>>> parts = reduced.glom().collect();
            Map<Key, Integer> got = new HashMap<>();
            for (int p = 0; p < parts.size(); p++) {
                for (Tuple2<Key, Integer> kv : parts.get(p)) {
                    assertEquals(null, got.put(kv._1(), kv._2()), "key " + kv._1() + " twice");
                    int want = kv._1() == null ? 0 : Math.floorMod(kv._1().hashCode(), m);
                    assertEquals(want, p, "key " + kv._1() + " in partition " + p);
                }
            }
            assertEquals(expected, got);
        });
    }

    @Test
    void nullCombinersSurviveBothSidesOfTheShuffle() {
        qt().withFixedSeed(0x5E2FL).withExamples(40).forAll(
                lists().of(integers().between(0, 60)).ofSizeBetween(0, 300),
                integers().between(1, 4)
        ).checkAssert((ids, n) -> {
            List<Tuple2<Key, Integer>> data = pairs(ids);
            // The combiner is null while every value seen is 0, else the sum of the values.
            Map<Key, Integer> expected = new HashMap<>();
            for (Tuple2<Key, Integer> kv : data) {
                Integer c = expected.get(kv._1());
                expected.put(kv._1(), add(c, kv._2()));
            }
            Map<Key, Integer> got = new HashMap<>();
            List<Tuple2<Key, Integer>> rows = PairRDD.fromRDD(ssc.parallelize(data, n))
                    .combineByKey(v -> add(null, v), ShuffleCombinePropertyTest::add,
                            ShuffleCombinePropertyTest::addCombiners, 3)
                    .collect();
            rows.forEach(kv -> got.put(kv._1(), kv._2()));
            assertEquals(expected.size(), rows.size(), "each key once: " + rows);
            assertEquals(expected, got);
        });
    }

    private static Integer add(Integer c, Integer v) {
        if (c == null) {
            return v == 0 ? null : v;
        }
        return c + v;
    }

    private static Integer addCombiners(Integer a, Integer b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a + b;
    }

    @Test
    void theOutputOrderIsTheSameOnEveryRun() {
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            ids.add((i * 7919) % 3001);
        }
        List<Tuple2<Key, Integer>> data = pairs(ids);
        List<Tuple2<Key, Integer>> first = PairRDD.fromRDD(ssc.parallelize(data, 4)).reduceByKey(Integer::sum, 3).collect();
        for (int run = 0; run < 5; run++) {
            assertEquals(first, PairRDD.fromRDD(ssc.parallelize(data, 4)).reduceByKey(Integer::sum, 3).collect());
        }
    }
}
