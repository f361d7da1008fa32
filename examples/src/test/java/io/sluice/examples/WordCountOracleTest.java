package io.sluice.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class WordCountOracleTest {
    private static Map<String, Long> stateOf(long seed, long lines) {
        Map<String, Long> m = new TreeMap<>(ReplayableLineServer.expectedCounts(seed, 0, lines));
        m.put(WordCountOracle.LINES_KEY, lines);
        return m;
    }

    @Test
    void theExactStateOfEveryPrefixPasses() {
        WordCountOracle oracle = new WordCountOracle(9);
        for (long lines : new long[] {0, 1, 50, 2_000, 1_500, 3_000}) { // also going back, as after a recovery
            WordCountOracle.Check c = oracle.check(stateOf(9, lines));
            assertTrue(c.exact(), c.mismatch());
            assertEquals(lines, c.lines());
            assertEquals(lines * ReplayableLineServer.WORDS_PER_LINE, c.words());
        }
    }

    @Test
    void aLineCountedTwiceIsCaught() {
        Map<String, Long> state = stateOf(9, 1_000);
        ReplayableLineServer.expectedCounts(9, 400, 401).forEach((w, n) -> state.merge(w, n, Long::sum));
        state.put(WordCountOracle.LINES_KEY, 1_001L);
        WordCountOracle.Check c = new WordCountOracle(9).check(state);
        assertFalse(c.exact());
    }

    @Test
    void aLostLineIsCaught() {
        Map<String, Long> state = stateOf(9, 1_000);
        ReplayableLineServer.expectedCounts(9, 400, 401).forEach((w, n) -> state.merge(w, -n, Long::sum));
        state.values().removeIf(v -> v == 0);
        state.put(WordCountOracle.LINES_KEY, 999L);
        WordCountOracle.Check c = new WordCountOracle(9).check(state);
        assertFalse(c.exact());
    }
}
