package io.sluice.internal.storage.wal;

import io.sluice.internal.storage.fault.FaultPoints;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;
import net.openhft.chronicle.bytes.Bytes;

/**
 * The framing of one WAL record inside its Chronicle Queue document.
 *
 * <pre>
 *   offset  size  field
 *   0       1     magic (0xA7)
 *   1       1     frame version (1)
 *   2       8     appendTimeMs, little-endian
 *   10      4     payload length, little-endian
 *   14      n     payload
 *   14+n    4     CRC32C of bytes [0, 14+n), little-endian
 * </pre>
 *
 * <p>The checksum covers the header too, so a flipped length or time is caught; the length must
 * also match the document's size exactly, so a truncated record is caught before its checksum
 * is even computed. Only after the checksum matches are magic and version trusted: a corrupt
 * version byte reads as corruption, a genuine newer version as an error to upgrade.
 *
 * <p>Not thread-safe: each instance keeps scratch buffers; use one per lock or thread.
 */
final class RecordFrame {

    static final byte MAGIC = (byte) 0xA7;
    static final byte VERSION = 1;
    static final int HEADER_BYTES = 1 + 1 + 8 + 4;
    static final int TRAILER_BYTES = 4;
    static final int OVERHEAD_BYTES = HEADER_BYTES + TRAILER_BYTES;

    private final ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer trailer = ByteBuffer.allocate(TRAILER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private final CRC32C crc = new CRC32C();

    /** Writes the frame of {@code payload} at the write position of {@code out}. */
    void write(Bytes<?> out, long appendTimeMs, byte[] payload) {
        header.clear();
        header.put(MAGIC).put(VERSION).putLong(appendTimeMs).putInt(payload.length);
        crc.reset();
        crc.update(header.array(), 0, HEADER_BYTES);
        crc.update(payload, 0, payload.length);
        trailer.clear();
        trailer.putInt((int) crc.getValue());
        out.write(header.array(), 0, HEADER_BYTES);
        FaultPoints.hit(FaultPoints.WAL_MID_APPEND);
        out.write(payload, 0, payload.length);
        out.write(trailer.array(), 0, TRAILER_BYTES);
    }

    /**
     * Reads the frame at the read position of {@code in}, which holds exactly one document.
     *
     * @return the record, or a {@link Decoded} whose {@code corruption} says what is wrong
     * @throws WalException if the record is intact but written by a newer Sluice
     */
    Decoded read(Bytes<?> in) {
        long size = in.readRemaining();
        if (size < OVERHEAD_BYTES) {
            return Decoded.corrupt("truncated: " + size + " bytes, less than a frame's "
                    + OVERHEAD_BYTES + "-byte overhead");
        }
        header.clear();
        in.read(header.array(), 0, HEADER_BYTES);
        int length = header.getInt(10);
        if (length < 0 || length != size - OVERHEAD_BYTES) {
            return Decoded.corrupt("truncated or corrupt: the length field says " + length
                    + " payload bytes, the document holds " + (size - OVERHEAD_BYTES));
        }
        byte[] payload = new byte[length];
        in.read(payload, 0, length);
        trailer.clear();
        in.read(trailer.array(), 0, TRAILER_BYTES);
        crc.reset();
        crc.update(header.array(), 0, HEADER_BYTES);
        crc.update(payload, 0, length);
        int expected = trailer.getInt(0);
        if ((int) crc.getValue() != expected) {
            return Decoded.corrupt("checksum mismatch (stored " + Integer.toHexString(expected)
                    + ", computed " + Integer.toHexString((int) crc.getValue()) + ")");
        }
        if (header.get(0) != MAGIC) {
            return Decoded.corrupt("not a Sluice WAL record (magic "
                    + Integer.toHexString(Byte.toUnsignedInt(header.get(0))) + ")");
        }
        int version = Byte.toUnsignedInt(header.get(1));
        if (version != VERSION) {
            throw new WalException("A WAL record has frame version [" + version + "]: it was "
                    + "written by a newer Sluice (this one reads version " + VERSION + "). Run"
                    + " the Sluice version that wrote the log, or a newer one");
        }
        return new Decoded(header.getLong(2), payload, null);
    }

    /** A decoded record, or the reason it could not be decoded. */
    record Decoded(long appendTimeMs, byte[] payload, String corruption) {
        static Decoded corrupt(String reason) {
            return new Decoded(-1, null, reason);
        }

        boolean isCorrupt() {
            return corruption != null;
        }
    }
}
