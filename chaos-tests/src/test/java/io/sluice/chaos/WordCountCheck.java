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
        Map<String, Long> state;
        try {
            state = WordCountChaosApp.readState(out.resolve(WordCountChaosApp.STATE_FILE));
        } catch (NoSuchFileException e) {
            throw new AssertionError("the child printed [" + batchLine + "] but wrote no state file");
        }
        WordCountOracle.Check check = oracle.check(state);
        checks++;
        if (!check.exact()) {
            throw new AssertionError("the state is not the exact count of lines [0, " + check.lines() + "): "
                    + check.mismatch());
        }
        if (check.lines() > bound) {
            throw new AssertionError(check.lines() + " lines were counted but the source has only " + bound);
        }
        lastLines = check.lines();
        highWater = Math.max(highWater, check.lines());
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
