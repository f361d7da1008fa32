package io.sluice.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReplayableLineServerTest {

    @Test
    void linesArePureFunctionsOfSeedAndPosition() {
        assertEquals(ReplayableLineServer.line(7, 123), ReplayableLineServer.line(7, 123));
        assertNotEquals(ReplayableLineServer.line(7, 123), ReplayableLineServer.line(8, 123));
        assertNotEquals(ReplayableLineServer.line(7, 123), ReplayableLineServer.line(7, 124));
        String[] words = ReplayableLineServer.line(7, 123).split(" ");
        assertEquals(ReplayableLineServer.WORDS_PER_LINE, words.length);
    }

    @Test
    void vocabularyHasDistinctLowercaseWords() {
        Set<String> words = new HashSet<>();
        for (int i = 0; i < ReplayableLineServer.VOCABULARY_SIZE; i++) {
            String w = ReplayableLineServer.word(i);
            assertTrue(w.matches("[a-z]+"), w);
            assertEquals(i, ReplayableLineServer.indexOf(w));
            words.add(w);
        }
        assertEquals(ReplayableLineServer.VOCABULARY_SIZE, words.size());
        assertEquals(-1, ReplayableLineServer.indexOf(WordCountOracle.LINES_KEY));
    }

    @Test
    void expectedCountsAreTheCountsOfTheLinesText() {
        Map<String, Long> byText = new HashMap<>();
        for (long i = 100; i < 600; i++) {
            for (String w : ReplayableLineServer.line(3, i).split(" ")) {
                byText.merge(w, 1L, Long::sum);
            }
        }
        Map<String, Long> oracle = ReplayableLineServer.expectedCounts(3, 100, 600);
        assertEquals(byText, oracle);
        assertEquals(500L * ReplayableLineServer.WORDS_PER_LINE,
                oracle.values().stream().mapToLong(Long::longValue).sum());
        // Skewed: the most frequent word is far more frequent than the median one.
        long median = oracle.getOrDefault(ReplayableLineServer.word(500), 1L);
        assertTrue(oracle.get(ReplayableLineServer.word(0)) > 10 * median);
    }

    @Test
    void servesFromTheRequestedPositionUpToTheLimitThenIdles() throws Exception {
        try (ReplayableLineServer server = new ReplayableLineServer(0, 11, 20);
             Socket s = connect(server, "FROM 15")) {
            BufferedReader r = reader(s);
            for (long i = 15; i < 20; i++) {
                assertEquals(i + "\t" + ReplayableLineServer.line(11, i), r.readLine());
            }
            s.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, r::readLine, "the server stays open and idle at its limit");
        }
    }

    @Test
    void servesSeveralClientsTheSameData() throws Exception {
        try (ReplayableLineServer server = new ReplayableLineServer(5);
             Socket a = connect(server, "FROM 1000");
             Socket b = connect(server, "FROM 1000")) {
            BufferedReader ra = reader(a);
            BufferedReader rb = reader(b);
            for (int i = 0; i < 5_000; i++) {
                String la = ra.readLine();
                assertEquals(la, rb.readLine());
                assertTrue(la.startsWith((1000 + i) + "\t"), la);
            }
            assertEquals(2, server.connectionsAccepted());
        }
    }

    @Test
    void rejectsAMalformedRequest() throws Exception {
        try (ReplayableLineServer server = new ReplayableLineServer(5);
             Socket s = connect(server, "GIMME 3")) {
            String reply = reader(s).readLine();
            assertTrue(reply.startsWith("ERR "), reply);
        }
    }

    private static Socket connect(ReplayableLineServer server, String request) throws IOException {
        Socket s = new Socket(server.host(), server.port());
        s.setSoTimeout(10_000);
        OutputStream out = s.getOutputStream();
        out.write((request + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return s;
    }

    private static BufferedReader reader(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
    }
}
