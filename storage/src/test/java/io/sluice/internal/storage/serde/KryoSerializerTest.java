package io.sluice.internal.storage.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class KryoSerializerTest {

    private final KryoSerializer serializer = new KryoSerializer();

    record Point(int x, int y, String label) {
    }

    record Order(String id, List<Point> points, Map<String, Long> counts, Optional<String> note) {
    }

    enum Color { RED, GREEN }

    /** No no-arg constructor: needs the Objenesis fallback. */
    static final class Account {
        final String owner;
        final long balance;

        Account(String owner, long balance) {
            this.owner = owner;
            this.balance = balance;
        }
    }

    static final class StreamHolder {
        final String name = "input";
        final InputStream stream = new ByteArrayInputStream(new byte[] {1, 2, 3});
    }

    static final class ThreadHolder {
        final Thread thread = new Thread(() -> { });
    }

    private <T> T roundTrip(T value) {
        return serializer.deserialize(serializer.serialize(value));
    }

    @Test
    void roundTripsScalarsAndNull() {
        assertEquals("héllo, wörld ✓", roundTrip("héllo, wörld ✓"));
        assertEquals("", roundTrip(""));
        assertEquals(42, (int) roundTrip(42));
        assertEquals(Long.MIN_VALUE, (long) roundTrip(Long.MIN_VALUE));
        assertEquals(3.25d, (double) roundTrip(3.25d));
        assertEquals(true, roundTrip(true));
        assertEquals('x', (char) roundTrip('x'));
        assertEquals(new BigDecimal("12345.6789"), roundTrip(new BigDecimal("12345.6789")));
        assertEquals(Instant.ofEpochMilli(1_700_000_000_123L), roundTrip(Instant.ofEpochMilli(1_700_000_000_123L)));
        UUID uuid = UUID.randomUUID();
        assertEquals(uuid, roundTrip(uuid));
        assertEquals(Color.GREEN, roundTrip(Color.GREEN));
        assertEquals(new AbstractMap.SimpleImmutableEntry<>("k", 7), roundTrip(new AbstractMap.SimpleImmutableEntry<>("k", 7)));
        assertEquals(new AbstractMap.SimpleEntry<>("k", List.of(1)), roundTrip(new AbstractMap.SimpleEntry<>("k", List.of(1))));
        assertEquals(9L, ((AtomicLong) roundTrip(new AtomicLong(9))).get());
        assertNull(roundTrip(null));
    }

    @Test
    void roundTripsArraysCollectionsAndRecords() {
        assertArrayEquals(new byte[] {0, -1, 127}, roundTrip(new byte[] {0, -1, 127}));
        assertArrayEquals(new long[] {Long.MAX_VALUE, 0, -5}, roundTrip(new long[] {Long.MAX_VALUE, 0, -5}));
        assertEquals(new ArrayList<>(List.of("a", "b")), roundTrip(new ArrayList<>(List.of("a", "b"))));
        assertEquals(List.of(1, 2, 3), roundTrip(List.of(1, 2, 3)));
        assertEquals(Arrays.asList("x", null, "z"), roundTrip(Arrays.asList("x", null, "z")));
        assertEquals(Set.of("p", "q"), roundTrip(Set.of("p", "q")));
        assertEquals(Map.of("k", 1L), roundTrip(Map.of("k", 1L)));
        assertEquals(new TreeMap<>(Map.of("b", 2, "a", 1)), roundTrip(new TreeMap<>(Map.of("b", 2, "a", 1))));
        assertEquals(Optional.of("there"), roundTrip(Optional.of("there")));
        assertEquals(Optional.empty(), roundTrip(Optional.empty()));
        assertEquals(new Point(1, -2, "p"), roundTrip(new Point(1, -2, "p")));

        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("apples", 3L);
        counts.put("pears", null);
        Order order = new Order("o-1", List.of(new Point(0, 0, null), new Point(5, 6, "b")), counts,
                Optional.of("rush"));
        assertEquals(order, roundTrip(order));

        Account account = roundTrip(new Account("ann", 250));
        assertEquals("ann", account.owner);
        assertEquals(250, account.balance);
    }

    @Test
    void preservesSharedAndCyclicReferences() {
        Point shared = new Point(1, 1, "shared");
        List<Point> twice = roundTrip(new ArrayList<>(List.of(shared, shared)));
        assertSame(twice.get(0), twice.get(1));

        List<Object> cyclic = new ArrayList<>();
        cyclic.add("head");
        cyclic.add(cyclic);
        List<Object> back = roundTrip(cyclic);
        assertSame(back, back.get(1));
        assertNotSame(cyclic, back);
    }

    @Test
    void roundTripsBlocks() {
        List<Object> records = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            records.add(new Point(i, -i, "label-" + (i % 7)));
        }
        records.add(null);
        records.add("a string among records");
        assertEquals(records, serializer.deserializeBlock(serializer.serializeBlock(records)));
        assertEquals(List.of(), serializer.deserializeBlock(serializer.serializeBlock(List.of())));
    }

    @Test
    void blockIsSmallerThanItsRecordsSerializedOneByOne() {
        List<Point> records = new ArrayList<>();
        int oneByOne = 0;
        for (int i = 0; i < 50; i++) {
            Point point = new Point(i, i, "p");
            records.add(point);
            oneByOne += serializer.serialize(point).length;
        }
        int block = serializer.serializeBlock(records).length;
        assertTrue(block < oneByOne / 2, "block of " + block + " bytes vs " + oneByOne + " one by one");
    }

    @Test
    void propertyListsOfStringsAndLongsRoundTrip() {
        qt().withExamples(200)
                .forAll(lists().of(strings().allPossible().ofLengthBetween(0, 40)).ofSizeBetween(0, 60),
                        lists().of(longs().all()).ofSizeBetween(0, 60))
                .checkAssert((texts, numbers) -> {
                    assertEquals(texts, roundTrip(new ArrayList<>(texts)));
                    assertEquals(numbers, roundTrip(new ArrayList<>(numbers)));
                    assertEquals(texts, serializer.deserializeBlock(serializer.serializeBlock(texts)));
                    assertEquals(numbers, serializer.deserializeBlock(serializer.serializeBlock(numbers)));
                    Map<String, List<Long>> nested = new HashMap<>();
                    for (String text : texts) {
                        nested.put(text, numbers);
                    }
                    assertEquals(nested, roundTrip(nested));
                });
    }

    @Test
    void propertyEveryOutputStartsWithTheFormatVersion() {
        qt().forAll(integers().all(), strings().basicLatinAlphabet().ofLengthBetween(0, 20))
                .checkAssert((number, text) -> {
                    assertEquals(KryoSerializer.FORMAT_VERSION, serializer.serialize(number)[0]);
                    assertEquals(KryoSerializer.FORMAT_VERSION, serializer.serializeBlock(List.of(text))[0]);
                });
    }

    @Test
    void refusesBytesOfANewerFormatVersion() {
        byte[] bytes = serializer.serialize("value");
        bytes[0] = 2;
        SerializationException e = assertThrows(SerializationException.class, () -> serializer.deserialize(bytes));
        assertTrue(e.getMessage().contains("newer Sluice"), e.getMessage());
        assertTrue(e.getMessage().contains("[2]"), e.getMessage());
        SerializationException block = assertThrows(SerializationException.class,
                () -> serializer.deserializeBlock(bytes));
        assertTrue(block.getMessage().contains("newer Sluice"), block.getMessage());
    }

    @Test
    void refusesBytesThatAreNotSluiceBytes() {
        assertThrows(SerializationException.class, () -> serializer.deserialize(new byte[0]));
        SerializationException zero = assertThrows(SerializationException.class,
                () -> serializer.deserialize(new byte[] {0, 1, 2}));
        assertTrue(zero.getMessage().contains("not written by a Sluice serializer"), zero.getMessage());
        byte[] valid = serializer.serialize("abc");
        byte[] trailing = Arrays.copyOf(valid, valid.length + 1);
        SerializationException extra = assertThrows(SerializationException.class,
                () -> serializer.deserialize(trailing));
        assertTrue(extra.getMessage().contains("left over"), extra.getMessage());
    }

    @Test
    void aTypeHoldingAnInputStreamFailsNamingTheTypeAndTheFix() {
        SerializationException e = assertThrows(SerializationException.class,
                () -> serializer.serialize(new StreamHolder()));
        assertTrue(e.getMessage().contains(StreamHolder.class.getName()), e.getMessage());
        assertTrue(e.getMessage().contains(ByteArrayInputStream.class.getName()), e.getMessage());
        assertTrue(e.getMessage().contains("sluice.kryo.registrator"), e.getMessage());

        SerializationException inBlock = assertThrows(SerializationException.class,
                () -> serializer.serializeBlock(List.of("fine", new ThreadHolder())));
        assertTrue(inBlock.getMessage().contains(ThreadHolder.class.getName()), inBlock.getMessage());
        assertTrue(inBlock.getMessage().contains("java.lang.Thread"), inBlock.getMessage());
        // The pool dropped the Kryo that failed mid-graph: the serializer still works.
        assertEquals("after", roundTrip("after"));
    }

    /** Makes StreamHolder serializable by writing the stream's remaining bytes. */
    public static final class StreamHolderRegistrator implements KryoRegistrator {
        @Override
        public void registerClasses(Kryo kryo) {
            kryo.register(StreamHolder.class, new com.esotericsoftware.kryo.Serializer<StreamHolder>() {
                @Override
                public void write(Kryo k, Output output, StreamHolder object) {
                    output.writeString(object.name);
                }

                @Override
                public StreamHolder read(Kryo k, Input input, Class<? extends StreamHolder> type) {
                    input.readString();
                    return new StreamHolder();
                }
            });
        }
    }

    public static final class NotARegistrator {
    }

    @Test
    void aRegistratorNamedByClassMakesATypeSerializable() {
        KryoSerializer withRegistrator = KryoSerializer.withRegistrator(getClass().getClassLoader(),
                StreamHolderRegistrator.class.getName());
        StreamHolder back = withRegistrator.deserialize(withRegistrator.serialize(new StreamHolder()));
        assertEquals("input", back.name);
        assertEquals(1, assertDoesNotThrowRead(back.stream));
    }

    private static int assertDoesNotThrowRead(InputStream stream) {
        try {
            return stream.read();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aWrongRegistratorClassNameFailsNamingTheClassAndTheFix() {
        SerializationException missing = assertThrows(SerializationException.class,
                () -> KryoSerializer.withRegistrator(getClass().getClassLoader(), "com.example.NoSuchRegistrator"));
        assertTrue(missing.getMessage().contains("com.example.NoSuchRegistrator"), missing.getMessage());
        assertTrue(missing.getMessage().contains("sluice.kryo.registrator"), missing.getMessage());
        assertTrue(missing.getMessage().contains("classpath"), missing.getMessage());

        SerializationException wrongType = assertThrows(SerializationException.class,
                () -> KryoSerializer.withRegistrator(getClass().getClassLoader(), NotARegistrator.class.getName()));
        assertTrue(wrongType.getMessage().contains(NotARegistrator.class.getName()), wrongType.getMessage());
        assertTrue(wrongType.getMessage().contains("implement"), wrongType.getMessage());

        assertEquals("plain", KryoSerializer.withRegistrator(getClass().getClassLoader(), " ")
                .deserialize(serializer.serialize("plain")));
    }

    @Test
    void aFailingRegistratorFailsAtConstruction() {
        SerializationException e = assertThrows(SerializationException.class,
                () -> new KryoSerializer(getClass().getClassLoader(), List.of(kryo -> {
                    throw new IllegalStateException("boom in registrator");
                })));
        assertTrue(e.getMessage().contains("boom in registrator"), e.getMessage());
    }

    @Test
    void concurrentCallsShareThePoolSafely() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Boolean>> tasks = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                tasks.add(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        Point point = new Point(thread, i, "t" + thread);
                        if (!point.equals(roundTrip(point))) {
                            return false;
                        }
                        List<Point> block = List.of(point, point);
                        if (!block.equals(serializer.deserializeBlock(serializer.serializeBlock(block)))) {
                            return false;
                        }
                    }
                    return true;
                });
            }
            for (Future<Boolean> result : pool.invokeAll(tasks)) {
                assertTrue(result.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void propertyAValueReadInPlaceFromAnyRangeEqualsTheValue() {
        qt().forAll(lists().of(strings().allPossible().ofLengthBetween(0, 20)).ofSizeBetween(0, 5),
                        integers().between(0, 7), integers().between(0, 7))
                .checkAssert((value, before, after) -> {
                    byte[] bytes = serializer.serialize(value);
                    byte[] framed = new byte[before + bytes.length + after];
                    Arrays.fill(framed, (byte) 0x7F);
                    System.arraycopy(bytes, 0, framed, before, bytes.length);
                    assertEquals(value, serializer.deserialize(framed, before, bytes.length));
                    if (after > 0) {
                        // One byte too many: the left-over byte is detected, not ignored.
                        assertThrows(SerializationException.class,
                                () -> serializer.deserialize(framed, before, bytes.length + 1));
                    }
                });
    }

    @Test
    void aRangeOutsideTheArrayIsRefused() {
        byte[] bytes = serializer.serialize("x");
        assertThrows(IndexOutOfBoundsException.class, () -> serializer.deserialize(bytes, 1, bytes.length));
        assertThrows(IndexOutOfBoundsException.class, () -> serializer.deserialize(bytes, -1, 2));
    }

    @Test
    void aFailureMidGraphDoesNotCorruptTheNextValuesOnTheSameThread() {
        String shared = new String("shared");
        List<Object> withSharedReferences = new ArrayList<>(List.of(new Point(1, 2, shared), new Point(3, 4, shared)));
        byte[] expected = new KryoSerializer().serialize(withSharedReferences);
        for (int i = 0; i < 3; i++) {
            // Fails after the first element is written, with references recorded.
            assertThrows(SerializationException.class,
                    () -> serializer.serialize(List.of(new Point(5, 6, shared), new ThreadHolder())));
            assertArrayEquals(expected, serializer.serialize(withSharedReferences));
            byte[] truncated = Arrays.copyOf(expected, expected.length - 1);
            assertThrows(SerializationException.class, () -> serializer.deserialize(truncated));
            List<Point> back = serializer.deserialize(expected);
            assertEquals(withSharedReferences, back);
            assertSame(back.get(0).label(), back.get(1).label());
        }
    }

    /** A value whose Kryo serializer calls back into the Sluice serializer on the same thread. */
    record Envelope(Object payload) {
    }

    @Test
    void aNestedCallOnTheSameThreadDoesNotDisturbTheOuterOne() {
        KryoSerializer[] self = new KryoSerializer[1];
        self[0] = new KryoSerializer(getClass().getClassLoader(), List.of(kryo -> kryo.register(Envelope.class,
                new com.esotericsoftware.kryo.Serializer<Envelope>() {
                    @Override
                    public void write(Kryo k, Output output, Envelope e) {
                        byte[] inner = self[0].serialize(e.payload());
                        output.writeVarInt(inner.length, true);
                        output.writeBytes(inner);
                    }

                    @Override
                    public Envelope read(Kryo k, Input input, Class<? extends Envelope> type) {
                        byte[] inner = input.readBytes(input.readVarInt(true));
                        return new Envelope(self[0].deserialize(inner));
                    }
                }, 200)));
        List<Object> value = List.of("before", new Envelope(new Point(7, 8, "inner")), "after", 42L);
        assertEquals(value, self[0].deserialize(self[0].serialize(value)));
    }

    @Test
    void aSerializerUsedOnALongLivedThreadCanBeCollected() {
        java.lang.ref.WeakReference<KryoSerializer> ref = useAndForget();
        for (int i = 0; i < 50 && ref.get() != null; i++) {
            System.gc();
        }
        // Its per-thread state must not keep it reachable from this (long-lived) thread.
        assertNull(ref.get(), "the serializer is still reachable after it was dropped");
    }

    private static java.lang.ref.WeakReference<KryoSerializer> useAndForget() {
        KryoSerializer s = new KryoSerializer();
        assertEquals("v", s.deserialize(s.serialize("v")));
        return new java.lang.ref.WeakReference<>(s);
    }
}
