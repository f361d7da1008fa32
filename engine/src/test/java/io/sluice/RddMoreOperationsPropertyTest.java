package io.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import io.sluice.internal.rdd.CachedRDD;
import io.sluice.internal.rdd.ParallelCollectionRDD;
import io.sluice.internal.rdd.Partitioner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.QuickTheory;
import org.quicktheories.core.Gen;

/**
 * The RDD and PairRDD operations beyond the joins against a plain-Java model, for random small
 * inputs and 1 to 4 partitions: sorting (checked globally, across partitions in order, and for
 * stability), set operations, cartesian, zipWithIndex, the aggregating actions, coalesce,
 * sample, caching and the by-key additions. The context is never started.
 */
class RddMoreOperationsPropertyTest {
    private static final long SEED = 0x5041L;
    private static StreamingContext ssc;

    private static final Gen<List<Integer>> INTS = lists().of(integers().between(-20, 20)).ofSizeBetween(0, 40);
    private static final Gen<List<String>> WORDS =
            lists().of(strings().betweenCodePoints('a', 'c').ofLengthBetween(0, 2)).ofSizeBetween(0, 30);
    private static final Gen<Integer> PARTITIONS = integers().between(1, 4);

    @BeforeAll
    static void createContext() {
        ssc = new StreamingContext(new SluiceConf(false).setMaster("local[3]").setAppName("rdd-more-properties"),
                Duration.ofSeconds(1));
    }

    @AfterAll
    static void stopContext() {
        ssc.stop();
    }

    private static QuickTheory qtFixed() {
        return qt().withFixedSeed(SEED).withExamples(60);
    }

    private static <T> Map<T, Long> multiset(Collection<T> c) {
        return c.stream().collect(Collectors.groupingBy(x -> x, HashMap::new, Collectors.counting()));
    }

    private static <T> List<T> flatten(List<List<T>> parts) {
        List<T> all = new ArrayList<>();
        parts.forEach(all::addAll);
        return all;
    }

    /** Pairs (word, its position), so that the stability of a sort by word is visible. */
    private static List<Tuple2<String, Integer>> indexed(List<String> words) {
        return IntStream.range(0, words.size()).mapToObj(i -> new Tuple2<>(words.get(i), i)).toList();
    }

    // ---------------------------------------------------------------- sorting

    @Test
    void sortByKeyIsGloballySortedStableAndRangePartitioned() {
        qtFixed().forAll(WORDS, PARTITIONS, PARTITIONS, booleans().all()).checkAssert((words, n, m, ascending) -> {
            List<Tuple2<String, Integer>> pairs = indexed(words);
            Comparator<Tuple2<String, Integer>> byKey = Comparator.comparing(Tuple2::_1);
            List<Tuple2<String, Integer>> expected = pairs.stream()
                    .sorted(ascending ? byKey : byKey.reversed()).toList(); // a stable sort

            PairRDD<String, Integer> sorted = PairRDD.fromRDD(ssc.parallelize(pairs, n)).sortByKey(ascending, m);
            assertEquals(m, sorted.getNumPartitions());
            List<List<Tuple2<String, Integer>>> parts = sorted.glom().collect();
            assertEquals(expected, flatten(parts), "partitions in order hold the stably sorted records");
            // All records of a key in one partition.
            Map<String, Integer> partitionOf = new HashMap<>();
            for (int p = 0; p < parts.size(); p++) {
                for (Tuple2<String, Integer> kv : parts.get(p)) {
                    Integer prev = partitionOf.put(kv._1(), p);
                    assertTrue(prev == null || prev == p, "key " + kv._1() + " in partitions " + prev + " and " + p);
                }
            }
            assertEquals(expected, sorted.collect());
        });
    }

