package io.sluice.chaos;

import io.sluice.examples.ReplayableLineServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy in front of a {@link ReplayableLineServer} that repeats every line's position at
 * the start of its text: the server's {@code <position>\t<words>} becomes
 * {@code <position>\t<position> <words>}. The unchanged
 * {@link io.sluice.examples.ReplayableLineReceiver} still checks the positions and resumes from
 * the last durable one, and the records it stores (the text after the tab) now carry their
 * position, which the chaos applications read with {@link ChaosApps#position}.
 *
 * <p>Each client connection gets its own upstream connection; the request line
 * ({@code FROM <position>}) is passed on as it is. Closing either side closes both. Thread-safe;
 * {@link #close()} closes everything.
 */
final class PositionTaggingProxy implements AutoCloseable {
    private final String upstreamHost;
    private final int upstreamPort;
    private final ServerSocket serverSocket;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final java.util.List<String> requests = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private final boolean tag;

    PositionTaggingProxy(String upstreamHost, int upstreamPort) throws IOException {
        this(upstreamHost, upstreamPort, true);
    }

    /**
     * @param tag whether to repeat positions; without, the proxy passes lines on unchanged and
     *            only records the requests (see {@link #request})
     */
    PositionTaggingProxy(String upstreamHost, int upstreamPort, boolean tag) throws IOException {
        this.tag = tag;
        this.upstreamHost = upstreamHost;
        this.upstreamPort = upstreamPort;
        this.serverSocket = new ServerSocket();
        serverSocket.setReuseAddress(true);
        serverSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        Thread acceptor = new Thread(this::acceptLoop, "position-tagging-proxy-" + port());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String host() {
        return serverSocket.getInetAddress().getHostAddress();
    }

    int port() {
        return serverSocket.getLocalPort();
    }

    /** How many requests ({@code FROM <position>} lines) clients sent so far. */
    int requestCount() {
        return requests.size();
    }

    /** The request line of the {@code i}-th connection (0-based), as the client sent it. */
    String request(int i) {
        return requests.get(i);
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = serverSocket.accept();
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("PositionTaggingProxy: accept failed: " + e);
                }
                return;
            }
            sockets.add(client);
            Thread t = new Thread(() -> serve(client), "position-tagging-proxy-conn-" + client.getPort());
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Socket client) {
        Socket upstream = new Socket();
        sockets.add(upstream);
        try (client; upstream) {
            client.setTcpNoDelay(true);
            InputStream clientIn = client.getInputStream();
            String request = readLine(clientIn);
            if (request == null) {
                return;
            }
            requests.add(request);
            upstream.connect(new InetSocketAddress(upstreamHost, upstreamPort), 5_000);
            upstream.setTcpNoDelay(true);
            upstream.getOutputStream().write((request + "\n").getBytes(StandardCharsets.US_ASCII));
            upstream.getOutputStream().flush();
            // The client never sends more: its end of stream (or an error) means it went away.
            Thread watcher = new Thread(() -> {
                try {
                    while (clientIn.read() >= 0) {
                        // discard
                    }
                } catch (IOException ignored) {
                    // gone
                }
                closeQuietly(upstream);
                closeQuietly(client);
            }, "position-tagging-proxy-watch-" + client.getPort());
            watcher.setDaemon(true);
            watcher.start();
            if (tag) {
                pump(upstream.getInputStream(), client.getOutputStream());
            } else {
                upstream.getInputStream().transferTo(client.getOutputStream());
            }
        } catch (IOException e) {
            // either side went away, or close() closed the sockets
        } finally {
            sockets.remove(client);
            sockets.remove(upstream);
        }
    }

    /** Copies lines from {@code in} to {@code out}, repeating each line's position after the tab. */
    private static void pump(InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[1 << 16];
        ByteArrayOutputStream tagged = new ByteArrayOutputStream(1 << 17);
        int start = 0;
        int end = 0;
        while (true) {
            if (end == buf.length) {
                if (start == 0) {
                    throw new IOException("a line longer than " + buf.length + " bytes");
                }
                System.arraycopy(buf, start, buf, 0, end - start);
                end -= start;
                start = 0;
            }
            int n = in.read(buf, end, buf.length - end);
            if (n < 0) {
                return;
            }
            int scan = end;
            end += n;
            for (int i = scan; i < end; i++) {
                if (buf[i] != '\n') {
                    continue;
                }
                int tab = start;
                while (tab < i && buf[tab] != '\t') {
                    tab++;
                }
                if (tab == i) {
                    tagged.write(buf, start, i + 1 - start); // not a data line (ERR ...): as it is
                } else {
                    tagged.write(buf, start, tab + 1 - start); // "<position>\t"
                    tagged.write(buf, start, tab - start); // "<position>"
                    tagged.write(' ');
                    tagged.write(buf, tab + 1, i + 1 - (tab + 1)); // "<words>\n"
                }
                start = i + 1;
            }
            if (start == end) {
                start = 0;
                end = 0;
            }
            if (tagged.size() > 0) {
                tagged.writeTo(out);
                out.flush();
                tagged.reset();
            }
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (b.size() > 200) {
                return null;
            }
            b.write(c);
        }
        return c < 0 ? null : b.toString(StandardCharsets.US_ASCII).trim();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            serverSocket.close();
        } catch (IOException ignored) {
            // closing
        }
        for (Socket s : sockets) {
            closeQuietly(s);
        }
    }
}
