package io.sluice.internal.receiver;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits a byte stream into UTF-8 lines of at most {@code maxLineBytes} bytes, so a peer that
 * never sends a newline cannot make the receiver buffer without bound.
 *
 * <p>A line ends at {@code \n}; a {@code \r} just before it is dropped too, so {@code \r\n}
 * works; a last line without a newline is returned at end of stream. A line longer than the
 * limit (not counting its terminator) is skipped as it streams by, without being buffered, and
 * reported to the {@link OversizedLine} callback with its length; reading goes on with the next
 * line.
 *
 * <p>Not thread-safe: one reader per connection.
 */
public final class BoundedLineReader {

    /** Told about each line skipped for being too long. */
    @FunctionalInterface
    public interface OversizedLine {
        /** A line of {@code lengthBytes} bytes (more than the limit) was skipped. */
        void skipped(long lengthBytes);
    }

    private final InputStream in;
    private final int maxLineBytes;
    private final OversizedLine onOversized;
    private final byte[] chunk = new byte[64 * 1024];
    private int chunkPos;
    private int chunkEnd;
    private byte[] line = new byte[256];
    private int lineLen;
    private long skippingLength = -1;
    private byte lastSkippedByte;
    private boolean eof;

    /**
     * @throws IllegalArgumentException if {@code maxLineBytes < 1}
     */
    public BoundedLineReader(InputStream in, int maxLineBytes, OversizedLine onOversized) {
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be >= 1, got " + maxLineBytes);
        }
        this.in = in;
        this.maxLineBytes = maxLineBytes;
        this.onOversized = onOversized;
    }

    /**
     * The next line within the limit, without its terminator, or null at end of stream.
     *
     * @throws IOException if reading the stream fails
     */
    public String readLine() throws IOException {
        while (true) {
            if (chunkPos == chunkEnd) {
                if (eof) {
                    return finishAtEof();
                }
                int n = in.read(chunk, 0, chunk.length);
                if (n < 0) {
                    eof = true;
                    continue;
                }
                chunkPos = 0;
                chunkEnd = n;
            }
            int nl = -1;
            for (int i = chunkPos; i < chunkEnd; i++) {
                if (chunk[i] == '\n') {
                    nl = i;
                    break;
                }
            }
            int end = nl < 0 ? chunkEnd : nl;
            append(chunkPos, end - chunkPos);
            chunkPos = nl < 0 ? chunkEnd : nl + 1;
            if (nl >= 0) {
                String s = endLine();
                if (s != null) {
                    return s;
                }
            }
        }
    }

    private void append(int from, int len) {
        if (len == 0) {
            return;
        }
        if (skippingLength >= 0) {
            skippingLength += len;
            lastSkippedByte = chunk[from + len - 1];
            return;
        }
        // One byte over the limit is kept, so that a line ending in \r\n may be exactly the limit.
        if (lineLen + len > maxLineBytes + 1) {
            skippingLength = lineLen + len;
            lastSkippedByte = chunk[from + len - 1];
            lineLen = 0;
            if (line.length > 4096) {
                line = new byte[256];
            }
            return;
        }
        if (lineLen + len > line.length) {
            line = Arrays.copyOf(line, Math.min(maxLineBytes + 1, Math.max(lineLen + len, line.length * 2)));
        }
        System.arraycopy(chunk, from, line, lineLen, len);
        lineLen += len;
    }

    /** Ends the current line at a newline: the line, or null if it was skipped. */
    private String endLine() {
        if (skippingLength >= 0) {
            long len = skippingLength - (lastSkippedByte == '\r' ? 1 : 0);
            skippingLength = -1;
            onOversized.skipped(len);
            return null;
        }
        int len = lineLen;
        lineLen = 0;
        if (len > 0 && line[len - 1] == '\r') {
            len--;
        }
        if (len > maxLineBytes) {
            onOversized.skipped(len);
            return null;
        }
        return new String(line, 0, len, StandardCharsets.UTF_8);
    }

    private String finishAtEof() {
        if (skippingLength >= 0 || lineLen > 0) {
            chunkPos = chunkEnd;
            String s = endLine();
            if (s != null) {
                return s;
            }
        }
        return null;
    }
}