    @Test
    void sortByKeyWithAComparatorAndTheDefaults() {
        qtFixed().forAll(INTS, PARTITIONS).checkAssert((ints, n) -> {
            PairRDD<Integer, Integer> pairs = ssc.parallelize(ints, n).mapToPair(i -> new Tuple2<>(i, i * i));
            Comparator<Integer> byAbs = Comparator.comparingInt(Math::abs);
            List<Integer> expectedByAbs = ints.stream().sorted(byAbs).toList();
            PairRDD<Integer, Integer> s = pairs.sortByKey(byAbs);
            assertEquals(n, s.getNumPartitions(), "default partition count");
            assertEquals(expectedByAbs, s.keys().collect());
            assertEquals(expectedByAbs.stream().sorted(byAbs.reversed()).toList(),
                    pairs.sortByKey(byAbs, false).keys().collect());
            assertEquals(ints.stream().sorted().toList(), pairs.sortByKey().keys().collect());
            assertEquals(ints.stream().sorted(Comparator.reverseOrder()).toList(),
                    pairs.sortByKey(false).keys().collect());
        });
    }

    /** With many records and few distinct-key collisions, the sampled ranges balance the partitions. */
    @Test
    void sortByKeyBalancesDistinctKeys() {
        List<Integer> ints = IntStream.range(0, 4000).map(i -> (i * 7919) % 4000).boxed().toList();
        List<Integer> sizes = ssc.parallelize(ints, 5).sortBy(i -> i, true, 4).glom().collect()
                .stream().map(List::size).toList();
        assertEquals(4000, sizes.stream().mapToInt(Integer::intValue).sum());
        for (int size : sizes) {
            assertTrue(size > 800 && size < 1200, "partition sizes " + sizes);
        }
    }

    @Test
    void sortByOrdersByTheKeyFunctionStably() {
        qtFixed().forAll(WORDS, PARTITIONS, PARTITIONS, booleans().all()).checkAssert((words, n, m, ascending) -> {
            Comparator<String> byLength = Comparator.comparingInt(String::length);
            List<String> expected = words.stream().sorted(ascending ? byLength : byLength.reversed()).toList();
            RDD<String> sorted = ssc.parallelize(words, n).sortBy(String::length, ascending, m);
            assertEquals(m, sorted.getNumPartitions());
            assertEquals(expected, sorted.collect());
        });
    }

    @Test
    void sortingRefusesNullAndNonComparableKeysWithAClearMessage() {
        PairRDD<String, Integer> withNull = ssc.parallelizePairs(Arrays.asList(new Tuple2<>("b", 1),
                new Tuple2<>(null, 2)));
        NullPointerException npe = assertThrows(NullPointerException.class, () -> withNull.sortByKey().collect());
        assertTrue(npe.getMessage().contains("sortByKey") && npe.getMessage().contains("nullsFirst"), npe.getMessage());
        assertEquals(Arrays.asList(null, "b"),
                withNull.sortByKey(Comparator.nullsFirst(Comparator.<String>naturalOrder())).keys().collect());

        RDD<Object> plain = ssc.parallelize(List.of(new Object(), new Object()), 2);
        ClassCastException cce = assertThrows(ClassCastException.class, () -> plain.sortBy(o -> o, true, 2).collect());
        assertTrue(cce.getMessage().contains("Comparable"), cce.getMessage());
        assertThrows(IllegalArgumentException.class, () -> withNull.sortByKey(true, 0));
    }

    // ---------------------------------------------------------------- set operations, cartesian, zip

    @Test
    void subtractKeepsDuplicatesOfRecordsAbsentFromTheOther() {
        qtFixed().forAll(INTS, PARTITIONS, INTS, PARTITIONS).checkAssert((a, n, b, m) -> {
            Set<Integer> inB = new HashSet<>(b);
            List<Integer> expected = a.stream().filter(x -> !inB.contains(x)).toList();
            RDD<Integer> diff = ssc.parallelize(a, n).subtract(ssc.parallelize(b, m));
            assertEquals(n, diff.getNumPartitions(), "this RDD's partition count");
            assertEquals(multiset(expected), multiset(diff.collect()));
            assertEquals(multiset(expected), multiset(ssc.parallelize(a, n).subtract(ssc.parallelize(b, m), 2)
                    .collect()));
        });
    }

