package io.sluice.examples.ported;

import static io.sluice.examples.ported.PortedExamplesTestKit.BATCH;
import static io.sluice.examples.ported.PortedExamplesTestKit.at;
import static io.sluice.examples.ported.PortedExamplesTestKit.batchesOf;
import static io.sluice.examples.ported.PortedExamplesTestKit.manualConf;
import static io.sluice.examples.ported.PortedExamplesTestKit.runBatches;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.StreamingContext;
import io.sluice.examples.ported.PortedExamplesTestKit.CapturedOut;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(180)
class JavaWindowedNetworkWordCountTest {

    /**
     * 60 one-second batches with words in batches 1, 5, 12, 25 and 35; the windows of 30 s end
     * every 10 s. Words leave the window 30 s after they came: the recomputed window drops
     * them, the incremental one (with an inverse function) keeps them with a count of 0, as in
     * Spark, unless its filter function drops them.
     */
    @Test
    void printsTheCountsOfTheLast30SecondsEvery10Seconds(@TempDir Path dir) throws Exception {
        List<List<String>> batches = new ArrayList<>();
        for (int i = 1; i <= 60; i++) {
            batches.add(switch (i) {
                case 1 -> List.of("a b");
                case 5 -> List.of("a c");
                case 12 -> List.of("b");
                case 25 -> List.of("a");
                case 35 -> List.of("c c");
                default -> List.of();
            });
        }
        try (CapturedOut out = new CapturedOut();
             StreamingContext ssc = new StreamingContext(manualConf("JavaWindowedNetworkWordCountTest"), BATCH)) {
            ssc.checkpoint(dir.resolve("checkpoint").toString());
            JavaWindowedNetworkWordCount.countWords(ssc.queueStream(batchesOf(ssc, batches)));
            ssc.start();
            runBatches(ssc, 60);

            assertEquals(Map.of(
                    at(10), List.of("(a,2)", "(b,1)", "(c,1)"),
                    at(20), List.of("(a,2)", "(b,2)", "(c,1)"),
                    at(30), List.of("(a,3)", "(b,2)", "(c,1)"),
                    at(40), List.of("(a,1)", "(b,1)", "(c,2)"),
                    at(50), List.of("(a,1)", "(c,2)"),
                    at(60), List.of("(c,2)")), out.labelled("Windowed word counts"));
            assertEquals(Map.of(
                    at(10), List.of("(a,2)", "(b,1)", "(c,1)"),
                    at(20), List.of("(a,2)", "(b,2)", "(c,1)"),
                    at(30), List.of("(a,3)", "(b,2)", "(c,1)"),
                    at(40), List.of("(a,1)", "(b,1)", "(c,2)"),
                    at(50), List.of("(a,1)", "(b,0)", "(c,2)"),
                    at(60), List.of("(a,0)", "(b,0)", "(c,2)")), out.labelled("Incremental word counts"));
            assertEquals(Map.of(
                    at(10), List.of("(a,2)", "(b,1)", "(c,1)"),
                    at(20), List.of("(a,2)", "(b,2)", "(c,1)"),
                    at(30), List.of("(a,3)", "(b,2)", "(c,1)"),
                    at(40), List.of("(a,1)", "(b,1)", "(c,2)"),
                    at(50), List.of("(a,1)", "(c,2)"),
                    at(60), List.of("(c,2)")), out.labelled("Non-zero word counts"));
            assertEquals(Map.of(
                    at(10), List.of("4"),
                    at(20), List.of("5"),
                    at(30), List.of("6"),
                    at(40), List.of("4"),
                    at(50), List.of("3"),
                    at(60), List.of("2")), out.labelled("Words in the window"));
        }
    }
}
