package io.sluice.examples;

import java.util.Map;

/**
 * Checks the state of a stateful word count over a {@link ReplayableLineServer} against the
 * counts computed directly from the generator.
 *
 * <p>The state maps every word to its count and {@link #LINES_KEY} to the number of lines
 * counted, P. Exactly-once processing of a source read from position 0 means the state equals
 * the word counts of lines {@code [0, P)}: a lost block would leave words short for their P, a
 * block counted twice would leave them over. {@link #check} says whether that holds.
 *
 * <p>The oracle is incremental (it extends its counts from the last P checked), so checking
 * every batch costs about as much as generating the batch's lines once. Not thread-safe.
 */
public final class WordCountOracle {
    /** The state key that counts lines; it cannot collide with a word (words are lowercase letters). */
    public static final String LINES_KEY = "__lines";

    private final long seed;
    private final long[] counts = new long[ReplayableLineServer.VOCABULARY_SIZE];
    private long upTo;

    /** An oracle for the lines of {@code seed}. */
    public WordCountOracle(long seed) {
        this.seed = seed;
    }

    /**
     * The outcome of one check.
     *
     * @param lines the lines counted (P, the state of {@link #LINES_KEY})
     * @param words the sum of all word counts
     * @param distinct the number of distinct words in the state
     * @param exact whether every word's count equals the oracle's for lines [0, P)
     * @param mismatch the first difference found, or null if exact
     */
    public record Check(long lines, long words, int distinct, boolean exact, String mismatch) {
    }

    /** Checks {@code state} (word -> count, plus {@link #LINES_KEY} -> lines). */
    public Check check(Map<String, Long> state) {
        Long linesValue = state.get(LINES_KEY);
        long lines = linesValue == null ? 0 : linesValue;
        if (lines < upTo) {
            java.util.Arrays.fill(counts, 0);
            upTo = 0;
        }
        ReplayableLineServer.addCounts(seed, upTo, lines, counts);
        upTo = lines;

        long words = 0;
        int distinct = 0;
        String mismatch = null;
        for (Map.Entry<String, Long> e : state.entrySet()) {
            if (e.getKey().equals(LINES_KEY)) {
                continue;
            }
            distinct++;
            long n = e.getValue();
            words += n;
            int i = ReplayableLineServer.indexOf(e.getKey());
            if (mismatch == null) {
                if (i < 0) {
                    mismatch = "unexpected word [" + e.getKey() + "] counted " + n + " times";
                } else if (counts[i] != n) {
                    mismatch = "word [" + e.getKey() + "] counted " + n + " times, expected " + counts[i]
                            + " for lines [0, " + lines + ")";
                }
            }
        }
        if (mismatch == null) {
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] > 0 && !state.containsKey(ReplayableLineServer.word(i))) {
                    mismatch = "word [" + ReplayableLineServer.word(i) + "] missing, expected " + counts[i]
                            + " for lines [0, " + lines + ")";
                    break;
                }
            }
        }
        if (mismatch == null && words != (long) ReplayableLineServer.WORDS_PER_LINE * lines) {
            mismatch = words + " words counted for " + lines + " lines, expected "
                    + (long) ReplayableLineServer.WORDS_PER_LINE * lines;
        }
        return new Check(lines, words, distinct, mismatch == null, mismatch);
    }
}