    @Test
    void intersectionIsTheSetOfCommonRecords() {
        qtFixed().forAll(INTS, PARTITIONS, INTS, PARTITIONS).checkAssert((a, n, b, m) -> {
            Set<Integer> expected = new TreeSet<>(a);
            expected.retainAll(new HashSet<>(b));
            RDD<Integer> both = ssc.parallelize(a, n).intersection(ssc.parallelize(b, m));
            List<Integer> got = both.collect();
            assertEquals(expected.size(), got.size(), "no duplicates: " + got);
            assertEquals(expected, new TreeSet<>(got));
            assertEquals(Math.max(n, m), both.getNumPartitions());
        });
    }

    @Test
    void cartesianPairsPartitionsInSparksOrder() {
        qtFixed().forAll(INTS, PARTITIONS, WORDS, PARTITIONS).checkAssert((a, n, b, m) -> {
            RDD<Integer> left = ssc.parallelize(a, n);
            RDD<String> right = ssc.parallelize(b, m);
            List<Tuple2<Integer, String>> expected = new ArrayList<>();
            for (List<Integer> lp : left.glom().collect()) {
                for (List<String> rp : right.glom().collect()) {
                    for (Integer x : lp) {
                        for (String y : rp) {
                            expected.add(new Tuple2<>(x, y));
                        }
                    }
                }
            }
            PairRDD<Integer, String> product = left.cartesian(right);
            assertEquals(n * m, product.getNumPartitions());
            assertEquals(expected, product.collect());
            assertEquals((long) a.size() * b.size(), product.count());
        });
    }

    @Test
    void zipWithIndexNumbersRecordsInPartitionOrder() {
        qtFixed().forAll(WORDS, PARTITIONS, PARTITIONS).checkAssert((words, n, m) -> {
            List<Tuple2<String, Long>> expected = new ArrayList<>();
            for (int i = 0; i < words.size(); i++) {
                expected.add(new Tuple2<>(words.get(i), (long) i));
            }
            PairRDD<String, Long> zipped = ssc.parallelize(words, n).zipWithIndex();
            assertEquals(n, zipped.getNumPartitions());
            assertEquals(expected, zipped.collect());
            // Over a shuffle, indexes follow the shuffled RDD's own partition order.
            RDD<String> shuffled = ssc.parallelize(words, n).repartition(m);
            List<String> order = shuffled.collect();
            List<Tuple2<String, Long>> z = shuffled.zipWithIndex().collect();
            assertEquals(order, z.stream().map(Tuple2::_1).toList());
            assertEquals(IntStream.range(0, words.size()).mapToObj(i -> (long) i).toList(),
                    z.stream().map(Tuple2::_2).toList());
        });
    }

    // ---------------------------------------------------------------- aggregating actions

