package io.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import io.sluice.internal.rdd.ParallelCollectionRDD;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.QuickTheory;
import org.quicktheories.core.Gen;

/**
 * RDD operations against a plain-Java model, for random small inputs and 1 to 5 partitions. The
 * context is never started: RDDs run on its task threads without it.
 */
class RddOperationsPropertyTest {
    private static final long SEED = 0x51CE1L;
    private static StreamingContext ssc;

    /** Words over a tiny alphabet, so keys repeat and groups have several values. */
    private static final Gen<List<String>> WORDS =
            lists().of(strings().betweenCodePoints('a', 'c').ofLengthBetween(0, 2)).ofSizeBetween(0, 40);
    private static final Gen<List<Integer>> INTS = lists().of(integers().between(-50, 50)).ofSizeBetween(0, 40);
    private static final Gen<Integer> PARTITIONS = integers().between(1, 5);

    @BeforeAll
    static void createContext() {
        ssc = new StreamingContext(new SluiceConf(false).setMaster("local[3]").setAppName("rdd-properties"),
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
        return c.stream().collect(Collectors.groupingBy(x -> x, TreeMap::new, Collectors.counting()));
    }

    private static List<Tuple2<String, Integer>> pairsOf(List<String> words) {
        List<Tuple2<String, Integer>> out = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            out.add(new Tuple2<>(words.get(i), i));
        }
        return out;
    }

