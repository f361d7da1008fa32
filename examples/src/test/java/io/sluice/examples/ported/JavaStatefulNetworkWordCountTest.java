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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class JavaStatefulNetworkWordCountTest {

    /**
     * mapWithState emits one record per word read, with the word's count so far, starting from
     * the initial state (hello, 1), (world, 1); a batch without data prints an empty block.
     */
    @Test
    void printsTheCumulativeCountOfEveryWordRead(@TempDir Path dir) throws Exception {
        try (CapturedOut out = new CapturedOut();
             StreamingContext ssc = new StreamingContext(manualConf("JavaStatefulNetworkWordCountTest"), BATCH)) {
            ssc.checkpoint(dir.resolve("checkpoint").toString());
            JavaStatefulNetworkWordCount.countWords(ssc, ssc.queueStream(batchesOf(ssc, List.of(
                    List.of("hello spark"),
                    List.of("spark streaming", "hello spark"),
                    List.of(),
                    List.of("world")))));
            ssc.start();
            runBatches(ssc, 4);

            assertEquals(Map.of(
                    at(1), List.of("(hello,2)", "(spark,1)"),
                    at(2), List.of("(hello,3)", "(spark,2)", "(spark,3)", "(streaming,1)"),
                    at(3), List.of(),
                    at(4), List.of("(world,2)")), out.printedBatches());
        }
    }
}
