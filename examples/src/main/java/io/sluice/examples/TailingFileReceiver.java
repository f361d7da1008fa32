package io.sluice.examples;

import io.sluice.Receiver;
import io.sluice.StorageLevel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A reliable custom receiver, the one the README's guide walks through: it follows an
 * append-only text file (a log that another process appends lines to) and ingests every line
 * exactly once, across receiver restarts, context stops and {@code kill -9} with recovery.
 *
 * <p>The source position is the byte offset just after the last complete line stored. The
 * receiver stores lines in blocks with {@link #store(List, java.io.Serializable)}, giving the
 * offset after the block; the call returns once the block and its offset are durable in the
 * write-ahead log. It advances its own offset only after that, and on every start it reads the
 * file from {@link #lastDurablePosition()}: the offset after the last durable block. Lines read
 * but not durable when the receiver or the JVM died are simply read again; lines durable are
 * never read again. A partial last line (no newline yet) is left for later.
 *
 * <p>Errors are handled by the framework: a missing file or an I/O error restarts the
 * receiver, with growing delays while the error persists. A file that shrank below the durable
 * offset (truncated or replaced) cannot be resumed exactly: the receiver reports it and stops.
 */
public final class TailingFileReceiver extends Receiver<String> {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final int maxLinesPerBlock;
    private final long pollMillis;

    /**
     * @param file the file to follow (it may not exist yet)
     * @param maxLinesPerBlock the most lines per stored block (>= 1)
     * @param pollMillis how long to wait for new data at the end of the file (>= 1)
     */
    public TailingFileReceiver(String file, int maxLinesPerBlock, long pollMillis) {
        super(StorageLevel.MEMORY_AND_DISK_SER);
        if (maxLinesPerBlock < 1 || pollMillis < 1) {
            throw new IllegalArgumentException("need maxLinesPerBlock >= 1 and pollMillis >= 1, got "
                    + maxLinesPerBlock + ", " + pollMillis);
        }
        this.file = file;
        this.maxLinesPerBlock = maxLinesPerBlock;
        this.pollMillis = pollMillis;
    }

    @Override
    public void onStart() {
        // Return at once; the work happens on a thread of our own. Sluice stops and joins it
        // (onStop, then a bounded wait) before a restart runs onStart again, so the new thread's
        // lastDurablePosition() already includes everything the old thread stored.
        Thread t = new Thread(this::follow, "tail-" + Path.of(file).getFileName());
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void onStop() {
        // Nothing to release: the reading thread sees isStopped() within pollMillis and closes
        // the file itself.
    }

    private void follow() {
        long durable = this.<Long>lastDurablePosition().orElse(0L);
        try (FileChannel ch = FileChannel.open(Path.of(file), StandardOpenOption.READ)) {
            if (ch.size() < durable) {
                reportError("File " + file + " is shorter (" + ch.size() + " bytes) than the durable position "
                        + durable + ": it was truncated or replaced, so it cannot be resumed exactly", null);
                stop("source truncated");
                return;
            }
            ch.position(durable);
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            byte[] partial = new byte[0];      // bytes of a line whose newline has not arrived yet
            List<String> block = new ArrayList<>();
            long blockEnd = durable;           // file offset after the last complete line in block
            while (!isStopped()) {
                buf.clear();
                int n = ch.read(buf);
                if (n <= 0) {
                    if (!block.isEmpty()) {
                        storeDurably(block, blockEnd);
                        block = new ArrayList<>();
                    }
                    Thread.sleep(pollMillis);
                    continue;
                }
                byte[] data = concat(partial, buf.array(), n);
                long dataStart = blockEnd;     // the carried-over partial line starts where the last complete line ended
                int lineStart = 0;
                for (int i = 0; i < data.length; i++) {
                    if (data[i] != '\n') {
                        continue;
                    }
                    block.add(new String(data, lineStart, i - lineStart, StandardCharsets.UTF_8));
                    lineStart = i + 1;
                    blockEnd = dataStart + lineStart;
                    if (block.size() >= maxLinesPerBlock) {
                        storeDurably(block, blockEnd);
                        block = new ArrayList<>();
                    }
                }
                partial = java.util.Arrays.copyOfRange(data, lineStart, data.length);
            }
        } catch (NoSuchFileException e) {
            if (!isStopped()) {
                restart("Waiting for " + file + " to exist");
            }
        } catch (IOException e) {
            if (!isStopped()) {
                restart("Error reading " + file + ": " + e, e);
            }
        } catch (InterruptedException e) {
            // Interrupted by a stop that waited too long for this thread: just end.
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stores the block with the offset after it. When this returns, block and offset are durable
     * together: that is the acknowledgement. This source needs no other ack (the file keeps the
     * data), a source that does (a queue, a broker) would acknowledge here, after store returns.
     */
    private void storeDurably(List<String> block, long endOffset) {
        store(block, Long.valueOf(endOffset));
    }

    private static byte[] concat(byte[] a, byte[] b, int bLen) {
        byte[] out = new byte[a.length + bLen];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, bLen);
        return out;
    }

    @Override
    public String toString() {
        return "TailingFileReceiver(" + file + ")";
    }
}
