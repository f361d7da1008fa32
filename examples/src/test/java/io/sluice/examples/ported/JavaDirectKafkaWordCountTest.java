package io.sluice.examples.ported;

import static io.sluice.examples.ported.PortedExamplesTestKit.BATCH;
import static io.sluice.examples.ported.PortedExamplesTestKit.at;
import static io.sluice.examples.ported.PortedExamplesTestKit.manualConf;
import static io.sluice.examples.ported.PortedExamplesTestKit.runBatches;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.RDD;
import io.sluice.StreamingContext;
import io.sluice.examples.ported.PortedExamplesTestKit.CapturedOut;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The ported Kafka word count's pipeline on batches of Kafka records (the direct stream itself is
 * tested against a real broker in the sources module).
 */
@Timeout(120)
class JavaDirectKafkaWordCountTest {

    @Test
    void printsTheWordCountsOfTheRecordValuesOfEveryBatch() throws Exception {
        try (CapturedOut out = new CapturedOut();
             StreamingContext ssc = new StreamingContext(manualConf("JavaDirectKafkaWordCountTest"), BATCH)) {
            Queue<RDD<ConsumerRecord<String, String>>> queue = new ConcurrentLinkedQueue<>();
            queue.add(ssc.parallelize(records("hello world", "hello"), 2));
            queue.add(ssc.parallelize(records(), 2));
            queue.add(ssc.parallelize(records("a b a"), 2));
            JavaDirectKafkaWordCount.countWords(ssc.queueStream(queue));
            ssc.start();
            runBatches(ssc, 3);

            assertEquals(Map.of(
                    at(1), List.of("(hello,2)", "(world,1)"),
                    at(2), List.of(),
                    at(3), List.of("(a,2)", "(b,1)")), out.printedBatches());
        }
    }

    private static List<ConsumerRecord<String, String>> records(String... values) {
        List<ConsumerRecord<String, String>> l = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            l.add(new ConsumerRecord<>("lines", 0, i, null, values[i]));
        }
        return l;
    }
}
