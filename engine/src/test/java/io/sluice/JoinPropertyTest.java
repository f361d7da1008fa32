package io.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.sluice.internal.rdd.ParallelCollectionRDD;
import io.sluice.internal.rdd.Partitioner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.QuickTheory;
import org.quicktheories.core.Gen;

/**
 * cogroup and the four joins against a plain-Java model (nested loops over the two lists), for
 * random inputs: keys from small, overlapping ranges (so most keys match, and some are on one
 * side only), duplicate keys on both sides, sides that are often empty, 1 to 4 partitions per
 * side, the default or an explicit result partition count, and sides pre-partitioned so that
 * the cogroup reads them without a shuffle.
 */
class JoinPropertyTest {
    private static final long SEED = 0x701A5L;
    private static StreamingContext ssc;

    /** Left keys in -2..4, right keys in 1..7: keys 1..4 can match, the others are one-sided. */
    private static final Gen<List<Tuple2<Integer, Integer>>> LEFT = pairs(-2, 4);
    private static final Gen<List<Tuple2<Integer, Integer>>> RIGHT = pairs(1, 7);
    private static final Gen<Integer> PARTITIONS = integers().between(1, 4);
    /** 0 stands for "use the default partition count". */
    private static final Gen<Integer> RESULT_PARTITIONS = integers().between(0, 4);
    /** 0: as parallelized; 1..4: partitionBy(that many) first (a narrow cogroup when it matches). */
    private static final Gen<Integer> PRE_PARTITION = integers().between(0, 4);

    private static Gen<List<Tuple2<Integer, Integer>>> pairs(int minKey, int maxKey) {
        Gen<Tuple2<Integer, Integer>> pair = integers().between(minKey, maxKey)
                .zip(integers().between(0, 99), Tuple2::new);
        // Half of the lists are short (often empty), so one-sided and empty inputs are common.
        return integers().between(0, 1).flatMap(shortList -> lists().of(pair)
                .ofSizeBetween(0, shortList == 1 ? 3 : 25));
    }

    @BeforeAll
    static void createContext() {
        ssc = new StreamingContext(new SluiceConf(false).setMaster("local[3]").setAppName("join-properties"),
                Duration.ofSeconds(1));
    }

    @AfterAll
    static void stopContext() {
        ssc.stop();
    }

    private static QuickTheory qtFixed() {
        return qt().withFixedSeed(SEED).withExamples(80);
    }

    /** One side of a generated case: its pairs, slices, and 0 or the partitionBy count. */
    private record Side(List<Tuple2<Integer, Integer>> data, int slices, int pre) {
        PairRDD<Integer, Integer> rdd() {
            PairRDD<Integer, Integer> r = PairRDD.fromRDD(ssc.parallelize(data, slices));
            return pre == 0 ? r : r.partitionBy(pre);
        }

        int partitions() {
            return pre == 0 ? slices : pre;
        }
    }

    /** One generated case: both sides and the result partition count (0: the default). */
    private record Case(Side left, Side right, int resultPartitions) {
        /** The partition count the result of a two-RDD operation must have. */
        int expectedPartitions() {
            return resultPartitions > 0 ? resultPartitions : Math.max(left.partitions(), right.partitions());
        }
    }

    private static Gen<Case> cases() {
        Gen<Side> left = LEFT.zip(PARTITIONS, PRE_PARTITION, Side::new);
        Gen<Side> right = RIGHT.zip(PARTITIONS, PRE_PARTITION, Side::new);
        return left.zip(right, RESULT_PARTITIONS, Case::new);
    }

    // ---------------------------------------------------------------- the model

    private static Map<Integer, List<Integer>> byKey(List<Tuple2<Integer, Integer>> pairs) {
        Map<Integer, List<Integer>> m = new TreeMap<>();
        pairs.forEach(kv -> m.computeIfAbsent(kv._1(), k -> new ArrayList<>()).add(kv._2()));
        return m;
    }

