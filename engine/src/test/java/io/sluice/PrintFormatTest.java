package io.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** print() writes exactly what Spark Streaming's print() writes, so ported expected outputs stay valid. */
class PrintFormatTest {
    private static final Duration BATCH = Duration.ofSeconds(1);
    private static final String DASHES = "-------------------------------------------\n";

    private PrintStream original;
    private ByteArrayOutputStream captured;

    @BeforeEach
    void captureStdout() {
        original = System.out;
        captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreStdout() {
        System.setOut(original);
    }

    private String output() {
        System.out.flush();
        return captured.toString(StandardCharsets.UTF_8);
    }

    private static String header(long ms) {
        return DASHES + "Time: " + ms + " ms\n" + DASHES;
    }

    static SluiceConf manualConf() {
        return new SluiceConf(false).setMaster("local[2]").setAppName("print")
                .set("sluice.streaming.clock", "manual");
    }

    /** Runs {@code batches} batches of a queue stream of the given RDD contents, printing with {@code print}. */
    private <T> void run(List<List<T>> batches, int partitions, java.util.function.Consumer<DStream<T>> print)
            throws InterruptedException {
        try (StreamingContext ssc = new StreamingContext(manualConf(), BATCH)) {
            Queue<RDD<T>> q = new ConcurrentLinkedQueue<>();
            print.accept(ssc.queueStream(q));
            for (List<T> b : batches) {
                q.add(ssc.parallelize(b, partitions));
            }
            ssc.start();
            for (int i = 0; i < batches.size(); i++) {
                Time t = ssc.manualClock().advance(BATCH);
                assertTrue(ssc.awaitBatchCompletion(t, Duration.ofSeconds(10)));
            }
        }
    }

    @Test
    void tuplePrintsAsScalaDoes() {
        assertEquals("(a,1)", new Tuple2<>("a", 1).toString());
        assertEquals("(a,(b,2))", Tuple2.of("a", Tuple2.of("b", 2)).toString());
        assertEquals("(null,1)", new Tuple2<>(null, 1).toString());
        assertEquals("(1,a)", Tuple2.of("a", 1).swap().toString());
    }

    @Test
    void pairsOfOneBatch() throws Exception {
        run(List.of(List.of(Tuple2.of("a", 1), Tuple2.of("b", 2))), 2, DStream::print);
        assertEquals(header(1000) + "(a,1)\n(b,2)\n\n", output());
    }

    @Test
    void moreRecordsThanNumEndWithEllipsis() throws Exception {
        run(List.of(List.of("x", "y", "z")), 2, s -> s.print(2));
        assertEquals(header(1000) + "x\ny\n...\n\n", output());
    }

    @Test
    void exactlyNumRecordsHaveNoEllipsis() throws Exception {
        run(List.of(List.of("x", "y")), 2, s -> s.print(2));
        assertEquals(header(1000) + "x\ny\n\n", output());
    }

    @Test
    void defaultPrintsTenRecords() throws Exception {
        List<Integer> eleven = new ArrayList<>();
        StringBuilder expected = new StringBuilder(header(1000));
        for (int i = 0; i < 11; i++) {
            eleven.add(i);
            if (i < 10) {
                expected.append(i).append('\n');
            }
        }
        expected.append("...\n\n");
        run(List.of(eleven), 3, DStream::print);
        assertEquals(expected.toString(), output());
    }

    @Test
    void emptyBatchPrintsTheHeaderOnly() throws Exception {
        run(List.of(List.<String>of()), 2, DStream::print);
        assertEquals(header(1000) + "\n", output());
    }

    @Test
    void successiveBatchesPrintInOrder() throws Exception {
        run(List.of(List.of("a"), List.of("b", "c")), 1, DStream::print);
        assertEquals(header(1000) + "a\n\n" + header(2000) + "b\nc\n\n", output());
    }

    /** As in Spark, a batch with nothing queued still prints its header (queueStream gives an empty RDD). */
    @Test
    void batchWithAnEmptyQueuePrintsTheHeader() throws Exception {
        try (StreamingContext ssc = new StreamingContext(manualConf(), BATCH)) {
            Queue<RDD<String>> q = new ConcurrentLinkedQueue<>();
            ssc.queueStream(q).print();
            ssc.start();
            Time t = ssc.manualClock().advance(BATCH);
            assertTrue(ssc.awaitBatchCompletion(t, Duration.ofSeconds(10)));
        }
        assertEquals(header(1000) + "\n", output());
    }

    @Test
    void printOfAReducedPairStream() throws Exception {
        run(List.of(List.of("a", "a", "a")), 2, s -> s.mapToPair(w -> new Tuple2<>(w, 1)).reduceByKey(Integer::sum).print());
        assertEquals(header(1000) + "(a,3)\n\n", output());
    }
}
