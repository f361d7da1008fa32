package io.sluice.internal.storage.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksDBStateStoreTest {

    private static final StateStoreOptions SMALL = new StateStoreOptions(8L << 20, 1L << 20);

    @TempDir
    Path tmp;

    private final AtomicInteger dirs = new AtomicInteger();

    private Path newDir(String name) {
        return tmp.resolve(name + "-" + dirs.incrementAndGet());
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    /** Every entry of {@code table} under {@code prefix}, in scan order, as hex keys to values. */
    private static List<Map.Entry<String, String>> scan(StateTable table, byte[] prefix) {
        List<Map.Entry<String, String>> entries = new ArrayList<>();
        try (StateTable.StateIterator iterator = table.scan(prefix)) {
            while (iterator.hasNext()) {
                iterator.next();
                entries.add(Map.entry(hex(iterator.key()), s(iterator.value())));
            }
        }
        return entries;
    }

    private static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte x : bytes) {
            sb.append(String.format("%02x", x));
        }
        return sb.toString();
    }

    private static TreeMap<String, String> contents(StateTable table) {
        TreeMap<String, String> map = new TreeMap<>();
        for (Map.Entry<String, String> entry : scan(table, new byte[0])) {
            map.put(entry.getKey(), entry.getValue());
        }
        return map;
    }

    @Test
    void putGetDelete() {
        try (RocksDBStateStore store = RocksDBStateStore.open(newDir("db"), SMALL)) {
            StateTable table = store.table("counts");
            assertNull(table.get(b("a")));
            table.put(b("a"), b("1"));
            table.put(b("b"), b("2"));
            table.put(b("a"), b("3"));
            assertEquals("3", s(table.get(b("a"))));
            assertEquals("2", s(table.get(b("b"))));
            table.delete(b("a"));
            assertNull(table.get(b("a")));
            table.put(b("empty"), new byte[0]);
            assertArrayEquals(new byte[0], table.get(b("empty")));
        }
    }

    @Test
    void writeBatchesApplyAtomicallyOnCommit() {
        try (RocksDBStateStore store = RocksDBStateStore.open(newDir("db"), SMALL)) {
            StateTable table = store.table("op");
            table.put(b("gone"), b("x"));
            try (StateTable.WriteBatch batch = table.newWriteBatch()) {
                batch.put(b("k1"), b("v1"));
                batch.put(b("k2"), b("v2"));
                batch.delete(b("gone"));
                assertNull(table.get(b("k1")), "nothing is visible before commit");
                assertEquals("x", s(table.get(b("gone"))));
                batch.commit();
                assertEquals("v1", s(table.get(b("k1"))));
                assertEquals("v2", s(table.get(b("k2"))));
                assertNull(table.get(b("gone")));
                // The batch is empty after a commit and can be reused.
                batch.put(b("k3"), b("v3"));
                batch.commit();
                assertEquals("v3", s(table.get(b("k3"))));
            }
            try (StateTable.WriteBatch abandoned = table.newWriteBatch()) {
                abandoned.put(b("never"), b("x"));
            }
            assertNull(table.get(b("never")), "a batch closed without commit writes nothing");
        }
    }

    @Test
    void scanReturnsThePrefixRangeInUnsignedKeyOrder() {
        try (RocksDBStateStore store = RocksDBStateStore.open(newDir("db"), SMALL)) {
            StateTable table = store.table("op");
            byte[][] keys = {
                {0x01}, {0x01, 0x00}, {0x01, (byte) 0x80}, {0x01, 0x7F}, {0x01, (byte) 0xFF, 0x01},
                {0x02}, {0x00, 0x01}, {(byte) 0xFF}, {(byte) 0xFF, (byte) 0xFF}, {(byte) 0xFF, 0x00}};
            for (byte[] key : keys) {
                table.put(key, b(hex(key)));
            }
            List<String> underOne = scan(table, new byte[] {0x01}).stream().map(Map.Entry::getKey).toList();
            assertEquals(List.of("01", "0100", "017f", "0180", "01ff01"), underOne);
            List<String> underFf = scan(table, new byte[] {(byte) 0xFF}).stream().map(Map.Entry::getKey).toList();
            assertEquals(List.of("ff", "ff00", "ffff"), underFf);
            List<String> all = scan(table, new byte[0]).stream().map(Map.Entry::getKey).toList();
            assertEquals(List.of("0001", "01", "0100", "017f", "0180", "01ff01", "02", "ff", "ff00", "ffff"), all);
            assertEquals(List.of(), scan(table, new byte[] {0x03}));
            for (Map.Entry<String, String> entry : scan(table, new byte[0])) {
                assertEquals(entry.getKey(), entry.getValue());
            }
        }
    }

    @Test
    void aScanSeesTheViewOfWhenItWasOpened() {
        try (RocksDBStateStore store = RocksDBStateStore.open(newDir("db"), SMALL)) {
            StateTable table = store.table("op");
            table.put(b("p1"), b("a"));
            table.put(b("p2"), b("b"));
            try (StateTable.StateIterator iterator = table.scan(b("p"))) {
                table.put(b("p0"), b("new"));
                table.delete(b("p2"));
                List<String> seen = new ArrayList<>();
                while (iterator.hasNext()) {
                    iterator.next();
                    seen.add(s(iterator.key()) + "=" + s(iterator.value()));
                }
                assertEquals(List.of("p1=a", "p2=b"), seen);
                assertThrows(java.util.NoSuchElementException.class, iterator::next);
            }
        }
    }

    @Test
    void operatorsAreIsolatedAndTablesSurviveReopen() {
        Path dir = newDir("db");
        try (RocksDBStateStore store = RocksDBStateStore.open(dir, SMALL)) {
            store.table("left").put(b("k"), b("L"));
            store.table("right").put(b("k"), b("R"));
            assertEquals("L", s(store.table("left").get(b("k"))));
            assertEquals("R", s(store.table("right").get(b("k"))));
            store.table("left").delete(b("k"));
            assertEquals("R", s(store.table("right").get(b("k"))));
            assertEquals(List.of(), scan(store.table("left"), new byte[0]));
            assertSame(store.table("right"), store.table("right"));
            store.table("left").put(b("k2"), b("L2"));
        }
        try (RocksDBStateStore store = RocksDBStateStore.open(dir, SMALL)) {
            assertEquals("R", s(store.table("right").get(b("k"))));
            assertEquals("L2", s(store.table("left").get(b("k2"))));
            assertNull(store.table("left").get(b("k")));
        }
    }

    @Test
    void concurrentFirstUseCreatesOneTable() throws Exception {
        try (RocksDBStateStore store = RocksDBStateStore.open(newDir("db"), SMALL)) {
            int threads = 8;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CyclicBarrier start = new CyclicBarrier(threads);
            try {
                List<Future<StateTable>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    futures.add(pool.submit(() -> {
                        start.await();
                        StateTable table = store.table("shared");
                        table.put(new byte[] {(byte) thread}, b("t" + thread));
                        return table;
                    }));
                }
                Set<StateTable> distinct = new HashSet<>();
                for (Future<StateTable> future : futures) {
                    distinct.add(future.get());
                }
                assertEquals(1, distinct.size());
                assertEquals(threads, scan(store.table("shared"), new byte[0]).size());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void propertyRestoringASnapshotGivesTheStoreAsItWasAtSnapshotTime() {
        // Ops: key index 0..19, table 0..1, put (true) or delete (false), value seed.
        qt().withExamples(30)
                .forAll(lists().of(integers().between(0, 19)).ofSizeBetween(0, 60),
                        lists().of(booleans().all()).ofSize(60),
                        integers().between(0, 60))
                .checkAssert((keys, puts, split) -> {
                    Path work = newDir("work");
                    Path snapshot = newDir("snap");
                    Path restored = newDir("restored");
                    List<TreeMap<String, String>> atSnapshot = new ArrayList<>();
                    List<TreeMap<String, String>> atEnd = new ArrayList<>();
                    try (RocksDBStateStore store = RocksDBStateStore.open(work, SMALL)) {
                        int cut = Math.min(split, keys.size());
                        apply(store, keys.subList(0, cut), puts, 0);
                        store.snapshot(snapshot);
                        for (String op : List.of("t0", "t1")) {
                            atSnapshot.add(contents(store.table(op)));
                        }
                        apply(store, keys.subList(cut, keys.size()), puts, cut);
                        for (String op : List.of("t0", "t1")) {
                            atEnd.add(contents(store.table(op)));
                        }
                    }
                    try (RocksDBStateStore copy = RocksDBStateStore.restore(snapshot, restored, SMALL)) {
                        assertEquals(atSnapshot.get(0), contents(copy.table("t0")));
                        assertEquals(atSnapshot.get(1), contents(copy.table("t1")));
                    }
                    try (RocksDBStateStore original = RocksDBStateStore.open(work, SMALL)) {
                        assertEquals(atEnd.get(0), contents(original.table("t0")));
                        assertEquals(atEnd.get(1), contents(original.table("t1")));
                    }
                });
    }

    private static void apply(RocksDBStateStore store, List<Integer> keys, List<Boolean> puts, int offset) {
        for (int i = 0; i < keys.size(); i++) {
            int op = offset + i;
            StateTable table = store.table("t" + (keys.get(i) % 2));
            byte[] key = b("key-" + keys.get(i));
            if (puts.get(op % puts.size())) {
                table.put(key, b("v" + op));
            } else {
                table.delete(key);
            }
        }
    }

    @Test
    void writesAfterASnapshotAreNotInItAndItCanBeRestoredTwice() {
        Path work = newDir("work");
        Path snapshot = tmp.resolve("snapshots").resolve("snap-1");
        Path restored = newDir("restored");
        try (RocksDBStateStore store = RocksDBStateStore.open(work, SMALL)) {
            store.table("op").put(b("before"), b("1"));
            store.table("other").put(b("x"), b("y"));
            store.snapshot(snapshot);
            store.table("op").put(b("after"), b("2"));
            store.table("op").delete(b("before"));
            store.table("late").put(b("z"), b("z"));
        }
        try (RocksDBStateStore copy = RocksDBStateStore.restore(snapshot, restored, SMALL)) {
            assertEquals("1", s(copy.table("op").get(b("before"))));
            assertNull(copy.table("op").get(b("after")));
            assertEquals("y", s(copy.table("other").get(b("x"))));
            assertNull(copy.table("late").get(b("z")));
            // Diverge the restored copy; the snapshot must not change.
            copy.table("op").put(b("diverged"), b("3"));
            copy.table("op").delete(b("before"));
        }
        try (RocksDBStateStore again = RocksDBStateStore.restore(snapshot, restored, SMALL)) {
            assertEquals("1", s(again.table("op").get(b("before"))));
            assertNull(again.table("op").get(b("diverged")));
            assertEquals(List.of(Map.entry(hex(b("before")), "1")), scan(again.table("op"), new byte[0]));
        }
    }

    @Test
    void snapshotRefusesAnExistingDirectoryAndRestoreRefusesANonSnapshot() throws Exception {
        Path existing = Files.createDirectories(newDir("exists"));
        try (RocksDBStateStore store = RocksDBStateStore.open(newDir("db"), SMALL)) {
            StateStoreException e = assertThrows(StateStoreException.class, () -> store.snapshot(existing));
            assertTrue(e.getMessage().contains("exists"), e.getMessage());
        }
        StateStoreException e = assertThrows(StateStoreException.class,
                () -> RocksDBStateStore.restore(existing, newDir("work"), SMALL));
        assertTrue(e.getMessage().contains("not a state snapshot"), e.getMessage());
    }

    @Test
    void aSecondStoreOnTheSameDirectoryIsRefusedWithTheCause() {
        Path dir = newDir("db");
        try (RocksDBStateStore store = RocksDBStateStore.open(dir, SMALL)) {
            store.table("op").put(b("k"), b("v"));
            StateStoreException e = assertThrows(StateStoreException.class,
                    () -> RocksDBStateStore.open(dir, SMALL));
            assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("another state store"), e.getMessage());
            assertEquals("v", s(store.table("op").get(b("k"))), "the first store is unaffected");
        }
    }

    @Test
    void closeIsIdempotentClosesLeakedIteratorsAndRefusesLaterUse() {
        RocksDBStateStore store = RocksDBStateStore.open(newDir("db"), SMALL);
        StateTable table = store.table("op");
        table.put(b("k"), b("v"));
        StateTable.StateIterator leaked = table.scan(new byte[0]);
        assertTrue(leaked.hasNext());
        store.close();
        store.close();
        assertThrows(IllegalStateException.class, leaked::hasNext);
        leaked.close();
        assertThrows(IllegalStateException.class, () -> table.get(b("k")));
        assertThrows(IllegalStateException.class, () -> store.table("op"));
    }

    @Test
    void prefixSuccessorIsTheNextKeyOutsideThePrefix() {
        assertArrayEquals(new byte[] {0x02}, RocksDBStateTable.prefixSuccessor(new byte[] {0x01}));
        assertArrayEquals(new byte[] {0x01, 0x01},
                RocksDBStateTable.prefixSuccessor(new byte[] {0x01, 0x00}));
        assertArrayEquals(new byte[] {0x02},
                RocksDBStateTable.prefixSuccessor(new byte[] {0x01, (byte) 0xFF}));
        assertNull(RocksDBStateTable.prefixSuccessor(new byte[] {(byte) 0xFF, (byte) 0xFF}));
        assertNull(RocksDBStateTable.prefixSuccessor(new byte[0]));
    }

    @Test
    void optionsRejectNonPositiveSizes() {
        assertThrows(IllegalArgumentException.class, () -> new StateStoreOptions(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new StateStoreOptions(1, -1));
        assertEquals(64L << 20, StateStoreOptions.defaults().blockCacheBytes());
        assertEquals(16L << 20, StateStoreOptions.defaults().writeBufferBytes());
    }
}
