package io.sluice.internal.receiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Line splitting with a length bound: short lines pass whole, long ones are skipped and reported. */
class BoundedLineReaderTest {

    /** An input stream that returns at most {@code chunk} bytes per read, as a slow socket does. */
    private static InputStream trickle(byte[] data, int chunk) {
        return new ByteArrayInputStream(data) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
    }

    private static List<String> readAll(BoundedLineReader r) throws IOException {
        List<String> out = new ArrayList<>();
        String l;
        while ((l = r.readLine()) != null) {
            out.add(l);
        }
        return out;
    }

    @Test
    void splitsOnNewlinesAndCrLfAndKeepsALastLineWithoutNewline() throws IOException {
        byte[] in = "a\r\nbb\n\nhéllo\nlast".getBytes(StandardCharsets.UTF_8);
        List<Long> skipped = new ArrayList<>();
        assertEquals(List.of("a", "bb", "", "héllo", "last"),
                readAll(new BoundedLineReader(new ByteArrayInputStream(in), 100, skipped::add)));
        assertEquals(List.of(), skipped);
    }

    @Test
    void skipsLinesOverTheLimitAndGoesOn() throws IOException {
        String big = "x".repeat(5_000_000);
        byte[] in = ("ok1\n" + big + "\nok2\n12345\n123456\r\n" + big).getBytes(StandardCharsets.UTF_8);
        List<Long> skipped = new ArrayList<>();
        assertEquals(List.of("ok1", "ok2", "12345"),
                readAll(new BoundedLineReader(new ByteArrayInputStream(in), 5, skipped::add)));
        assertEquals(List.of(5_000_000L, 6L, 5_000_000L), skipped, "the two big lines and the 6-byte one");
    }

    @Test
    void aLineOfExactlyTheLimitPassesWithOrWithoutCr() throws IOException {
        byte[] in = "12345\r\n12345\n".getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of("12345", "12345"),
                readAll(new BoundedLineReader(new ByteArrayInputStream(in), 5, n -> { throw new AssertionError(n); })));
    }

    /** Invariant: for any lines, limit and read sizes, the output is the lines within the limit, in order. */
    @Test
    void propertyKeepsExactlyTheLinesWithinTheLimit() {
        qt().withExamples(300).forAll(
                lists().of(strings().basicLatinAlphabet().ofLengthBetween(0, 40)).ofSizeBetween(0, 30),
                integers().between(1, 30), integers().between(1, 17)).checkAssert((raw, limit, chunk) -> {
            List<String> lines = raw.stream().map(s -> s.replace("\n", "").replace("\r", "")).toList();
            String text = lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
            List<String> expected = new ArrayList<>();
            List<Long> expectedSkipped = new ArrayList<>();
            for (String l : lines) {
                if (l.length() <= limit) {
                    expected.add(l);
                } else {
                    expectedSkipped.add((long) l.length());
                }
            }
            List<Long> skipped = new ArrayList<>();
            try {
                assertEquals(expected, readAll(new BoundedLineReader(
                        trickle(text.getBytes(StandardCharsets.UTF_8), chunk), limit, skipped::add)));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            assertEquals(expectedSkipped, skipped);
        });
    }
}