    /** The join of Spark's documentation, by nested loops; absent sides as Optional.empty(). */
    private static List<Tuple2<Integer, Tuple2<Optional<Integer>, Optional<Integer>>>> modelJoin(
            List<Tuple2<Integer, Integer>> left, List<Tuple2<Integer, Integer>> right, boolean keepLeft,
            boolean keepRight) {
        Map<Integer, List<Integer>> l = byKey(left);
        Map<Integer, List<Integer>> r = byKey(right);
        Set<Integer> keys = new LinkedHashSet<>(l.keySet());
        keys.addAll(r.keySet());
        List<Tuple2<Integer, Tuple2<Optional<Integer>, Optional<Integer>>>> out = new ArrayList<>();
        for (Integer k : keys) {
            List<Integer> vs = l.getOrDefault(k, List.of());
            List<Integer> ws = r.getOrDefault(k, List.of());
            if (vs.isEmpty() && ws.isEmpty() || vs.isEmpty() && !keepRight || ws.isEmpty() && !keepLeft) {
                continue;
            }
            List<Optional<Integer>> ov = vs.isEmpty() ? List.of(Optional.empty())
                    : vs.stream().map(Optional::of).toList();
            List<Optional<Integer>> ow = ws.isEmpty() ? List.of(Optional.empty())
                    : ws.stream().map(Optional::of).toList();
            for (Optional<Integer> v : ov) {
                for (Optional<Integer> w : ow) {
                    out.add(new Tuple2<>(k, new Tuple2<>(v, w)));
                }
            }
        }
        return out;
    }

    private static <T> Map<T, Long> multiset(Collection<T> c) {
        return c.stream().collect(Collectors.groupingBy(x -> x, HashMap::new, Collectors.counting()));
    }

    private static <T> Map<T, Long> multiset(Iterable<T> it) {
        List<T> l = new ArrayList<>();
        it.forEach(l::add);
        return multiset(l);
    }

    /** Runs {@code rdd}, checks its partition count and that every key sits in its hash partition. */
    private static <V> List<Tuple2<Integer, V>> collectChecked(PairRDD<Integer, V> rdd, int partitions) {
        assertEquals(partitions, rdd.getNumPartitions(), "partition count");
        assertEquals(new Partitioner.Hash(partitions), rdd.partitioner(), "result is hash-partitioned");
        List<List<Tuple2<Integer, V>>> parts = rdd.glom().collect();
        assertEquals(partitions, parts.size());
        List<Tuple2<Integer, V>> all = new ArrayList<>();
        for (int p = 0; p < parts.size(); p++) {
            for (Tuple2<Integer, V> kv : parts.get(p)) {
                assertEquals(Math.floorMod(kv._1().hashCode(), partitions), p, "key " + kv._1() + " in partition " + p);
                all.add(kv);
            }
        }
        return all;
    }

    // ---------------------------------------------------------------- properties

    @Test
    void cogroupHasEveryKeyOnceWithAllItsValuesOnEachSide() {
        qtFixed().forAll(cases()).checkAssert(c -> {
            PairRDD<Integer, Integer> l = c.left().rdd();
            PairRDD<Integer, Integer> r = c.right().rdd();
            PairRDD<Integer, Tuple2<Iterable<Integer>, Iterable<Integer>>> g =
                    c.resultPartitions() == 0 ? l.cogroup(r) : l.cogroup(r, c.resultPartitions());
            Map<Integer, List<Integer>> ml = byKey(c.left().data());
            Map<Integer, List<Integer>> mr = byKey(c.right().data());
            Set<Integer> keys = new java.util.TreeSet<>(ml.keySet());
            keys.addAll(mr.keySet());

            Map<Integer, Tuple2<Map<Integer, Long>, Map<Integer, Long>>> actual = new TreeMap<>();
            for (Tuple2<Integer, Tuple2<Iterable<Integer>, Iterable<Integer>>> kv
                    : collectChecked(g, c.expectedPartitions())) {
                assertNull(actual.put(kv._1(), new Tuple2<>(multiset(kv._2()._1()), multiset(kv._2()._2()))),
                        "key " + kv._1() + " grouped twice");
            }
            Map<Integer, Tuple2<Map<Integer, Long>, Map<Integer, Long>>> expected = new TreeMap<>();
            for (Integer k : keys) {
                expected.put(k, new Tuple2<>(multiset(ml.getOrDefault(k, List.of())),
                        multiset(mr.getOrDefault(k, List.of()))));
            }
            assertEquals(expected, actual);
        });
    }

