package io.sluice;

import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.sluice.ExactlyOnceHarness.Crash;
import io.sluice.ExactlyOnceHarness.Fs;
import io.sluice.ExactlyOnceHarness.Pipeline;
import io.sluice.ExactlyOnceHarness.Result;
import io.sluice.ExactlyOnceHarness.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Property (DESIGN.md I4, I6): for a random pipeline (stateless, updateStateByKey, a window with
 * an inverse, mapWithState; random input, checkpoint interval and window) and a crash at a random
 * point (between batches; before, during or after a checkpoint write, the checkpoint then absent,
 * left as a partial temporary file, torn in place, or complete; after an output's write before
 * its commit marker, or after the marker before the batch is recorded), the outputs a recovered
 * run commits equal those of an uninterrupted run, each batch committed exactly once.
 */
class ExactlyOnceRecoveryPropertyTest {

    /** One example: the pipeline, the crash and the seed of the batch it hits. */
    record Case(Pipeline pipeline, Crash crash, int seed) {
        int crashBatch() {
            return ExactlyOnceHarness.crashBatch(pipeline, crash, seed);
        }

        @Override
        public String toString() {
            return pipeline + ", " + crash + " at batch " + crashBatch() * ExactlyOnceHarness.B;
        }
    }

    private static Gen<Case> cases() {
        Gen<List<List<String>>> input = lists().of(lists().of(integers().between(0, ExactlyOnceHarness.WORDS.size() - 1)
                .map(ExactlyOnceHarness.WORDS::get)).ofSizeBetween(0, 4)).ofSizeBetween(1, 6);
        Gen<Shape> shape = integers().between(0, Shape.values().length - 1).map(i -> Shape.values()[i]);
        Gen<Pipeline> pipeline = shape.zip(input, integers().between(1, 3), integers().between(2, 4), Pipeline::new);
        Gen<Crash> crash = integers().between(0, Crash.values().length - 1).map(i -> Crash.values()[i]);
        return pipeline.zip(crash, integers().between(0, 1000), Case::new);
    }

    @Test
    void aRecoveredRunCommitsExactlyTheOutputsOfAnUninterruptedOne() {
        qt().withExamples(10).withShrinkCycles(6).forAll(cases()).checkAssert(c -> {
            Result a;
            Result b;
            try {
                Path root = Files.createTempDirectory("exactly-once");
                try {
                    Fs fs = new Fs(root.toString(), new Configuration());
                    a = ExactlyOnceHarness.uninterrupted(c.pipeline(), fs);
                    b = ExactlyOnceHarness.crashed(c.pipeline(), fs, c.crash(), c.crashBatch());
                } finally {
                    ExactlyOnceHarness.deleteLocal(root);
                }
            } catch (Exception e) {
                throw new AssertionError("run failed for " + c + ": " + e, e);
            }
            ExactlyOnceHarness.assertSameCommittedOutput(c.pipeline(), a, b);
        });
    }
}
