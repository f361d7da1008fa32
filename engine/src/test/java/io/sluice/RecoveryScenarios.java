package io.sluice;

import io.sluice.ExactlyOnceHarness.Crash;
import io.sluice.ExactlyOnceHarness.Fs;
import io.sluice.ExactlyOnceHarness.Pipeline;
import io.sluice.ExactlyOnceHarness.Result;
import io.sluice.ExactlyOnceHarness.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The recovery scenarios every checkpoint filesystem must pass: a stateful word count, a
 * windowed count with an inverse, mapWithState with a timeout, and a plain per-batch count, each
 * writing through a {@link TransactionalFileSink} on the same filesystem as its checkpoints. Each
 * is abandoned at a random batch (seeded, the seed in the failure message) as a crash would
 * leave it, between batches or in the middle of its output commit, recovered with
 * {@link StreamingContext#getOrCreate}, and run to the end: the committed output equals that of
 * an uninterrupted run, every batch committed exactly once. {@code -Dsluice.test.recoverySeed=N}
 * replays a failure's seed.
 *
 * <p>Subclasses give the filesystem: {@code file://} ({@link RecoveryScenariosLocalTest}) and
 * a MiniDFSCluster ({@link RecoveryScenariosHdfsTest}).
 */
abstract class RecoveryScenarios {
    private static final Crash[] CRASHES = {Crash.AFTER_BATCH, Crash.BEFORE_COMMIT, Crash.AFTER_COMMIT};

    /** The filesystem under test, with a fresh root directory. */
    abstract Fs fs() throws Exception;

    /** Where the uninterrupted reference run goes (its output does not depend on the filesystem). */
    Fs referenceFs() throws Exception {
        return fs();
    }

    private static List<List<String>> input(Random random, int batches) {
        List<List<String>> in = new ArrayList<>();
        for (int j = 0; j < batches; j++) {
            List<String> b = new ArrayList<>();
            int n = random.nextInt(4);
            for (int i = 0; i < n; i++) {
                b.add(ExactlyOnceHarness.WORDS.get(random.nextInt(ExactlyOnceHarness.WORDS.size())));
            }
            in.add(b);
        }
        return in;
    }

    private void scenario(Shape shape) throws Exception {
        long seed = Long.getLong("sluice.test.recoverySeed", System.nanoTime());
        Random random = new Random(seed);
        Pipeline p = new Pipeline(shape, input(random, 6), 2 + random.nextInt(2), 3);
        Crash crash = CRASHES[random.nextInt(CRASHES.length)];
        int k = 1 + random.nextInt(p.total());
        Result a = ExactlyOnceHarness.uninterrupted(p, referenceFs());
        Result b;
        try {
            b = ExactlyOnceHarness.crashed(p, fs(), crash, k);
        } catch (AssertionError | Exception e) {
            throw new AssertionError("seed " + seed + ": " + crash + " at batch " + k + " of " + p + ": " + e, e);
        }
        try {
            ExactlyOnceHarness.assertSameCommittedOutput(p, a, b);
        } catch (AssertionError e) {
            throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
        }
    }

    @Test
    void statefulWordCount() throws Exception {
        scenario(Shape.UPDATE_STATE_BY_KEY);
    }

    @Test
    void windowedCountWithInverse() throws Exception {
        scenario(Shape.WINDOW_WITH_INVERSE);
    }

    @Test
    void mapWithStateWithTimeout() throws Exception {
        scenario(Shape.MAP_WITH_STATE);
    }

    @Test
    void perBatchCountThroughTheTransactionalOutput() throws Exception {
        scenario(Shape.STATELESS);
    }
}
