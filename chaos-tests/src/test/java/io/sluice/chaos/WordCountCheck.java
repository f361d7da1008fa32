package io.sluice.chaos;

import io.sluice.examples.WordCountOracle;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The check of {@link WordCountChaosApp} as a {@link ChaosDriver.Checker}: after every batch the
 * state file holds exactly the word counts of source lines {@code [0, n)} for its line count n
 * (nothing lost, nothing counted twice, at every moment); finished when n is the whole source.
 */
final class WordCountCheck implements ChaosDriver.Checker {
    private final Path out;
    private final WordCountOracle oracle;
    private final long bound;
    private long highWater;
    private long lastLines;
    private long checks;

    WordCountCheck(Path out, long dataSeed, long bound) {
        this.out = out;
        this.oracle = new WordCountOracle(dataSeed);
        this.bound = bound;
    }

    @Override
    public void onBatch(long timeMs, String batchLine, int life) throws Exception {
        long lines;
        try {
            lines = exactLines();
        } catch (NoSuchFileException e) {
            throw new AssertionError("the child printed [" + batchLine + "] but wrote no state file");
        }
        checks++;
        lastLines = lines;
        highWater = Math.max(highWater, lines);
    }

    /**
     * Checks the state file as it is now (with the child gone, the state it left) and returns
     * its line count; throws AssertionError if it is not the exact count of a prefix of the source.
     */
    long checkStateFile() throws Exception {
        return exactLines();
    }

    private long exactLines() throws Exception {
        Map<String, Long> state = WordCountChaosApp.readState(out.resolve(WordCountChaosApp.STATE_FILE));
        WordCountOracle.Check check = oracle.check(state);
        if (!check.exact()) {
            throw new AssertionError("the state is not the exact count of lines [0, " + check.lines() + "): "
                    + check.mismatch());
        }
        if (check.lines() > bound) {
            throw new AssertionError(check.lines() + " lines were counted but the source has only " + bound);
        }
        return check.lines();
    }

    @Override
    public long linesSeen() {
        return highWater;
    }

    /** The line count of the latest batch checked. */
    long lastLines() {
        return lastLines;
    }

    /** How many batch states were checked. */
    long checks() {
        return checks;
    }

    @Override
    public boolean finished() {
        return highWater == bound;
    }
}