    @Test
    void cogroupKeepsPartitionOrderOfValuesWithinASide() {
        qtFixed().forAll(LEFT, PARTITIONS, PARTITIONS).checkAssert((left, slices, n) -> {
            PairRDD<Integer, Integer> l = PairRDD.fromRDD(ssc.parallelize(left, slices));
            PairRDD<Integer, Integer> empty = PairRDD.fromRDD(ssc.parallelize(List.of(), 1));
            Map<Integer, List<Integer>> expected = byKey(left);
            Map<Integer, List<Integer>> actual = new TreeMap<>();
            for (Tuple2<Integer, Tuple2<Iterable<Integer>, Iterable<Integer>>> kv : l.cogroup(empty, n).collect()) {
                List<Integer> vs = new ArrayList<>();
                kv._2()._1().forEach(vs::add);
                actual.put(kv._1(), vs);
                assertTrue(!kv._2()._2().iterator().hasNext(), "nothing on the empty side");
            }
            assertEquals(expected, actual, "values in input order");
        });
    }

    @Test
    void joinPairsEveryMatchingValue() {
        qtFixed().forAll(cases()).checkAssert(c -> {
            PairRDD<Integer, Integer> l = c.left().rdd();
            PairRDD<Integer, Integer> r = c.right().rdd();
            PairRDD<Integer, Tuple2<Integer, Integer>> j =
                    c.resultPartitions() == 0 ? l.join(r) : l.join(r, c.resultPartitions());
            List<Tuple2<Integer, Tuple2<Integer, Integer>>> expected = modelJoin(c.left().data(), c.right().data(), false, false)
                    .stream().map(kv -> new Tuple2<>(kv._1(), new Tuple2<>(kv._2()._1().get(), kv._2()._2().get())))
                    .toList();
            List<Tuple2<Integer, Tuple2<Integer, Integer>>> actual = collectChecked(j, c.expectedPartitions());
            assertEquals(multiset(expected), multiset(actual));
            assertEquals(expected.size(), j.count());
        });
    }

    @Test
    void leftOuterJoinKeepsEveryLeftValue() {
        qtFixed().forAll(cases()).checkAssert(c -> {
            PairRDD<Integer, Integer> l = c.left().rdd();
            PairRDD<Integer, Integer> r = c.right().rdd();
            PairRDD<Integer, Tuple2<Integer, Optional<Integer>>> j =
                    c.resultPartitions() == 0 ? l.leftOuterJoin(r) : l.leftOuterJoin(r, c.resultPartitions());
            List<Tuple2<Integer, Tuple2<Integer, Optional<Integer>>>> expected =
                    modelJoin(c.left().data(), c.right().data(), true, false).stream()
                            .map(kv -> new Tuple2<>(kv._1(), new Tuple2<>(kv._2()._1().get(), kv._2()._2()))).toList();
            assertEquals(multiset(expected), multiset(collectChecked(j, c.expectedPartitions())));
        });
    }

    @Test
    void rightOuterJoinKeepsEveryRightValue() {
        qtFixed().forAll(cases()).checkAssert(c -> {
            PairRDD<Integer, Integer> l = c.left().rdd();
            PairRDD<Integer, Integer> r = c.right().rdd();
            PairRDD<Integer, Tuple2<Optional<Integer>, Integer>> j =
                    c.resultPartitions() == 0 ? l.rightOuterJoin(r) : l.rightOuterJoin(r, c.resultPartitions());
            List<Tuple2<Integer, Tuple2<Optional<Integer>, Integer>>> expected =
                    modelJoin(c.left().data(), c.right().data(), false, true).stream()
                            .map(kv -> new Tuple2<>(kv._1(), new Tuple2<>(kv._2()._1(), kv._2()._2().get()))).toList();
            assertEquals(multiset(expected), multiset(collectChecked(j, c.expectedPartitions())));
        });
    }

