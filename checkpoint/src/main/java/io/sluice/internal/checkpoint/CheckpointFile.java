package io.sluice.internal.checkpoint;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * The binary format of one checkpoint metadata file, {@code checkpoint-<timeMs>}.
 *
 * <pre>
 *   offset  size  field
 *   0       4     magic 0x534C4350 ("SLCP")
 *   4       1     format version (1)
 *   5       8     timeMs, the batch time; must equal the time in the file name
 *   13      4     payload length n, in bytes
 *   17      n     payload (the engine's metadata bytes, opaque here)
 *   17+n    4     CRC32C of bytes [0, 17+n)
 * </pre>
 *
 * All integers are big-endian. A rule every future version must keep: the file starts with the
 * magic and the version byte, and ends with the CRC32C of everything before it. That lets a
 * reader tell a file of a newer, intact format (skipped, naming its version) from a corrupt one.
 *
 * <p>Stateless and thread-safe.
 */
final class CheckpointFile {

    /** "SLCP". */
    static final int MAGIC = 0x534C4350;
    static final byte VERSION = 1;
    static final int HEADER_BYTES = 4 + 1 + 8 + 4;
    static final int CRC_BYTES = 4;
    /** The largest payload whose file size still fits in an int. */
    static final int MAX_PAYLOAD_BYTES = Integer.MAX_VALUE - 8 - HEADER_BYTES - CRC_BYTES;

    private CheckpointFile() {
    }

    /**
     * Encodes one checkpoint file.
     *
     * @throws IllegalArgumentException if the payload is larger than {@link #MAX_PAYLOAD_BYTES}
     */
    static byte[] encode(long timeMs, byte[] payload) {
        Objects.requireNonNull(payload, "payload");
        if (payload.length > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("Checkpoint metadata of [" + payload.length
                    + "] bytes is larger than the maximum of [" + MAX_PAYLOAD_BYTES + "] bytes");
        }
        ByteBuffer buf = ByteBuffer.allocate(HEADER_BYTES + payload.length + CRC_BYTES);
        buf.putInt(MAGIC).put(VERSION).putLong(timeMs).putInt(payload.length).put(payload);
        buf.putInt(crc(buf.array(), buf.position()));
        return buf.array();
    }

    /**
     * Validates {@code file}, the whole content of the file named for {@code expectedTimeMs}, and
     * returns its payload, or the reason it is not a valid checkpoint. Never throws on bad input.
     */
    static Decoded decode(long expectedTimeMs, byte[] file) {
        if (file.length < HEADER_BYTES + CRC_BYTES) {
            return Decoded.invalid("truncated: [" + file.length + "] bytes, shorter than the ["
                    + (HEADER_BYTES + CRC_BYTES) + "]-byte header and checksum");
        }
        ByteBuffer buf = ByteBuffer.wrap(file);
        int magic = buf.getInt(0);
        if (magic != MAGIC) {
            return Decoded.invalid(String.format("bad magic [0x%08X], expected [0x%08X]: not a "
                    + "Sluice checkpoint file, or corrupt", magic, MAGIC));
        }
        boolean checksumMatches = crc(file, file.length - CRC_BYTES) == buf.getInt(file.length - CRC_BYTES);
        byte version = buf.get(4);
        if (version != VERSION) {
            // The version byte itself may be the corrupt one: only an intact file is called newer.
            return Decoded.invalid(checksumMatches
                    ? "written in format version [" + (version & 0xFF) + "], which this reader (version ["
                            + VERSION + "]) does not know: written by a newer Sluice?"
                    : "unknown format version [" + (version & 0xFF) + "] and bad checksum: corrupt");
        }
        int length = buf.getInt(13);
        long expectedSize = (long) HEADER_BYTES + length + CRC_BYTES;
        if (length < 0 || expectedSize > file.length) {
            return Decoded.invalid("truncated or corrupt: the header announces [" + length
                    + "] payload bytes, the file has room for [" + (file.length - HEADER_BYTES - CRC_BYTES) + "]");
        }
        if (expectedSize < file.length) {
            return Decoded.invalid("corrupt: [" + (file.length - expectedSize) + "] bytes after the checksum"
                    + " (the header announces [" + length + "] payload bytes)");
        }
        if (!checksumMatches) {
            return Decoded.invalid("bad checksum: the CRC32C of the content does not match the stored one");
        }
        long timeMs = buf.getLong(5);
        if (timeMs != expectedTimeMs) {
            return Decoded.invalid("holds the time [" + timeMs + "], not the [" + expectedTimeMs
                    + "] of its file name: renamed or copied by hand?");
        }
        byte[] payload = new byte[length];
        buf.get(HEADER_BYTES, payload);
        return new Decoded(payload, null);
    }

    private static int crc(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }

    /** Either a verified payload or the reason the file is invalid (exactly one is non-null). */
    record Decoded(byte[] payload, String invalidReason) {

        static Decoded invalid(String reason) {
            return new Decoded(null, reason);
        }

        boolean isValid() {
            return payload != null;
        }
    }
}
