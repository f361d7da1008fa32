package io.sluice.internal.receiver;

import io.sluice.Receiver;
import io.sluice.StorageLevel;
import io.sluice.function.Function;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads records from a TCP socket, as Spark's socket receiver, and never dies of bad input.
 *
 * <ul>
 *   <li>Text mode ({@link #textLines}, behind {@code socketTextStream}): UTF-8 lines of at most
 *       {@code sluice.streaming.socket.maxLineLength} bytes; a longer line is skipped without
 *       being buffered, counted and reported to listeners ({@code onReceiverError}), and
 *       reading goes on with the next line.</li>
 *   <li>Converter mode ({@code socketStream}): the converter's iterator gives the records. A
 *       record it cannot produce (its {@code next()} or {@code hasNext()} throws anything but an
 *       I/O error) and a null record are malformed: counted, reported, skipped. If the iterator
 *       fails {@value #MAX_FAILURES_IN_A_ROW} times in a row it is taken to be broken and the
 *       connection is opened again.</li>
 *   <li>A refused, lost or closed connection restarts the receiver, which reconnects after the
 *       restart delay, growing with each failure in a row ({@link RestartBackoff}).</li>
 * </ul>
 * Records are stored one by one ({@link #store(Object)}), as in Spark: what was read but not
 * yet cut into a block when the JVM dies is lost, since a socket cannot replay.
 */
public final class SocketReceiver<T> extends Receiver<T> {
    private static final long serialVersionUID = 1L;

    /** Failures of a converter's iterator in a row after which the connection is reopened. */
    public static final int MAX_FAILURES_IN_A_ROW = 100;

    private final String host;
    private final int port;
    private final Function<InputStream, Iterable<T>> converter;
    private final int maxLineBytes;
    private final AtomicLong oversizedLines = new AtomicLong();
    private final AtomicLong malformedRecords = new AtomicLong();
    private transient volatile Socket socket;

    /** A receiver whose records {@code converter} reads from the socket's input stream. */
    public SocketReceiver(String host, int port, Function<InputStream, Iterable<T>> converter, StorageLevel level) {
        this(host, port, converter, 0, level);
    }

    private SocketReceiver(String host, int port, Function<InputStream, Iterable<T>> converter, int maxLineBytes,
                           StorageLevel level) {
        super(level);
        this.host = host;
        this.port = port;
        this.converter = converter;
        this.maxLineBytes = maxLineBytes;
    }

    /**
     * A receiver of UTF-8 lines of at most {@code maxLineBytes} bytes each.
     *
     * @throws IllegalArgumentException if {@code maxLineBytes < 1}
     */
    public static SocketReceiver<String> textLines(String host, int port, int maxLineBytes, StorageLevel level) {
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be >= 1, got " + maxLineBytes);
        }
        return new SocketReceiver<>(host, port, null, maxLineBytes, level);
    }

    /** Lines skipped for being longer than the limit, since this receiver was created. */
    public long oversizedLines() {
        return oversizedLines.get();
    }

    /** Malformed records skipped, since this receiver was created. */
    public long malformedRecords() {
        return malformedRecords.get();
    }

    @Override
    public void onStart() {
        Thread t = new Thread(this::receive, "sluice-socket-receiver-" + host + ":" + port);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void onStop() {
        Socket s = socket;
        socket = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing to unblock the reader; nothing to recover
            }
        }
    }

    private void receive() {
        try (Socket s = new Socket()) {
            socket = s;
            if (isStopped()) {
                return;
            }
            s.connect(new InetSocketAddress(host, port), 10_000);
            InputStream in = s.getInputStream();
            if (converter == null) {
                receiveLines(in);
            } else {
                receiveConverted(in);
            }
            if (!isStopped()) {
                restart("Socket " + host + ":" + port + " closed by the server");
            }
        } catch (java.net.ConnectException e) {
            if (!isStopped()) {
                // Expected while the server is down: no stack trace, the backoff paces retries.
                restart("Cannot connect to " + host + ":" + port + ": " + e.getMessage());
            }
        } catch (Throwable e) {
            if (!isStopped()) {
                restart("Error receiving from " + host + ":" + port + ": " + e, e);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void receiveLines(InputStream in) throws IOException {
        BoundedLineReader r = new BoundedLineReader(in, maxLineBytes, len -> {
            long n = oversizedLines.incrementAndGet();
            reportError("Skipped a line of " + len + " bytes from " + host + ":" + port + ", longer than"
                    + " sluice.streaming.socket.maxLineLength (" + maxLineBytes + " bytes); " + n
                    + " line(s) skipped so far. Raise the limit if such lines are legitimate", null);
        });
        String line;
        while (!isStopped() && (line = r.readLine()) != null) {
            store((T) (Object) line);
        }
    }

    private void receiveConverted(InputStream in) throws Exception {
        Iterator<T> it = converter.call(in).iterator();
        int failuresInARow = 0;
        while (!isStopped()) {
            T record;
            try {
                if (!it.hasNext()) {
                    return;
                }
                record = it.next();
            } catch (UncheckedIOException e) {
                throw e.getCause();
            } catch (RuntimeException e) {
                if (isStopped()) {
                    return;
                }
                if (causedByIo(e)) {
                    throw e;
                }
                malformed("the converter failed: " + e, e);
                if (++failuresInARow >= MAX_FAILURES_IN_A_ROW) {
                    throw new IOException("the converter of " + host + ":" + port + " failed " + failuresInARow
                            + " times in a row; reopening the connection", e);
                }
                continue;
            }
            failuresInARow = 0;
            if (record == null) {
                malformed("the converter returned a null record", null);
                continue;
            }
            store(record);
        }
    }

    private void malformed(String why, Throwable e) {
        long n = malformedRecords.incrementAndGet();
        reportError("Skipped a malformed record from " + host + ":" + port + ": " + why + "; " + n
                + " malformed record(s) so far", e);
    }

    private static boolean causedByIo(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof IOException) {
                return true;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "SocketReceiver(" + host + ":" + port + ")";
    }
}