    @Test
    void reduceFoldAggregateMatchTheSum() {
        qtFixed().forAll(INTS, PARTITIONS).checkAssert((ints, n) -> {
            RDD<Integer> rdd = ssc.parallelize(ints, n);
            int sum = ints.stream().mapToInt(Integer::intValue).sum();
            if (ints.isEmpty()) {
                UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                        () -> rdd.reduce(Integer::sum));
                assertEquals("empty collection", e.getMessage());
                assertThrows(UnsupportedOperationException.class, () -> rdd.max(Comparator.naturalOrder()));
                assertThrows(UnsupportedOperationException.class, () -> rdd.min(Comparator.naturalOrder()));
            } else {
                assertEquals(sum, rdd.reduce(Integer::sum));
                assertEquals(ints.stream().max(Comparator.naturalOrder()).get(), rdd.max(Comparator.naturalOrder()));
                assertEquals(ints.stream().min(Comparator.naturalOrder()).get(), rdd.min(Comparator.naturalOrder()));
            }
            assertEquals(sum, rdd.fold(0, Integer::sum));
            assertEquals(new Tuple2<>((long) ints.size(), (long) sum), rdd.aggregate(new Tuple2<>(0L, 0L),
                    (acc, v) -> new Tuple2<>(acc._1() + 1, acc._2() + v),
                    (a, b) -> new Tuple2<>(a._1() + b._1(), a._2() + b._2())));
        });
    }

    /** A mutable zero is copied per partition, as Spark: a shared zero would repeat records. */
    @Test
    void aMutableZeroIsNotSharedBetweenPartitions() {
        qtFixed().forAll(INTS, PARTITIONS).checkAssert((ints, n) -> {
            RDD<Integer> rdd = ssc.parallelize(ints, n);
            List<Integer> all = rdd.aggregate(new ArrayList<Integer>(), (l, v) -> {
                l.add(v);
                return l;
            }, (a, b) -> {
                a.addAll(b);
                return a;
            });
            assertEquals(ints, all, "partition order, each record once");
            List<Integer> folded = rdd.map(v -> new ArrayList<>(List.of(v))).fold(new ArrayList<>(), (a, b) -> {
                a.addAll(b);
                return a;
            });
            assertEquals(ints, folded);
        });
    }

    @Test
    void countByValueAndTopAndTakeOrdered() {
        qtFixed().forAll(INTS, PARTITIONS, integers().between(0, 45)).checkAssert((ints, n, k) -> {
            RDD<Integer> rdd = ssc.parallelize(ints, n);
            assertEquals(multiset(ints), rdd.countByValue());
            List<Integer> ascending = ints.stream().sorted().toList();
            List<Integer> descending = ints.stream().sorted(Comparator.reverseOrder()).toList();
            int take = Math.min(k, ints.size());
            assertEquals(ascending.subList(0, take), rdd.takeOrdered(k));
            assertEquals(descending.subList(0, take), rdd.top(k));
            assertEquals(descending.subList(0, take), rdd.takeOrdered(k, Comparator.reverseOrder()));
            assertEquals(ascending.subList(0, take), rdd.top(k, Comparator.reverseOrder()));
        });
        RDD<Integer> one = ssc.parallelize(List.of(1), 1);
        assertThrows(IllegalArgumentException.class, () -> one.top(-1));
        assertThrows(IllegalArgumentException.class, () -> one.takeOrdered(-1));
    }

    // ---------------------------------------------------------------- partitions, sampling, caching

    @Test
    void coalesceConcatenatesAdjacentPartitions() {
        qtFixed().forAll(INTS, integers().between(1, 6), integers().between(1, 8)).checkAssert((ints, n, m) -> {
            RDD<Integer> rdd = ssc.parallelize(ints, n);
            RDD<Integer> c = rdd.coalesce(m);
            assertEquals(Math.min(n, m), c.getNumPartitions(), "never more partitions without a shuffle");
            assertEquals(ints, c.collect(), "same records, same order");
            List<List<Integer>> parts = rdd.glom().collect();
            List<List<Integer>> merged = c.glom().collect();
            // Each coalesced partition is a run of whole parent partitions: none is split.
            int next = 0;
            for (List<Integer> part : merged) {
                List<Integer> run = new ArrayList<>();
                while (run.size() < part.size()) {
                    run.addAll(parts.get(next++));
                }
                assertEquals(part, run, "parent partitions " + parts + " coalesced into " + merged);
            }
            RDD<Integer> shuffled = rdd.coalesce(m, true);
            assertEquals(m, shuffled.getNumPartitions());
            assertEquals(multiset(ints), multiset(shuffled.collect()));
        });
        assertThrows(IllegalArgumentException.class, () -> ssc.parallelize(List.of(1), 1).coalesce(0));
    }

    @Test
    void keyByAndGroupBy() {
        qtFixed().forAll(WORDS, PARTITIONS, PARTITIONS).checkAssert((words, n, m) -> {
            RDD<String> rdd = ssc.parallelize(words, n);
            assertEquals(words.stream().map(w -> new Tuple2<>(w.length(), w)).toList(),
                    rdd.keyBy(String::length).collect());
            Map<Integer, Map<String, Long>> expected = new TreeMap<>();
            words.stream().collect(Collectors.groupingBy(String::length))
                    .forEach((len, ws) -> expected.put(len, multiset(ws)));
            PairRDD<Integer, Iterable<String>> grouped = rdd.groupBy(String::length, m);
            assertEquals(m, grouped.getNumPartitions());
            Map<Integer, Map<String, Long>> actual = new TreeMap<>();
            for (Tuple2<Integer, Iterable<String>> g : grouped.collect()) {
                List<String> ws = new ArrayList<>();
                g._2().forEach(ws::add);
                assertEquals(null, actual.put(g._1(), multiset(ws)), "key " + g._1() + " twice");
            }
            assertEquals(expected, actual);
            assertEquals(n, rdd.groupBy(String::length).getNumPartitions());
        });
    }

    @Test
    void sampleIsADeterministicSubsequence() {
        List<Integer> ints = IntStream.range(0, 2000).boxed().toList();
        qtFixed().forAll(PARTITIONS, integers().between(0, 10), integers().between(0, 1000)).checkAssert((n, tenths, seed) -> {
            double fraction = tenths / 10.0;
            RDD<Integer> rdd = ssc.parallelize(ints, n);
            List<Integer> s = rdd.sample(false, fraction, seed).collect();
            assertEquals(s, rdd.sample(false, fraction, seed).collect(), "same seed, same sample");
            for (int i = 1; i < s.size(); i++) {
                assertTrue(s.get(i - 1) < s.get(i), "an ordered subsequence without repeats");
            }
            // Expected size 2000 * f, standard deviation at most ~22.4: 6 sigma is 135.
            assertTrue(Math.abs(s.size() - 2000 * fraction) < 135, "size " + s.size() + " for fraction " + fraction);

            List<Integer> r = rdd.sample(true, fraction * 2, seed).collect();
            assertEquals(r, rdd.sample(true, fraction * 2, seed).collect());
            for (int i = 1; i < r.size(); i++) {
                assertTrue(r.get(i - 1) <= r.get(i), "copies are adjacent and in order");
            }
            // Poisson(2f) per record: variance 2000 * 2f <= 8000, sd < 90: 6 sigma is 540.
            assertTrue(Math.abs(r.size() - 4000 * fraction) < 540, "size " + r.size() + " for fraction " + 2 * fraction);
        });
        RDD<Integer> rdd = ssc.parallelize(ints, 3);
        assertEquals(List.of(), rdd.sample(false, 0.0, 1).collect());
        assertEquals(ints, rdd.sample(false, 1.0, 1).collect());
        assertNotEquals(rdd.sample(false, 0.5, 1).collect(), rdd.sample(false, 0.5, 2).collect());
        assertTrue(rdd.sample(true, 3.0, 7).collect().stream().collect(Collectors.groupingBy(x -> x)).values()
                .stream().anyMatch(copies -> copies.size() > 1), "with replacement, some records repeat");
        assertThrows(IllegalArgumentException.class, () -> rdd.sample(false, 1.5, 1));
        assertThrows(IllegalArgumentException.class, () -> rdd.sample(true, -0.1, 1));
        assertThrows(IllegalArgumentException.class, () -> rdd.sample(true, Double.NaN, 1));
    }

    @Test
    void toLocalIteratorGivesTheRecordsOfCollect() {
        qtFixed().forAll(WORDS, PARTITIONS, PARTITIONS).checkAssert((words, n, m) -> {
            RDD<String> rdd = ssc.parallelize(words, n);
            List<String> got = new ArrayList<>();
            rdd.toLocalIterator().forEachRemaining(got::add);
            assertEquals(words, got);
            RDD<String> shuffled = rdd.repartition(m);
            List<String> fromShuffle = new ArrayList<>();
            Iterator<String> it = shuffled.toLocalIterator();
            it.forEachRemaining(fromShuffle::add);
            assertEquals(shuffled.collect(), fromShuffle);
            assertFalse(it.hasNext());
        });
    }

    @Test
    void cacheComputesTheLineageOnce() {
        qtFixed().forAll(INTS, PARTITIONS).checkAssert((ints, n) -> {
            AtomicInteger calls = new AtomicInteger();
            RDD<Integer> mapped = ssc.parallelize(ints, n).map(v -> {
                calls.incrementAndGet();
                return v + 1;
            });
            RDD<Integer> cached = mapped.cache();
            assertInstanceOf(CachedRDD.class, cached);
            assertSame(cached, cached.cache(), "caching twice is a no-op");
            List<Integer> expected = ints.stream().map(v -> v + 1).toList();
            assertEquals(expected, cached.collect());
            assertEquals(expected.size(), cached.count());
            assertEquals(multiset(expected), cached.countByValue());
            assertEquals(ints.size(), calls.get(), "each record mapped once over three actions");

            PairRDD<Integer, Integer> pairs = ssc.parallelize(ints, n).mapToPair(v -> {
                calls.incrementAndGet();
                return new Tuple2<>(v, v);
            }).persist(StorageLevel.MEMORY_AND_DISK);
            calls.set(0);
            pairs.collect();
            pairs.countByKey();
            assertEquals(ints.size(), calls.get(), "a persisted PairRDD is computed once");
            assertSame(pairs, pairs.cache());
        });
    }

    // ---------------------------------------------------------------- by key

    @Test
    void countByKeyAndLookup() {
        qtFixed().forAll(WORDS, PARTITIONS, PARTITIONS).checkAssert((words, n, m) -> {
            List<Tuple2<String, Integer>> pairs = indexed(words);
            PairRDD<String, Integer> rdd = PairRDD.fromRDD(ssc.parallelize(pairs, n));
            assertEquals(multiset(words), rdd.countByKey());
            PairRDD<String, Integer> partitioned = rdd.partitionBy(m);
            for (String key : List.of("", "a", "ab", "zz")) {
                List<Integer> expected = pairs.stream().filter(kv -> kv._1().equals(key)).map(Tuple2::_2).toList();
                assertEquals(expected, rdd.lookup(key), "lookup(" + key + ") scanning");
                assertEquals(multiset(expected), multiset(partitioned.lookup(key)), "lookup(" + key + ") by partition");
            }
        });
    }

    @Test
    void partitionByPutsEachKeyInItsHashPartition() {
        qtFixed().forAll(WORDS, PARTITIONS, PARTITIONS).checkAssert((words, n, m) -> {
            List<Tuple2<String, Integer>> pairs = indexed(words);
            PairRDD<String, Integer> p = PairRDD.fromRDD(ssc.parallelize(pairs, n)).partitionBy(m);
            assertEquals(m, p.getNumPartitions());
            assertEquals(new Partitioner.Hash(m), p.partitioner());
            List<List<Tuple2<String, Integer>>> parts = p.glom().collect();
            for (int i = 0; i < parts.size(); i++) {
                for (Tuple2<String, Integer> kv : parts.get(i)) {
                    assertEquals(Math.floorMod(kv._1().hashCode(), m), i, "key " + kv._1());
                }
            }
            assertEquals(multiset(pairs), multiset(flatten(parts)));
            assertSame(p, p.partitionBy(m));
            assertEquals(multiset(pairs), multiset(p.partitionBy(m % 4 + 1).collect()));
        });
    }

    @Test
    void foldByKeyAndAggregateByKeyMatchAFold() {
        qtFixed().forAll(INTS, PARTITIONS, PARTITIONS).checkAssert((ints, n, m) -> {
            PairRDD<Integer, Integer> pairs = ssc.parallelize(ints, n).mapToPair(v -> new Tuple2<>(Math.floorMod(v, 3), v));
            Map<Integer, Integer> sums = new HashMap<>();
            Map<Integer, List<Integer>> lists = new TreeMap<>();
            for (int v : ints) {
                sums.merge(Math.floorMod(v, 3), v, Integer::sum);
                lists.computeIfAbsent(Math.floorMod(v, 3), k -> new ArrayList<>()).add(v);
            }
            assertEquals(sums, pairs.foldByKey(0, Integer::sum).collectAsMap());
            PairRDD<Integer, Integer> intoM = pairs.foldByKey(0, m, Integer::sum);
            assertEquals(m, intoM.getNumPartitions());
            assertEquals(sums, intoM.collectAsMap());

            // A mutable zero: a shared one would collect the values of several keys.
            PairRDD<Integer, List<Integer>> collected = pairs.aggregateByKey(new ArrayList<Integer>(), m, (l, v) -> {
                l.add(v);
                return l;
            }, (a, b) -> {
                a.addAll(b);
                return a;
            });
            Map<Integer, Map<Integer, Long>> expected = new TreeMap<>();
            lists.forEach((k, vs) -> expected.put(k, multiset(vs)));
            Map<Integer, Map<Integer, Long>> actual = new TreeMap<>();
            collected.collect().forEach(kv -> actual.put(kv._1(), multiset(kv._2())));
            assertEquals(expected, actual);
            assertEquals(n, pairs.aggregateByKey(0L, (acc, v) -> acc + 1, Long::sum).getNumPartitions());
        });
    }

    @Test
    void pairOperationsKeepingTheRecordTypeReturnPairRdds() {
        PairRDD<String, Integer> p = ssc.parallelizePairs(List.of(new Tuple2<>("a", 1), new Tuple2<>("b", 2),
                new Tuple2<>("a", 1)));
        // These compile only because the overrides return PairRDD; each is then used by key.
        assertEquals(Map.of("a", 1), p.filter(kv -> kv._1().equals("a")).reduceByKey((x, y) -> x).collectAsMap());
        assertEquals(Map.of("a", 1L, "b", 1L), p.distinct().countByKey());
        assertEquals(Map.of("a", 2L, "b", 1L), p.coalesce(1).countByKey());
        assertEquals(Map.of("b", 1L), p.subtract(p.filter(kv -> kv._1().equals("a"))).countByKey());
        assertEquals(Map.of("a", 1L), p.intersection(p.filter(kv -> kv._2() == 1)).countByKey());
        assertEquals(Map.of("a", 4L, "b", 2L), p.union(p).countByKey());
        assertEquals(Map.of("a", 2L, "b", 1L), p.repartition(2).countByKey());
        assertEquals(Map.of("a", 2L, "b", 1L), p.sample(false, 1.0, 3).countByKey());
    }

    @Test
    void emptyRddWithoutPartitions() {
        RDD<Integer> none = ParallelCollectionRDD.empty(ssc.runtime().env());
        assertEquals(List.of(), none.sortBy(x -> x, true, 2).collect());
        assertEquals(2, none.sortBy(x -> x, true, 2).getNumPartitions());
        assertEquals(0, none.coalesce(3).getNumPartitions());
        assertEquals(List.of(), none.zipWithIndex().collect());
        assertEquals(List.of(), none.cartesian(ssc.parallelize(List.of(1), 1)).collect());
        assertEquals(List.of(), none.subtract(ssc.parallelize(List.of(1), 1)).collect());
        assertEquals(List.of(), none.intersection(none).collect());
        assertEquals(Map.of(), none.countByValue());
        assertEquals(List.of(), none.top(3));
        assertEquals(7, none.fold(7, Integer::sum));
        assertThrows(UnsupportedOperationException.class, () -> none.reduce(Integer::sum));
        assertFalse(none.toLocalIterator().hasNext());
        assertEquals(List.of(), none.mapToPair(x -> new Tuple2<>(x, x)).lookup(1));
    }
}
