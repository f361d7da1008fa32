package io.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** socketTextStream against a server the test runs on 127.0.0.1. */
class SocketStreamTest {
    private static final Duration BATCH = Duration.ofSeconds(1);

    static SluiceConf conf() {
        return new SluiceConf(false).setMaster("local[2]").setAppName("socket")
                .set("sluice.streaming.clock", "manual")
                .set("sluice.streaming.receiverRestartDelay", "100ms");
    }

    /**
     * A line server: for each element of {@code connections} accepts one connection and writes
     * those lines; it closes every connection but the last, which stays open until the test ends.
     */
    private static final class LineServer implements AutoCloseable {
        final ServerSocket server;
        final List<CountDownLatch> written = new ArrayList<>();
        final List<Socket> open = new CopyOnWriteArrayList<>();
        final Thread thread;

        LineServer(List<List<String>> connections) throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
            for (int i = 0; i < connections.size(); i++) {
                written.add(new CountDownLatch(1));
            }
            thread = new Thread(() -> {
                try {
                    for (int i = 0; i < connections.size(); i++) {
                        Socket s = server.accept();
                        open.add(s);
                        OutputStream out = s.getOutputStream();
                        Writer w = new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8);
                        for (String line : connections.get(i)) {
                            w.write(line);
                            w.write('\n');
                        }
                        w.flush();
                        written.get(i).countDown();
                        if (i < connections.size() - 1) {
                            s.close();
                        }
                    }
                } catch (IOException e) {
                    // the test closed the server
                }
            }, "test-line-server");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return server.getLocalPort();
        }

        void awaitWritten(int connection) throws InterruptedException {
            assertTrue(written.get(connection).await(10, TimeUnit.SECONDS),
                    "connection " + connection + " was not accepted and written within 10 s");
        }

        @Override
        public void close() throws Exception {
            server.close();
            for (Socket s : open) {
                s.close();
            }
            thread.join(5_000);
        }
    }

    private static Map<String, Integer> expectedCounts(List<String> lines) {
        Map<String, Integer> m = new HashMap<>();
        for (String l : lines) {
            for (String w : l.split(" ")) {
                m.merge(w, 1, Integer::sum);
            }
        }
        return m;
    }

    /**
     * Generates batches until the summed counts equal {@code expected}: the receiver reads the
     * socket on its own thread, so the lines land in whichever batch follows their arrival.
     * Bounded by a 10 s deadline; the short pause gives the receiver thread time to read.
     */
    private static void runUntilCounted(StreamingContext ssc, Map<String, Integer> totals,
                                        Map<String, Integer> expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!totals.equals(expected) && System.nanoTime() < deadline) {
            Time t = ssc.manualClock().advance(BATCH);
            assertTrue(ssc.awaitBatchCompletion(t, Duration.ofSeconds(10)));
            if (!totals.equals(expected)) {
                Thread.sleep(5);
            }
        }
        assertEquals(expected, totals);
        // Nothing is counted twice afterwards.
        for (int i = 0; i < 3; i++) {
            Time t = ssc.manualClock().advance(BATCH);
            assertTrue(ssc.awaitBatchCompletion(t, Duration.ofSeconds(10)));
        }
        assertEquals(expected, totals);
    }

    private static Map<String, Integer> wordCount(StreamingContext ssc, int port) {
        Map<String, Integer> totals = new ConcurrentHashMap<>();
        ssc.socketTextStream("127.0.0.1", port)
                .flatMap(l -> Arrays.asList(l.split(" ")).iterator())
                .mapToPair(w -> new Tuple2<>(w, 1))
                .reduceByKey(Integer::sum)
                .foreachRDD(rdd -> PairRDD.fromRDD(rdd).collectAsMap().forEach((w, c) -> totals.merge(w, c, Integer::sum)));
        return totals;
    }

    @Test
    void countsTheWordsOfEveryLine() throws Exception {
        List<String> lines = List.of("a b a", "c", "b b", "héllo wörld", "a");
        try (LineServer server = new LineServer(List.of(lines));
             StreamingContext ssc = new StreamingContext(conf(), BATCH)) {
            Map<String, Integer> totals = wordCount(ssc, server.port());
            ssc.start();
            server.awaitWritten(0);
            runUntilCounted(ssc, totals, expectedCounts(lines));
        }
    }

    @Test
    void reconnectsWhenTheServerClosesTheConnection() throws Exception {
        List<String> first = List.of("x y", "x");
        List<String> second = List.of("y z", "z z");
        List<String> both = new ArrayList<>(first);
        both.addAll(second);
        try (LineServer server = new LineServer(List.of(first, second));
             StreamingContext ssc = new StreamingContext(conf(), BATCH)) {
            Map<String, Integer> totals = wordCount(ssc, server.port());
            List<String> errors = new CopyOnWriteArrayList<>();
            ssc.addStreamingListener(new StreamingListener() {
                @Override
                public void onReceiverError(ReceiverInfo info) {
                    errors.add(info.lastErrorMessage());
                }
            });
            ssc.start();
            server.awaitWritten(0);
            server.awaitWritten(1);    // the receiver came back after the server closed the first connection
            runUntilCounted(ssc, totals, expectedCounts(both));
            assertTrue(errors.stream().anyMatch(m -> m.contains("closed")), "restart reported: " + errors);
        }
    }

    @Test
    void retriesUntilTheServerAccepts() throws Exception {
        // Reserve a port, close it, start the context (connection refused), then listen on it.
        int port;
        try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            port = probe.getLocalPort();
        }
        CountDownLatch refused = new CountDownLatch(1);
        try (StreamingContext ssc = new StreamingContext(conf(), BATCH)) {
            Map<String, Integer> totals = wordCount(ssc, port);
            ssc.addStreamingListener(new StreamingListener() {
                @Override
                public void onReceiverError(ReceiverInfo info) {
                    refused.countDown();
                }
            });
            ssc.start();
            assertTrue(refused.await(10, TimeUnit.SECONDS), "a refused connection is reported");
            try (ServerSocket server = new ServerSocket(port, 50, InetAddress.getByName("127.0.0.1"))) {
                Thread accept = new Thread(() -> {
                    try (Socket s = server.accept()) {
                        s.getOutputStream().write("late line\n".getBytes(StandardCharsets.UTF_8));
                        s.getOutputStream().flush();
                        Thread.sleep(10_000);
                    } catch (IOException | InterruptedException e) {
                        // closed by the test
                    }
                });
                accept.setDaemon(true);
                accept.start();
                runUntilCounted(ssc, totals, Map.of("late", 1, "line", 1));
                accept.interrupt();
            }
        }
    }

    @Test
    void linesOverTheLimitAreSkippedCountedAndReportedAndReadingGoesOn() throws Exception {
        List<String> lines = List.of("short one", "x".repeat(100), "after it", "y".repeat(5000), "end");
        List<String> kept = List.of("short one", "after it", "end");
        try (LineServer server = new LineServer(List.of(lines));
             StreamingContext ssc = new StreamingContext(conf().set("sluice.streaming.socket.maxLineLength", "16"), BATCH)) {
            Map<String, Integer> totals = wordCount(ssc, server.port());
            List<ReceiverInfo> errors = new CopyOnWriteArrayList<>();
            ssc.addStreamingListener(new StreamingListener() {
                @Override
                public void onReceiverError(ReceiverInfo info) {
                    errors.add(info);
                }
            });
            ssc.start();
            server.awaitWritten(0);
            runUntilCounted(ssc, totals, expectedCounts(kept));
            List<String> messages = errors.stream().map(ReceiverInfo::lastErrorMessage).toList();
            assertEquals(2, messages.size(), messages.toString());
            assertTrue(messages.get(0).contains("line of 100 bytes") && messages.get(0).contains("1 line(s) skipped"),
                    messages.get(0));
            assertTrue(messages.get(1).contains("line of 5000 bytes") && messages.get(1).contains("2 line(s) skipped"),
                    messages.get(1));
            assertTrue(errors.stream().allMatch(ReceiverInfo::active), "the receiver kept running: " + errors);
        }
    }

    /** One integer per line; a line that is not a number fails next(), the line "null" gives a null record. */
    static Iterable<Integer> integers(java.io.InputStream in) {
        java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        return () -> new java.util.Iterator<>() {
            private String next;

            @Override
            public boolean hasNext() {
                if (next == null) {
                    try {
                        next = r.readLine();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
                return next != null;
            }

            @Override
            public Integer next() {
                hasNext();
                String line = next;
                next = null;
                return line.equals("null") ? null : Integer.valueOf(line);
            }
        };
    }

    @Test
    void malformedRecordsFromAConverterAreCountedAndReportedAndReadingGoesOn() throws Exception {
        List<String> lines = List.of("1", "2", "oops", "3", "null", "", "4");
        try (LineServer server = new LineServer(List.of(lines));
             StreamingContext ssc = new StreamingContext(conf(), BATCH)) {
            List<Integer> got = new CopyOnWriteArrayList<>();
            ssc.socketStream("127.0.0.1", server.port(), SocketStreamTest::integers, StorageLevel.MEMORY_ONLY)
                    .foreachRDD(rdd -> got.addAll(rdd.collect()));
            List<ReceiverInfo> errors = new CopyOnWriteArrayList<>();
            ssc.addStreamingListener(new StreamingListener() {
                @Override
                public void onReceiverError(ReceiverInfo info) {
                    errors.add(info);
                }
            });
            ssc.start();
            server.awaitWritten(0);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (got.size() < 4 && System.nanoTime() < deadline) {
                Time t = ssc.manualClock().advance(BATCH);
                assertTrue(ssc.awaitBatchCompletion(t, Duration.ofSeconds(10)));
                Thread.sleep(5);
            }
            assertEquals(List.of(1, 2, 3, 4), got);
            List<String> messages = errors.stream().map(ReceiverInfo::lastErrorMessage).toList();
            assertEquals(3, messages.size(), messages.toString());
            assertTrue(messages.get(0).contains("malformed record") && messages.get(0).contains("oops")
                    && messages.get(0).contains("1 malformed record(s) so far"), messages.get(0));
            assertTrue(messages.get(1).contains("null record"), messages.get(1));
            assertTrue(messages.get(2).contains("3 malformed record(s) so far"), messages.get(2));
            assertTrue(errors.get(0).lastError().orElseThrow() instanceof NumberFormatException);
            assertTrue(errors.stream().allMatch(ReceiverInfo::active), "the receiver kept running: " + errors);
        }
    }

    @Test
    void reconnectsWithGrowingDelaysWhileTheServerIsDown() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            port = probe.getLocalPort();
        }
        List<String> messages = new CopyOnWriteArrayList<>();
        CountDownLatch fiveRefused = new CountDownLatch(5);
        SluiceConf c = conf().set("sluice.streaming.receiverRestartDelay", "10ms")
                .set("sluice.streaming.receiver.restartBackoffMultiplier", "5")
                .set("sluice.streaming.receiver.maxRestartDelay", "1500ms");
        try (StreamingContext ssc = new StreamingContext(c, BATCH)) {
            wordCount(ssc, port);
            ssc.addStreamingListener(new StreamingListener() {
                @Override
                public void onReceiverError(ReceiverInfo info) {
                    messages.add(info.lastErrorMessage());
                    fiveRefused.countDown();
                }
            });
            ssc.start();
            assertTrue(fiveRefused.await(20, TimeUnit.SECONDS), "five refused connections reported: " + messages);
        }
        List<String> firstFive = messages.subList(0, 5);
        List<String> delays = firstFive.stream()
                .map(m -> m.replaceAll(".*restarting in (\\d+) ms.*", "$1")).toList();
        assertEquals(List.of("10", "50", "250", "1250", "1500"), delays, firstFive.toString());
        assertTrue(firstFive.stream().allMatch(m -> m.contains("Cannot connect to 127.0.0.1:" + port)), firstFive.toString());
    }
}