    @Test
    void fullOuterJoinKeepsEveryValueOfBothSides() {
        qtFixed().forAll(cases()).checkAssert(c -> {
            PairRDD<Integer, Integer> l = c.left().rdd();
            PairRDD<Integer, Integer> r = c.right().rdd();
            PairRDD<Integer, Tuple2<Optional<Integer>, Optional<Integer>>> j =
                    c.resultPartitions() == 0 ? l.fullOuterJoin(r) : l.fullOuterJoin(r, c.resultPartitions());
            assertEquals(multiset(modelJoin(c.left().data(), c.right().data(), true, true)),
                    multiset(collectChecked(j, c.expectedPartitions())));
        });
    }

    @Test
    void subtractByKeyDropsEveryKeyOfTheOtherSide() {
        qtFixed().forAll(cases()).checkAssert(c -> {
            PairRDD<Integer, Integer> l = c.left().rdd();
            PairRDD<Integer, Integer> r = c.right().rdd();
            Set<Integer> rightKeys = byKey(c.right().data()).keySet();
            List<Tuple2<Integer, Integer>> expected = c.left().data().stream().filter(kv -> !rightKeys.contains(kv._1()))
                    .toList();
            int partitions = c.resultPartitions() == 0 ? c.left().partitions() : c.resultPartitions();
            PairRDD<Integer, Integer> s = c.resultPartitions() == 0 ? l.subtractByKey(r)
                    : l.subtractByKey(r, c.resultPartitions());
            assertEquals(multiset(expected), multiset(collectChecked(s, partitions)));
        });
    }

    /** Joining a side with itself pairs every two values of a key, including each with itself. */
    @Test
    void selfJoinIsTheSquareOfEachGroup() {
        qtFixed().forAll(LEFT, PARTITIONS, PRE_PARTITION).checkAssert((left, slices, pre) -> {
            PairRDD<Integer, Integer> l = PairRDD.fromRDD(ssc.parallelize(left, slices));
            PairRDD<Integer, Integer> side = pre == 0 ? l : l.partitionBy(pre);
            assertEquals(multiset(modelJoin(left, left, false, false).stream()
                            .map(kv -> new Tuple2<>(kv._1(), new Tuple2<>(kv._2()._1().get(), kv._2()._2().get())))
                            .toList()),
                    multiset(side.join(side).collect()));
        });
    }

    // ---------------------------------------------------------------- examples and errors

    @Test
    void joinsWithAnRddWithoutPartitions() {
        PairRDD<Integer, Integer> none = PairRDD.fromRDD(ParallelCollectionRDD.empty(ssc.runtime().env()));
        PairRDD<Integer, Integer> some = ssc.parallelizePairs(List.of(new Tuple2<>(1, 10), new Tuple2<>(2, 20)));
        assertEquals(1, none.cogroup(none).getNumPartitions(), "at least one partition");
        assertEquals(List.of(), none.cogroup(none).collect());
        assertEquals(List.of(), none.join(some).collect());
        assertEquals(List.of(), some.join(none).collect());
        assertEquals(multiset(List.of(new Tuple2<>(1, new Tuple2<>(10, Optional.<Integer>empty())),
                new Tuple2<>(2, new Tuple2<>(20, Optional.<Integer>empty())))), multiset(some.leftOuterJoin(none).collect()));
        assertEquals(multiset(List.of(new Tuple2<>(1, new Tuple2<>(Optional.<Integer>empty(), 10)),
                new Tuple2<>(2, new Tuple2<>(Optional.<Integer>empty(), 20)))), multiset(none.rightOuterJoin(some).collect()));
        assertEquals(2, some.fullOuterJoin(none).count());
        assertEquals(2, some.subtractByKey(none).count());
    }

