package io.sluice.examples.ported;

import static io.sluice.examples.ported.PortedExamplesTestKit.BATCH;
import static io.sluice.examples.ported.PortedExamplesTestKit.at;
import static io.sluice.examples.ported.PortedExamplesTestKit.batchesOf;
import static io.sluice.examples.ported.PortedExamplesTestKit.manualConf;
import static io.sluice.examples.ported.PortedExamplesTestKit.runBatches;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.StreamingContext;
import io.sluice.examples.ported.PortedExamplesTestKit.CapturedOut;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class JavaJoinNetworkWordCountTest {

    /**
     * Every batch is joined with the static exclude list (a, an, the): the left outer join keeps
     * the other words, the inner join gives the dropped ones with their count and reason.
     */
    @Test
    void dropsTheWordsOfTheExcludeListFromEveryBatch() throws Exception {
        try (CapturedOut out = new CapturedOut();
             StreamingContext ssc = new StreamingContext(manualConf("JavaJoinNetworkWordCountTest"), BATCH)) {
            JavaJoinNetworkWordCount.countWords(ssc, ssc.queueStream(batchesOf(ssc, List.of(
                    List.of("the cat and a dog"),
                    List.of("a a", "the an"),
                    List.of("cat cat")))));
            ssc.start();
            runBatches(ssc, 3);

            assertEquals(Map.of(
                    at(1), List.of("(and,1)", "(cat,1)", "(dog,1)"),
                    at(2), List.of(),
                    at(3), List.of("(cat,2)")), out.printedBatches());
            assertEquals(Map.of(
                    at(1), List.of("(a,(1,article))", "(the,(1,article))"),
                    at(2), List.of("(a,(2,article))", "(an,(1,article))", "(the,(1,article))"),
                    at(3), List.of()), out.labelled("Dropped"));
        }
    }
}
