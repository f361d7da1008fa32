package io.sluice.internal.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

import io.sluice.Tuple2;
import io.sluice.internal.storage.serde.KryoSerializer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The in-memory copy of a batch's state partition gives back exactly the (key, state) pairs
 * appended, in order, whatever their sizes and however many chunks they take; and past its
 * budget it gives nothing, so that readers scan the store instead of reading a partial copy.
 */
class SerializedPartitionTest {
    private final KryoSerializer ser = new KryoSerializer();

    /** The store's key layout: a 4-byte partition number, then the serialized key. */
    private byte[] storeKey(Object key) {
        byte[] k = ser.serialize(key);
        byte[] r = new byte[4 + k.length];
        r[3] = 7;
        System.arraycopy(k, 0, r, 4, k.length);
        return r;
    }

    private List<Tuple2<Object, Object>> readBack(SerializedPartition p) {
        List<Tuple2<Object, Object>> out = new ArrayList<>();
        p.<Object, Object>iterator(ser).forEachRemaining(out::add);
        return out;
    }

    @Test
    void propertyWhatIsAppendedIsReadBackInOrder() {
        qt().withExamples(200).forAll(
                        lists().of(strings().allPossible().ofLengthBetween(0, 30)).ofSizeBetween(0, 60),
                        longs().all(),
                        integers().between(0, 3000))
                .checkAssert((keys, seed, bigValueBytes) -> {
                    SerializedPartition p = new SerializedPartition(Long.MAX_VALUE);
                    List<Tuple2<Object, Object>> expected = new ArrayList<>();
                    for (int i = 0; i < keys.size(); i++) {
                        // States of varied types and sizes: longs, and now and then a large string.
                        Object state = i % 5 == 4 ? "x".repeat(bigValueBytes) : seed + i;
                        p.add(storeKey(keys.get(i)), 4, ser.serialize(state));
                        expected.add(new Tuple2<>(keys.get(i), state));
                    }
                    SerializedPartition done = p.finish();
                    assertNotNull(done);
                    assertEquals(expected, readBack(done));
                    assertEquals(expected, readBack(done), "a second read gives the same");
                });
    }

    @Test
    void entriesSpanningSeveralChunksAndOneLargerThanAChunkReadBack() {
        SerializedPartition p = new SerializedPartition(Long.MAX_VALUE);
        List<Tuple2<Object, Object>> expected = new ArrayList<>();
        String medium = "m".repeat(100_000);
        for (int i = 0; i < 25; i++) {                                // about 2.5 chunks
            p.add(storeKey((long) i), 4, ser.serialize(medium + i));
            expected.add(new Tuple2<>((long) i, medium + i));
        }
        String huge = "h".repeat(3 * SerializedPartition.CHUNK_BYTES);
        p.add(storeKey(-1L), 4, ser.serialize(huge));
        expected.add(new Tuple2<>(-1L, huge));
        p.add(storeKey(-2L), 4, ser.serialize(0L));
        expected.add(new Tuple2<>(-2L, 0L));
        assertEquals(expected, readBack(p.finish()));
    }

    @Test
    void pastItsBudgetItIsAbandonedNotTruncated() {
        SerializedPartition p = new SerializedPartition(2L * SerializedPartition.CHUNK_BYTES);
        String medium = "m".repeat(100_000);
        for (int i = 0; i < 30; i++) {                                // about 3 chunks: over budget
            p.add(storeKey((long) i), 4, ser.serialize(medium));
        }
        assertNull(p.finish());
        assertNull(new SerializedPartition(0).finish(), "a zero budget keeps nothing");
        SerializedPartition empty = new SerializedPartition(1);
        Iterator<Tuple2<Object, Object>> it = empty.finish().iterator(ser);
        assertFalse(it.hasNext(), "an empty partition within budget reads as empty");
    }
}
