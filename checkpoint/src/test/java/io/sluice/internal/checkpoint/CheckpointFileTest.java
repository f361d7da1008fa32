package io.sluice.internal.checkpoint;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

final class CheckpointFileTest {

    @Test
    void theLayoutIsAsDocumented() {
        byte[] file = CheckpointFile.encode(0x0102030405060708L, "ab".getBytes(UTF_8));
        assertEquals(4 + 1 + 8 + 4 + 2 + 4, file.length);
        assertArrayEquals(new byte[] {'S', 'L', 'C', 'P', 1, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 2, 'a', 'b'},
                Arrays.copyOf(file, file.length - 4));
    }

    @Test
    void eachKindOfDamageIsNamed() {
        byte[] good = CheckpointFile.encode(1000, "payload".getBytes(UTF_8));
        assertArrayEquals("payload".getBytes(UTF_8), CheckpointFile.decode(1000, good).payload());

        assertReason("truncated", CheckpointFile.decode(1000, Arrays.copyOf(good, 10)));
        assertReason("truncated or corrupt", CheckpointFile.decode(1000, Arrays.copyOf(good, good.length - 1)));
        assertReason("bytes after the checksum", CheckpointFile.decode(1000, Arrays.copyOf(good, good.length + 3)));
        byte[] badMagic = good.clone();
        badMagic[0] = 'X';
        assertReason("bad magic", CheckpointFile.decode(1000, badMagic));
        byte[] badVersion = good.clone();
        badVersion[4] = 9;
        assertReason("unknown format version [9] and bad checksum", CheckpointFile.decode(1000, badVersion));
        byte[] badPayload = good.clone();
        badPayload[CheckpointFile.HEADER_BYTES] ^= 1;
        assertReason("bad checksum", CheckpointFile.decode(1000, badPayload));
        assertReason("holds the time [1000], not the [2000]", CheckpointFile.decode(2000, good));
    }

    /** The law the fallback relies on: any single changed byte, and any cut, is detected. */
    @Test
    void everySingleByteChangeAndEveryTruncationIsDetected() {
        qt().withExamples(2000).forAll(integers().between(0, 300), longs().all(), integers().between(0, 1 << 20))
                .checkAssert((size, seed, where) -> {
                    Random random = new Random(seed);
                    byte[] payload = new byte[size];
                    random.nextBytes(payload);
                    byte[] file = CheckpointFile.encode(1000, payload);
                    assertArrayEquals(payload, CheckpointFile.decode(1000, file).payload());

                    byte[] changed = file.clone();
                    changed[where % file.length] ^= (byte) (1 + random.nextInt(255));
                    assertFalse(CheckpointFile.decode(1000, changed).isValid());
                    assertFalse(CheckpointFile.decode(1000, Arrays.copyOf(file, where % file.length)).isValid());
                });
    }

    private static void assertReason(String expected, CheckpointFile.Decoded decoded) {
        assertFalse(decoded.isValid());
        assertTrue(decoded.invalidReason().contains(expected), decoded.invalidReason());
    }
}
