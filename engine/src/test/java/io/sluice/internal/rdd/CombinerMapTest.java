package io.sluice.internal.rdd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@link CombinerMap} against a {@code LinkedHashMap} model of "create on first value, merge
 * the rest in order": same keys, same combiners, same (first-insertion) order, for any
 * sequence of keys, with colliding hash codes, a null key and null combiners.
 */
class CombinerMapTest {

    /** A key whose hash code is chosen, so that tests can make distinct keys collide. */
    record Key(int id, int hash) {
        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.id == id;
        }
    }

    /** Keys 0..n-1 (and -1 as the null key), hash codes from a tiny range: many collisions. */
    private static Key key(int id, int hashBuckets) {
        return id < 0 ? null : new Key(id, Math.floorMod(id * 31, hashBuckets) << 20);
    }

    /** A non-commutative combiner (the values in arrival order), null for value 0. */
    private static final Function<Integer, List<Integer>> CREATE = v -> {
        if (v == 0) {
            return null;
        }
        List<Integer> l = new ArrayList<>();
        l.add(v);
        return l;
    };
    private static final BiFunction<List<Integer>, Integer, List<Integer>> MERGE = (c, v) -> {
        List<Integer> l = c == null ? new ArrayList<>() : new ArrayList<>(c);
        l.add(v);
        return l;
    };

    private static Map<Key, List<Integer>> model(List<Integer> ids, List<Integer> values, int hashBuckets) {
        Map<Key, List<Integer>> m = new LinkedHashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            Key k = key(ids.get(i), hashBuckets);
            Integer v = values.get(i % values.size());
            if (m.containsKey(k)) {
                m.put(k, MERGE.apply(m.get(k), v));
            } else {
                m.put(k, CREATE.apply(v));
            }
        }
        return m;
    }

    private static Map<Key, List<Integer>> contents(CombinerMap<Key, List<Integer>> map) {
        Map<Key, List<Integer>> m = new LinkedHashMap<>();
        for (int i = 0; i < map.size(); i++) {
            m.put(map.keyAt(i), map.valueAt(i));
        }
        return m;
    }

    @Test
    void combineEqualsTheModelInValuesAndOrder() {
        qt().withExamples(300).forAll(
                lists().of(integers().between(-1, 400)).ofSizeBetween(0, 3000),
                lists().of(integers().between(0, 5)).ofSizeBetween(1, 50),
                integers().between(1, 64),
                integers().between(0, 100)
        ).checkAssert((ids, values, hashBuckets, expected) -> {
            CombinerMap<Key, List<Integer>> map = new CombinerMap<>(expected);
            for (int i = 0; i < ids.size(); i++) {
                map.combine(key(ids.get(i), hashBuckets), values.get(i % values.size()), CREATE, MERGE);
            }
            Map<Key, List<Integer>> model = model(ids, values, hashBuckets);
            assertTrue(map.consistent(), "internal indexes disagree");
            assertEquals(model.size(), map.size());
            assertEquals(new ArrayList<>(model.entrySet()), new ArrayList<>(contents(map).entrySet()));
        });
    }

    @Test
    void mergeCombinerKeepsTheFirstCombinerAndMergesTheRestInOrder() {
        qt().withExamples(200).forAll(
                lists().of(integers().between(-1, 300)).ofSizeBetween(0, 2000),
                integers().between(1, 16)
        ).checkAssert((ids, hashBuckets) -> {
            CombinerMap<Key, String> map = new CombinerMap<>(0);
            Map<Key, String> model = new LinkedHashMap<>();
            for (int i = 0; i < ids.size(); i++) {
                Key k = key(ids.get(i), hashBuckets);
                String c = Integer.toString(i);
                map.mergeCombiner(k, c, (a, b) -> a + "," + b);
                model.merge(k, c, (a, b) -> a + "," + b);
            }
            List<String> got = new ArrayList<>();
            for (int i = 0; i < map.size(); i++) {
                got.add(map.keyAt(i) + "=" + map.valueAt(i));
            }
            List<String> want = new ArrayList<>();
            model.forEach((k, v) -> want.add(k + "=" + v));
            assertEquals(want, got);
        });
    }

    @Test
    void aNullCombinerIsKeptAndMergedInto() {
        CombinerMap<String, List<Integer>> map = new CombinerMap<>(0);
        map.combine("a", 0, CREATE, MERGE);
        assertEquals(1, map.size());
        assertNull(map.valueAt(0));
        map.combine("a", 7, CREATE, MERGE);
        assertEquals(1, map.size());
        assertEquals(List.of(7), map.valueAt(0));
    }

    @Test
    void growsFarBeyondItsInitialSizeAndKeepsEveryKey() {
        CombinerMap<Integer, Integer> map = new CombinerMap<>(0);
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 100_000; i++) {
                map.combine(i << 10, 1, v -> v, Integer::sum);
            }
        }
        assertEquals(100_000, map.size());
        assertTrue(map.consistent());
        for (int i = 0; i < map.size(); i++) {
            assertEquals(i << 10, map.keyAt(i));
            assertEquals(3, map.valueAt(i));
        }
    }

    @Test
    void indexOutsideTheMapIsRefused() {
        CombinerMap<String, Integer> map = new CombinerMap<>(0);
        map.combine("x", 1, v -> v, Integer::sum);
        assertThrows(IndexOutOfBoundsException.class, () -> map.keyAt(1));
        assertThrows(IndexOutOfBoundsException.class, () -> map.valueAt(-1));
    }
}