    /** The slice sizes Spark's ParallelCollectionRDD gives: [i*n/s, (i+1)*n/s). */
    private static List<Integer> sparkSliceSizes(int n, int slices) {
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < slices; i++) {
            sizes.add((int) (((long) (i + 1) * n) / slices - ((long) i * n) / slices));
        }
        return sizes;
    }

    @Test
    void mapFilterFlatMapKeepOrder() {
        qtFixed().forAll(WORDS, PARTITIONS).checkAssert((words, n) -> {
            RDD<String> rdd = ssc.parallelize(words, n);
            assertEquals(words.stream().map(w -> w + "!").toList(), rdd.map(w -> w + "!").collect());
            assertEquals(words.stream().filter(w -> w.startsWith("a")).toList(),
                    rdd.filter(w -> w.startsWith("a")).collect());
            List<String> chars = new ArrayList<>();
            words.forEach(w -> w.chars().forEach(c -> chars.add(String.valueOf((char) c))));
            assertEquals(chars, rdd.flatMap(w -> Arrays.stream(w.split("")).filter(s -> !s.isEmpty()).iterator())
                    .collect());
            assertEquals(n, rdd.map(w -> w).getNumPartitions(), "narrow transformations keep the partitions");
        });
    }

    @Test
    void mapPartitionsSeesEachSliceOnce() {
        qtFixed().forAll(INTS, PARTITIONS).checkAssert((ints, n) -> {
            RDD<Integer> rdd = ssc.parallelize(ints, n);
            List<Integer> sums = rdd.mapPartitions(it -> {
                int s = 0;
                while (it.hasNext()) {
                    s += it.next();
                }
                return List.of(s).iterator();
            }).collect();
            assertEquals(n, sums.size());
            assertEquals(ints.stream().mapToInt(Integer::intValue).sum(), sums.stream().mapToInt(Integer::intValue).sum());
        });
    }

    @Test
    void reduceByKeySumsLikeAMap() {
        qtFixed().forAll(WORDS, PARTITIONS, integers().between(1, 4)).checkAssert((words, n, m) -> {
            Map<String, Integer> expected = new HashMap<>();
            words.forEach(w -> expected.merge(w, w.length() + 1, Integer::sum));
            PairRDD<String, Integer> pairs = ssc.parallelize(words, n).mapToPair(w -> new Tuple2<>(w, w.length() + 1));

            PairRDD<String, Integer> reduced = pairs.reduceByKey(Integer::sum);
            List<Tuple2<String, Integer>> rows = reduced.collect();
            assertEquals(expected, reduced.collectAsMap());
            assertEquals(expected.size(), rows.size(), "each key once: " + rows);
            assertEquals(n, reduced.getNumPartitions());

            PairRDD<String, Integer> intoM = pairs.reduceByKey(Integer::sum, m);
            assertEquals(m, intoM.getNumPartitions());
            assertEquals(expected, intoM.collectAsMap());
            // Each key sits in the partition its hash assigns, so a later by-key step needs no shuffle.
            List<List<Tuple2<String, Integer>>> parts = intoM.glom().collect();
            for (int p = 0; p < parts.size(); p++) {
                for (Tuple2<String, Integer> kv : parts.get(p)) {
                    assertEquals(Math.floorMod(kv._1().hashCode(), m), p, "key " + kv._1() + " in partition " + p);
                }
            }
        });
    }

    @Test
    void groupByKeyKeepsEveryValue() {
        qtFixed().forAll(WORDS, PARTITIONS).checkAssert((words, n) -> {
            List<Tuple2<String, Integer>> pairs = pairsOf(words);
            Map<String, Map<Integer, Long>> expected = new TreeMap<>();
            Map<String, List<Integer>> byKey = new HashMap<>();
            pairs.forEach(kv -> byKey.computeIfAbsent(kv._1(), k -> new ArrayList<>()).add(kv._2()));
            byKey.forEach((k, vs) -> expected.put(k, multiset(vs)));

            List<Tuple2<String, Iterable<Integer>>> grouped = PairRDD.fromRDD(ssc.parallelize(pairs, n)).groupByKey()
                    .collect();
            Map<String, Map<Integer, Long>> actual = new TreeMap<>();
            for (Tuple2<String, Iterable<Integer>> g : grouped) {
                List<Integer> vs = new ArrayList<>();
                g._2().forEach(vs::add);
                Map<Integer, Long> prev = actual.put(g._1(), multiset(vs));
                assertEquals(null, prev, "key " + g._1() + " grouped twice");
            }
            assertEquals(expected, actual);
        });
    }

    @Test
    void combineByKeyMatchesAFold() {
        qtFixed().forAll(INTS, PARTITIONS, integers().between(1, 4)).checkAssert((ints, n, m) -> {
            // key: value mod 3; combiner: (count, sum)
            Map<Integer, Tuple2<Integer, Integer>> expected = new HashMap<>();
            for (int v : ints) {
                expected.merge(Math.floorMod(v, 3), new Tuple2<>(1, v),
                        (a, b) -> new Tuple2<>(a._1() + b._1(), a._2() + b._2()));
            }
            PairRDD<Integer, Tuple2<Integer, Integer>> combined = ssc.parallelize(ints, n)
                    .mapToPair(v -> new Tuple2<>(Math.floorMod(v, 3), v))
                    .combineByKey(v -> new Tuple2<>(1, v),
                            (c, v) -> new Tuple2<>(c._1() + 1, c._2() + v),
                            (a, b) -> new Tuple2<>(a._1() + b._1(), a._2() + b._2()), m);
            assertEquals(expected, combined.collectAsMap());
            assertEquals(expected.size(), combined.count());
            assertEquals(m, combined.getNumPartitions());
        });
    }

    @Test
    void distinctIsTheSetOfRecords() {
        qtFixed().forAll(WORDS, PARTITIONS).checkAssert((words, n) -> {
            List<String> d = ssc.parallelize(words, n).distinct().collect();
            assertEquals(new LinkedHashSet<>(words).size(), d.size(), "no duplicates: " + d);
            assertEquals(new java.util.TreeSet<>(words), new java.util.TreeSet<>(d));
        });
    }

    @Test
    void repartitionKeepsTheMultisetAndSpreadsEvenly() {
        qtFixed().forAll(INTS, PARTITIONS, integers().between(1, 5)).checkAssert((ints, n, m) -> {
            RDD<Integer> r = ssc.parallelize(ints, n).repartition(m);
            assertEquals(m, r.getNumPartitions());
            assertEquals(multiset(ints), multiset(r.collect()));
            List<Integer> sizes = r.glom().collect().stream().map(List::size).toList();
            assertEquals(ints.size(), sizes.stream().mapToInt(Integer::intValue).sum());
            // Round-robin within each input partition: each one adds at most 1 of imbalance.
            int spread = Collections.max(sizes) - Collections.min(sizes);
            assertTrue(spread <= n, "sizes " + sizes + " from " + n + " input partitions");
        });
    }

    @Test
    void unionConcatenatesPartitions() {
        qtFixed().forAll(WORDS, PARTITIONS, WORDS, PARTITIONS).checkAssert((a, n, b, m) -> {
            RDD<String> u = ssc.parallelize(a, n).union(ssc.parallelize(b, m));
            List<String> expected = new ArrayList<>(a);
            expected.addAll(b);
            assertEquals(expected, u.collect());
            assertEquals(n + m, u.getNumPartitions());
            assertEquals(expected.size(), u.count());
        });
    }

    @Test
    void countTakeFirstIsEmptyFollowTheList() {
        qtFixed().forAll(INTS, PARTITIONS, integers().between(0, 45)).checkAssert((ints, n, k) -> {
            RDD<Integer> rdd = ssc.parallelize(ints, n);
            assertEquals(ints.size(), rdd.count());
            assertEquals(ints.subList(0, Math.min(k, ints.size())), rdd.take(k), "take(" + k + ")");
            assertEquals(ints.isEmpty(), rdd.isEmpty());
            if (ints.isEmpty()) {
                assertThrows(NoSuchElementException.class, rdd::first);
            } else {
                assertEquals(ints.get(0), rdd.first());
            }
            // On a shuffled RDD, take is a prefix of collect (both in partition order).
            RDD<Integer> shuffled = rdd.repartition(3);
            assertEquals(shuffled.collect().subList(0, Math.min(k, ints.size())), shuffled.take(k));
            assertEquals(ints.isEmpty(), shuffled.isEmpty());
        });
    }

    @Test
    void collectAsMapKeepsTheLastValueOfARepeatedKey() {
        qtFixed().forAll(WORDS, PARTITIONS).checkAssert((words, n) -> {
            List<Tuple2<String, Integer>> pairs = pairsOf(words);
            Map<String, Integer> expected = new HashMap<>();
            pairs.forEach(kv -> expected.put(kv._1(), kv._2()));
            assertEquals(expected, PairRDD.fromRDD(ssc.parallelize(pairs, n)).collectAsMap());
        });
    }

    @Test
    void mapValuesAndFlatMapValuesKeepKeys() {
        qtFixed().forAll(WORDS, PARTITIONS).checkAssert((words, n) -> {
            List<Tuple2<String, Integer>> pairs = pairsOf(words);
            PairRDD<String, Integer> rdd = PairRDD.fromRDD(ssc.parallelize(pairs, n));
            assertEquals(pairs.stream().map(kv -> new Tuple2<>(kv._1(), kv._2() * 2)).toList(),
                    rdd.mapValues(v -> v * 2).collect());
            List<Tuple2<String, Integer>> flat = new ArrayList<>();
            pairs.forEach(kv -> {
                for (int i = 0; i < kv._2() % 3; i++) {
                    flat.add(new Tuple2<>(kv._1(), i));
                }
            });
            assertEquals(flat, rdd.flatMapValues(v -> {
                List<Integer> l = new ArrayList<>();
                for (int i = 0; i < v % 3; i++) {
                    l.add(i);
                }
                return l.iterator();
            }).collect());
            // mapValues after a shuffle keeps its partitioner (no re-shuffle needed downstream).
            PairRDD<String, Integer> reduced = rdd.reduceByKey(Integer::sum, 3);
            assertEquals(reduced.partitioner(), reduced.mapValues(v -> v + 1).partitioner());
        });
    }

    @Test
    void glomShowsSparksSlices() {
        qtFixed().forAll(INTS, PARTITIONS).checkAssert((ints, n) -> {
            List<List<Integer>> parts = ssc.parallelize(ints, n).glom().collect();
            assertEquals(n, parts.size());
            assertEquals(sparkSliceSizes(ints.size(), n), parts.stream().map(List::size).toList());
            List<Integer> flat = new ArrayList<>();
            parts.forEach(flat::addAll);
            assertEquals(ints, flat);
        });
    }

    @Test
    void foreachVisitsEveryRecordOnce() {
        qtFixed().forAll(INTS, PARTITIONS).checkAssert((ints, n) -> {
            ConcurrentLinkedQueue<Integer> seen = new ConcurrentLinkedQueue<>();
            ssc.parallelize(ints, n).foreach(seen::add);
            assertEquals(multiset(ints), multiset(seen));
            ConcurrentLinkedQueue<Integer> perPartition = new ConcurrentLinkedQueue<>();
            ssc.parallelize(ints, n).foreachPartition(it -> {
                int c = 0;
                while (it.hasNext()) {
                    it.next();
                    c++;
                }
                perPartition.add(c);
            });
            assertEquals(n, perPartition.size());
            assertEquals(ints.size(), perPartition.stream().mapToInt(Integer::intValue).sum());
        });
    }

    /**
     * An RDD with no partition (what a receiver stream gives for a batch without blocks) must
     * support the by-key operations with their default partition count, as in Spark, where a
     * {@code HashPartitioner(0)} is legal and the result is simply empty.
     */
    @Test
    void byKeyOperationsOnAnRddWithoutPartitions() {
        RDD<String> none = ParallelCollectionRDD.empty(ssc.runtime().env());
        assertEquals(0, none.getNumPartitions());
        assertEquals(0, none.count());
        assertTrue(none.isEmpty());
        assertEquals(List.of(), none.distinct().collect());
        PairRDD<String, Integer> pairs = none.mapToPair(w -> new Tuple2<>(w, 1));
        assertEquals(Map.of(), pairs.reduceByKey(Integer::sum).collectAsMap());
        assertEquals(List.of(), pairs.groupByKey().collect());
        assertEquals(List.of(), pairs.combineByKey(v -> v, Integer::sum, Integer::sum).collect());
    }
}
