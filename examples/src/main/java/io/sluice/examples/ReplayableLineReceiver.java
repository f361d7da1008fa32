package io.sluice.examples;

import io.sluice.Receiver;
import io.sluice.StorageLevel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An exactly-once receiver for a {@link ReplayableLineServer}: it asks the server for the lines
 * from the position its last durable block ended at, and stores them in blocks together with
 * the position after the block.
 *
 * <p>Why nothing is lost or duplicated: {@link #store(List, java.io.Serializable)} returns only
 * once the block and its position are durable in the write-ahead log, and the position is the
 * only acknowledgement this source needs. After a crash, {@link #lastDurablePosition()} is the
 * end of the last durable block, so the server is asked to replay exactly from there: lines
 * received but not yet durable are simply read again.
 *
 * <p>Blocks hold at most {@code maxLinesPerBlock} lines and are cut at least every
 * {@code maxBlockMillis}; an optional {@code maxLinesPerSecond} throttles the reading (like
 * Spark's {@code receiver.maxRate}), and the server then waits on TCP flow control. Records are
 * the lines' text, without the position prefix. Any error (connection refused or lost, a gap in
 * positions) restarts the receiver, which reconnects from the last durable position.
 */
public final class ReplayableLineReceiver extends Receiver<String> {
    private static final long serialVersionUID = 1L;

    private final String host;
    private final int port;
    private final int maxLinesPerBlock;
    private final long maxBlockMillis;
    private final long maxLinesPerSecond;
    private transient volatile Socket socket;
    private transient volatile Thread worker;

    /**
     * @param maxLinesPerBlock the most lines in one stored block (>= 1)
     * @param maxBlockMillis a block is stored once its first line is this old (>= 1)
     * @param maxLinesPerSecond the most lines read per second, or 0 for no limit
     */
    public ReplayableLineReceiver(String host, int port, int maxLinesPerBlock, long maxBlockMillis,
                                  long maxLinesPerSecond) {
        super(StorageLevel.MEMORY_AND_DISK_SER);
        if (maxLinesPerBlock < 1 || maxBlockMillis < 1 || maxLinesPerSecond < 0) {
            throw new IllegalArgumentException("need maxLinesPerBlock >= 1, maxBlockMillis >= 1 and "
                    + "maxLinesPerSecond >= 0, got " + maxLinesPerBlock + ", " + maxBlockMillis + ", "
                    + maxLinesPerSecond);
        }
        this.host = host;
        this.port = port;
        this.maxLinesPerBlock = maxLinesPerBlock;
        this.maxBlockMillis = maxBlockMillis;
        this.maxLinesPerSecond = maxLinesPerSecond;
    }

    /** Blocks of at most 10,000 lines or 50 ms, unthrottled. */
    public ReplayableLineReceiver(String host, int port) {
        this(host, port, 10_000, 50, 0);
    }

    @Override
    public void onStart() {
        Thread t = new Thread(this::receive, "replayable-line-receiver-" + host + ":" + port);
        t.setDaemon(true);
        worker = t;
        t.start();
    }

    @Override
    public void onStop() {
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing to unblock the reader; nothing to recover
            }
        }
        // Wait for the reading thread, so that a block it is storing now cannot become durable
        // after a restarted receiver has read lastDurablePosition(): that would replay it twice.
        Thread t = worker;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                System.err.println("ReplayableLineReceiver: the reading thread did not stop within 30 s");
            }
        }
    }

    private void receive() {
        long position = this.<Long>lastDurablePosition().orElse(0L);
        int perBlock = maxLinesPerBlock;
        if (maxLinesPerSecond > 0) {
            // Cut smaller blocks when throttled, so that the rate is smooth rather than bursty.
            perBlock = (int) Math.max(1, Math.min(perBlock, maxLinesPerSecond * maxBlockMillis / 1000));
        }
        try (Socket s = new Socket()) {
            socket = s;
            if (isStopped()) {
                return;
            }
            s.connect(new InetSocketAddress(host, port), 5_000);
            s.setTcpNoDelay(true);
            s.setSoTimeout((int) Math.min(maxBlockMillis, 50));
            OutputStream out = s.getOutputStream();
            out.write(("FROM " + position + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();

            byte[] buf = new byte[1 << 16];
            int start = 0;
            int end = 0;
            List<String> block = new ArrayList<>();
            long blockStartNanos = 0;
            final long throttleStartNanos = System.nanoTime();
            long storedSinceStart = 0;
            while (!isStopped()) {
                if (end == buf.length) {
                    if (start == 0) {
                        throw new IOException("a line longer than " + buf.length + " bytes from " + host + ":" + port);
                    }
                    System.arraycopy(buf, start, buf, 0, end - start);
                    end -= start;
                    start = 0;
                }
                int n;
                try {
                    n = in.read(buf, end, buf.length - end);
                } catch (SocketTimeoutException e) {
                    n = 0;
                }
                if (n < 0) {
                    if (!block.isEmpty() && !isStopped()) {
                        storeBlock(block, position);
                    }
                    restart("Server " + host + ":" + port + " closed the connection; reconnecting");
                    return;
                }
                int scan = end;
                end += n;
                for (int i = scan; i < end; i++) {
                    if (buf[i] != '\n') {
                        continue;
                    }
                    long linePosition = 0;
                    int j = start;
                    while (j < i && buf[j] != '\t') {
                        int d = buf[j] - '0';
                        if (d < 0 || d > 9) {
                            throw new IOException("malformed line from " + host + ":" + port + ": "
                                    + new String(buf, start, i - start, StandardCharsets.UTF_8));
                        }
                        linePosition = linePosition * 10 + d;
                        j++;
                    }
                    long expected = position + block.size();
                    if (j == i || j == start || linePosition != expected) {
                        throw new IOException("expected the line at position " + expected + " from " + host + ":"
                                + port + " but got: " + new String(buf, start, i - start, StandardCharsets.UTF_8));
                    }
                    if (block.isEmpty()) {
                        blockStartNanos = System.nanoTime();
                    }
                    block.add(new String(buf, j + 1, i - j - 1, StandardCharsets.ISO_8859_1));
                    start = i + 1;
                    if (block.size() >= perBlock) {
                        position = storeBlock(block, position);
                        storedSinceStart += perBlock;
                        block = new ArrayList<>();
                        throttle(throttleStartNanos, storedSinceStart);
                    }
                }
                if (start == end) {
                    start = 0;
                    end = 0;
                }
                if (!block.isEmpty() && System.nanoTime() - blockStartNanos >= maxBlockMillis * 1_000_000) {
                    storedSinceStart += block.size();
                    position = storeBlock(block, position);
                    block = new ArrayList<>();
                    throttle(throttleStartNanos, storedSinceStart);
                }
            }
        } catch (java.net.ConnectException e) {
            if (!isStopped()) {
                // Expected while the server is down: no stack trace, just try again later.
                restart("Cannot connect to " + host + ":" + port + " (" + e.getMessage() + "); retrying");
            }
        } catch (Throwable e) {
            if (!isStopped()) {
                restart("Error receiving from " + host + ":" + port + ": " + e, e);
            }
        } finally {
            socket = null;
        }
    }

    /** Stores the block durably; returns the position after it, which is now acknowledged. */
    private long storeBlock(List<String> block, long position) {
        long next = position + block.size();
        store(block, Long.valueOf(next));
        return next;
    }

    /** Sleeps as long as needed to stay under maxLinesPerSecond since {@code startNanos}. */
    private void throttle(long startNanos, long stored) throws InterruptedException {
        if (maxLinesPerSecond <= 0) {
            return;
        }
        long dueNanos = startNanos + stored * 1_000_000_000L / maxLinesPerSecond;
        long wait = dueNanos - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    @Override
    public String toString() {
        return "ReplayableLineReceiver(" + host + ":" + port + ")";
    }
}
