package io.sluice.examples;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP source on 127.0.0.1 that can replay its data from any position, like a Kafka partition
 * or a file: the line at position {@code i} is a pure function of {@code (seed, i)}, so a
 * restarted server (or a second connection) serves exactly the same lines.
 *
 * <h2>Protocol</h2>
 * The client connects and sends {@code FROM <position>\n}; the server then streams
 * {@code <position>\t<line>\n} for every position from there on, up to the limit given at
 * construction (exclusive; {@link Long#MAX_VALUE} for an endless stream). At the limit it stays
 * connected and idle until the client closes. A malformed request gets {@code ERR <reason>\n} and
 * the connection is closed. Any number of clients may be connected at once; TCP flow control
 * makes the server wait for a slow client.
 *
 * <h2>Lines</h2>
 * Every line has {@link #WORDS_PER_LINE} words separated by one space, drawn from a fixed
 * vocabulary of {@link #VOCABULARY_SIZE} lowercase words with a skewed distribution (low word
 * indices are much more frequent), so word counts differ by orders of magnitude.
 * {@link #expectedCounts} computes the word counts of any range of positions directly: the
 * oracle a pipeline is checked against.
 *
 * <p>Thread-safe. {@link #close()} closes the listening socket and every connection.
 */
public final class ReplayableLineServer implements AutoCloseable {
    /** Words in every line. */
    public static final int WORDS_PER_LINE = 10;
    /** Distinct words the lines are drawn from. */
    public static final int VOCABULARY_SIZE = 1000;

    private static final String CONSONANTS = "bdfgklmnprstvz";
    private static final String VOWELS = "aeiou";
    private static final String[] VOCABULARY = buildVocabulary();
    private static final byte[][] VOCABULARY_BYTES = new byte[VOCABULARY_SIZE][];
    private static final Map<String, Integer> INDEX = new ConcurrentHashMap<>();

    static {
        for (int i = 0; i < VOCABULARY_SIZE; i++) {
            VOCABULARY_BYTES[i] = VOCABULARY[i].getBytes(StandardCharsets.US_ASCII);
            INDEX.put(VOCABULARY[i], i);
        }
    }

    private final long seed;
    private final long limit;
    private final ServerSocket serverSocket;
    private final Thread acceptor;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong linesServed = new AtomicLong();
    private final AtomicLong connectionsAccepted = new AtomicLong();
    private volatile boolean closed;

    /**
     * Starts serving on 127.0.0.1.
     *
     * @param port the port, or 0 for an ephemeral one (see {@link #port()})
     * @param seed the seed the lines are derived from
     * @param limit the number of lines (positions {@code 0 .. limit-1}); {@link Long#MAX_VALUE}
     *     for an endless stream
     * @throws IOException if the port cannot be bound
     */
    public ReplayableLineServer(int port, long seed, long limit) throws IOException {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, got " + limit);
        }
        this.seed = seed;
        this.limit = limit;
        this.serverSocket = new ServerSocket();
        serverSocket.setReuseAddress(true);
        serverSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        this.acceptor = new Thread(this::acceptLoop, "replayable-line-server-" + port());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** An endless server on an ephemeral port. */
    public ReplayableLineServer(long seed) throws IOException {
        this(0, seed, Long.MAX_VALUE);
    }

    /** The host the server listens on: {@code 127.0.0.1}. */
    public String host() {
        return serverSocket.getInetAddress().getHostAddress();
    }

    /** The port the server listens on. */
    public int port() {
        return serverSocket.getLocalPort();
    }

    /** The seed the lines are derived from. */
    public long seed() {
        return seed;
    }

    /** The number of lines served to a client starting at 0 (Long.MAX_VALUE if endless). */
    public long limit() {
        return limit;
    }

    /** Lines written to clients so far, over all connections (replays count again). */
    public long linesServed() {
        return linesServed.get();
    }

    /** Connections accepted so far. */
    public long connectionsAccepted() {
        return connectionsAccepted.get();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = serverSocket.accept();
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("ReplayableLineServer: accept failed: " + e);
                }
                return;
            }
            connectionsAccepted.incrementAndGet();
            connections.add(s);
            Thread t = new Thread(() -> serve(s), "replayable-line-server-conn-" + s.getPort());
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            s.setSoTimeout(30_000);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            String request = readRequestLine(in);
            long from;
            try {
                if (request == null || !request.startsWith("FROM ")) {
                    throw new IllegalArgumentException("expected FROM <position>, got " + request);
                }
                from = Long.parseLong(request.substring(5).trim());
                if (from < 0) {
                    throw new IllegalArgumentException("negative position " + from);
                }
            } catch (IllegalArgumentException e) {
                out.write(("ERR " + e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                return;
            }
            stream(out, from);
            // At the limit: stay open and idle until the client goes away or we close.
            s.setSoTimeout(0);
            while (!closed && in.read() >= 0) {
                // discard anything the client sends
            }
        } catch (SocketException | SocketTimeoutException e) {
            // the client went away, or close() closed the socket
        } catch (IOException e) {
            if (!closed) {
                System.err.println("ReplayableLineServer: connection failed: " + e);
            }
        } finally {
            connections.remove(s);
        }
    }

    private static String readRequestLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (b.size() > 100) {
                return null;
            }
            b.write(c);
        }
        return c < 0 ? null : b.toString(StandardCharsets.US_ASCII).trim();
    }

    /** Writes lines {@code from .. limit-1}, building the bytes by hand: no per-line String. */
    private void stream(OutputStream out, long from) throws IOException {
        byte[] buf = new byte[1 << 16];
        int n = 0;
        int[] words = new int[WORDS_PER_LINE];
        long served = 0;
        for (long i = from; i < limit && !closed; i++) {
            if (n > buf.length - 512) {
                out.write(buf, 0, n);
                n = 0;
                linesServed.addAndGet(served);
                served = 0;
            }
            n = writeDecimal(buf, n, i);
            buf[n++] = '\t';
            wordIndices(seed, i, words);
            for (int w = 0; w < WORDS_PER_LINE; w++) {
                if (w > 0) {
                    buf[n++] = ' ';
                }
                byte[] wb = VOCABULARY_BYTES[words[w]];
                System.arraycopy(wb, 0, buf, n, wb.length);
                n += wb.length;
            }
            buf[n++] = '\n';
            served++;
        }
        out.write(buf, 0, n);
        out.flush();
        linesServed.addAndGet(served);
    }

    private static int writeDecimal(byte[] buf, int n, long v) {
        if (v == 0) {
            buf[n++] = '0';
            return n;
        }
        int digits = 0;
        for (long x = v; x > 0; x /= 10) {
            digits++;
        }
        for (int d = digits - 1; d >= 0; d--) {
            buf[n + d] = (byte) ('0' + (v % 10));
            v /= 10;
        }
        return n + digits;
    }

    /** Stops accepting and closes every connection. Idempotent. */
    @Override
    public void close() {
        closed = true;
        try {
            serverSocket.close();
        } catch (IOException ignored) {
            // closing; nothing to do
        }
        for (Socket s : connections) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing; nothing to do
            }
        }
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- the data, as pure functions

    /**
     * Fills {@code out} (of length {@link #WORDS_PER_LINE}) with the vocabulary indices of the
     * words of line {@code position}: a SplitMix64 sequence seeded by (seed, position), each
     * index {@code floor(1000 * u^2)} for a uniform u, so word 0 is the most frequent.
     */
    public static void wordIndices(long seed, long position, int[] out) {
        long state = mix64(seed * 0x9E3779B97F4A7C15L + position) ^ position;
        for (int w = 0; w < out.length; w++) {
            state += 0x9E3779B97F4A7C15L;
            double u = (mix64(state) >>> 11) * 0x1.0p-53;
            out[w] = (int) (VOCABULARY_SIZE * u * u);
        }
    }

    /** The text of line {@code position} (without the position prefix). */
    public static String line(long seed, long position) {
        int[] words = new int[WORDS_PER_LINE];
        wordIndices(seed, position, words);
        StringBuilder sb = new StringBuilder(WORDS_PER_LINE * 5);
        for (int w = 0; w < WORDS_PER_LINE; w++) {
            if (w > 0) {
                sb.append(' ');
            }
            sb.append(VOCABULARY[words[w]]);
        }
        return sb.toString();
    }

    /** The word with vocabulary index {@code index}. */
    public static String word(int index) {
        return VOCABULARY[index];
    }

    /** The vocabulary index of {@code word}, or -1 if it is not a vocabulary word. */
    public static int indexOf(String word) {
        Integer i = INDEX.get(word);
        return i == null ? -1 : i;
    }

    /**
     * Adds the counts of the words of lines {@code fromInclusive .. toExclusive-1} to
     * {@code counts} (indexed by vocabulary index): the oracle, incrementally, with no
     * allocation per line.
     */
    public static void addCounts(long seed, long fromInclusive, long toExclusive, long[] counts) {
        int[] words = new int[WORDS_PER_LINE];
        for (long i = fromInclusive; i < toExclusive; i++) {
            wordIndices(seed, i, words);
            for (int w : words) {
                counts[w]++;
            }
        }
    }

    /**
     * The oracle: how many times each word occurs in lines {@code fromInclusive ..
     * toExclusive-1}, computed directly from the generator (words that do not occur are absent).
     */
    public static Map<String, Long> expectedCounts(long seed, long fromInclusive, long toExclusive) {
        long[] counts = new long[VOCABULARY_SIZE];
        addCounts(seed, fromInclusive, toExclusive, counts);
        Map<String, Long> m = new TreeMap<>();
        for (int i = 0; i < VOCABULARY_SIZE; i++) {
            if (counts[i] > 0) {
                m.put(VOCABULARY[i], counts[i]);
            }
        }
        return m;
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** 1000 distinct pronounceable words of two consonant-vowel syllables and a final consonant. */
    private static String[] buildVocabulary() {
        int syllables = CONSONANTS.length() * VOWELS.length(); // 70
        int space = syllables * syllables * CONSONANTS.length(); // 68600
        String[] v = new String[VOCABULARY_SIZE];
        Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < VOCABULARY_SIZE; i++) {
            // A multiplier coprime with the space spreads the words over it; distinct by construction.
            int k = (int) ((i * 7919L + 12345) % space);
            int s1 = k % syllables;
            int s2 = (k / syllables) % syllables;
            int c = k / (syllables * syllables);
            String w = "" + CONSONANTS.charAt(s1 / VOWELS.length()) + VOWELS.charAt(s1 % VOWELS.length())
                    + CONSONANTS.charAt(s2 / VOWELS.length()) + VOWELS.charAt(s2 % VOWELS.length())
                    + CONSONANTS.charAt(c);
            if (!seen.add(w)) {
                throw new AssertionError("Bug: vocabulary word " + w + " generated twice");
            }
            v[i] = w;
        }
        return v;
    }

    /**
     * Runs a server until killed: {@code ReplayableLineServer [port [seed [limit]]]} (defaults:
     * 9999, 42, endless).
     */
    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9999;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 42L;
        long limit = args.length > 2 ? Long.parseLong(args[2]) : Long.MAX_VALUE;
        try (ReplayableLineServer server = new ReplayableLineServer(port, seed, limit)) {
            System.out.println("Serving lines of seed " + seed + " on " + server.host() + ":" + server.port()
                    + "; send FROM <position> to read them");
            Thread.currentThread().join();
        }
    }
}