    @Test
    void theNullKeyJoinsLikeAnyOther() {
        PairRDD<String, Integer> l = ssc.parallelizePairs(Arrays.asList(new Tuple2<>(null, 1), new Tuple2<>("a", 2)));
        PairRDD<String, String> r = ssc.parallelizePairs(Arrays.asList(new Tuple2<>(null, "x"), new Tuple2<>("b", "y")));
        List<Tuple2<String, Tuple2<Integer, String>>> joined = l.join(r, 3).collect();
        assertEquals(List.of(new Tuple2<>(null, new Tuple2<>(1, "x"))), joined);
    }

    @Test
    void aNullValueOnTheOptionalSideOfAnOuterJoinFailsNamingTheKey() {
        PairRDD<String, Integer> l = ssc.parallelizePairs(List.of(new Tuple2<>("k", 1)));
        PairRDD<String, Integer> r = ssc.parallelizePairs(Arrays.asList(new Tuple2<>("k", (Integer) null)));
        NullPointerException e = assertThrows(NullPointerException.class, () -> l.leftOuterJoin(r).collect());
        assertTrue(e.getMessage().contains("leftOuterJoin") && e.getMessage().contains("[k]"), e.getMessage());
        assertThrows(NullPointerException.class, () -> l.fullOuterJoin(r).collect());
        // On the non-optional side a null value is fine, as in Spark.
        List<Tuple2<String, Tuple2<Optional<Integer>, Integer>>> right = l.rightOuterJoin(r).collect();
        assertEquals(1, right.size());
        assertEquals(Optional.of(1), right.get(0)._2()._1());
        assertNull(right.get(0)._2()._2());
        assertEquals(Arrays.asList(new Tuple2<>("k", new Tuple2<>(1, (Integer) null))), l.join(r).collect());
    }

    @Test
    void invalidPartitionCountsAndForeignContextsFailAtDefinition() {
        PairRDD<String, Integer> l = ssc.parallelizePairs(List.of(new Tuple2<>("k", 1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> l.join(l, 0));
        assertTrue(e.getMessage().contains("join") && e.getMessage().contains("0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> l.cogroup(l, -1));
        assertThrows(IllegalArgumentException.class, () -> l.fullOuterJoin(l, 0));
        assertThrows(IllegalArgumentException.class, () -> l.subtractByKey(l, 0));

        StreamingContext other = new StreamingContext(
                new SluiceConf(false).setMaster("local[1]").setAppName("other"), Duration.ofSeconds(1));
        try {
            PairRDD<String, Integer> foreign = PairRDD.fromRDD(
                    new ParallelCollectionRDD<>(other.runtime().env(), List.of(new Tuple2<>("k", 2)), 1));
            IllegalArgumentException f = assertThrows(IllegalArgumentException.class, () -> l.join(foreign));
            assertTrue(f.getMessage().contains("different contexts"), f.getMessage());
        } finally {
            other.stop();
        }
    }

    /** A side hash-partitioned as the result keeps its partitioner through the join's output. */
    @Test
    void aCoPartitionedJoinKeepsThePartitioner() {
        PairRDD<Integer, Integer> l = ssc.parallelizePairs(List.of(new Tuple2<>(1, 1), new Tuple2<>(2, 2)))
                .reduceByKey(Integer::sum, 3);
        PairRDD<Integer, Integer> r = ssc.parallelizePairs(List.of(new Tuple2<>(2, 5), new Tuple2<>(3, 6)))
                .partitionBy(3);
        assertSame(r, r.partitionBy(3), "partitionBy into the same partitioning is a no-op");
        PairRDD<Integer, Tuple2<Integer, Integer>> j = l.join(r);
        assertEquals(new Partitioner.Hash(3), j.partitioner());
        assertEquals(List.of(new Tuple2<>(2, new Tuple2<>(2, 5))), j.collect());
        assertTrue(Objects.equals(List.of(5), r.lookup(2)));
    }
}
