package io.sluice.benchmarks.endtoend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LineSourceTest {

    @Test
    void linesHaveTenWordsOfAboutOneHundredBytesFromTheVocabulary() {
        LineSource s = new LineSource(42);
        Set<String> words = new HashSet<>();
        for (int i = 0; i < 5_000; i++) {
            String[] w = s.line(i).split(" ");
            assertEquals(LineSource.WORDS_PER_LINE, w.length, s.line(i));
            words.addAll(List.of(w));
        }
        assertTrue(words.size() <= LineSource.VOCABULARY_SIZE, "words: " + words.size());
        double avg = s.averageLineBytes();
        assertTrue(avg > 90 && avg < 110, "average line length " + avg);
    }

    @Test
    void theSameSeedGivesTheSameLinesForBothEngines() {
        LineSource other = new LineSource(42);
        qt().forAll(longs().between(0, 10_000_000)).checkAssert(i ->
                assertEquals(other.line(i), LineSource.shared().line(i)));
    }

    @Test
    void pumpHandsOverConsecutiveLinesAndCreationTimesFollowTheSchedule() {
        LineSource s = new LineSource(7);
        s.setRate(1_000_000);
        List<String> got = new ArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        // Stop after the third block: no timing is asserted, only order and the schedule.
        s.pump(() -> calls.get() >= 3, 1, block -> {
            got.addAll(block);
            calls.incrementAndGet();
        });
        assertEquals(s.emitted(), got.size());
        for (int i = 0; i < got.size(); i++) {
            assertEquals(s.line(i), got.get(i));
        }
        // 1,000 lines per ms: line 1000 is due one ms after line 0 of the same segment.
        assertEquals(1.0, s.creationTimeMs(1000) - s.creationTimeMs(0), 1e-9);
        assertTrue(s.creationTimeMs(got.size() - 1) >= s.creationTimeMs(0));
    }
}
