package io.sluice.internal.receiver;

import io.sluice.Receiver;
import io.sluice.StorageLevel;
import io.sluice.function.Function;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Reads records from a TCP socket, as Spark's socket receiver: connects, turns the byte stream
 * into records with the converter, stores them one by one, and restarts (reconnects after the
 * restart delay) when the connection fails or the server closes it.
 */
public final class SocketReceiver<T> extends Receiver<T> {
    private static final long serialVersionUID = 1L;

    private final String host;
    private final int port;
    private final Function<InputStream, Iterable<T>> converter;
    private transient volatile Socket socket;

    public SocketReceiver(String host, int port, Function<InputStream, Iterable<T>> converter, StorageLevel level) {
        super(level);
        this.host = host;
        this.port = port;
        this.converter = converter;
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
            s.connect(new InetSocketAddress(host, port), 10_000);
            Iterator<T> it = converter.call(s.getInputStream()).iterator();
            while (!isStopped() && it.hasNext()) {
                store(it.next());
            }
            if (!isStopped()) {
                restart("Socket " + host + ":" + port + " closed by the server; reconnecting");
            }
        } catch (java.net.ConnectException e) {
            if (!isStopped()) {
                restart("Cannot connect to " + host + ":" + port + ": " + e.getMessage(), e);
            }
        } catch (Throwable e) {
            if (!isStopped()) {
                restart("Error receiving from " + host + ":" + port + ": " + e, e);
            }
        }
    }

    /** The converter of socketTextStream: UTF-8 lines. */
    public static Iterable<String> lines(InputStream in) {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        return () -> new Iterator<>() {
            private String next;
            private boolean done;

            @Override
            public boolean hasNext() {
                if (next != null) {
                    return true;
                }
                if (done) {
                    return false;
                }
                try {
                    next = r.readLine();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                done = next == null;
                return !done;
            }

            @Override
            public String next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                String s = next;
                next = null;
                return s;
            }
        };
    }
}
