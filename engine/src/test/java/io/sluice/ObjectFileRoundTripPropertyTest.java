package io.sluice;

import static io.sluice.FileOutputTestKit.BATCH;
import static io.sluice.FileOutputTestKit.assertNoTemporaries;
import static io.sluice.FileOutputTestKit.manualConf;
import static io.sluice.FileOutputTestKit.runBatches;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Law: for any sequence of batches (any sizes, across the ten-record block boundary, and any
 * partitioning, empty partitions included), objectFile on the directory of batch t gives exactly
 * the partitions, and so the records in order, that the stream had at t.
 *
 * <p>One started context serves every example: each example queues its batches, advances the
 * manual clock past them and reads their directories back.
 */
class ObjectFileRoundTripPropertyTest {
    private static final Gen<List<String>> RECORDS =
            lists().of(strings().basicLatinAlphabet().ofLengthBetween(0, 6)).ofSizeBetween(0, 35);
    private static final Gen<Integer> PARTITIONS = integers().between(1, 4);
    /** A batch: its records and its number of partitions. */
    private static final Gen<Tuple2<List<String>, Integer>> BATCHES = RECORDS.zip(PARTITIONS, Tuple2::new);

    private static Path root;
    private static StreamingContext ssc;
    private static final Queue<RDD<String>> QUEUE = new ConcurrentLinkedQueue<>();
    private static long batches;

    @BeforeAll
    static void start() throws IOException {
        root = Files.createTempDirectory("sluice-object-property");
        ssc = new StreamingContext(manualConf("object-property"), BATCH);
        ssc.queueStream(QUEUE).saveAsObjectFiles(root.resolve("batch").toString(), "obj");
        ssc.start();
    }

    @AfterAll
    static void stop() throws IOException {
        ssc.stop();
        try (var walk = Files.walk(root)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void everyBatchReadsBackAsItWasWritten() {
        qt().withFixedSeed(0x0B1EC7L).withExamples(15)
                .forAll(lists().of(BATCHES).ofSizeBetween(1, 3))
                .checkAssert(example -> {
                    List<RDD<String>> written = new ArrayList<>();
                    for (Tuple2<List<String>, Integer> b : example) {
                        RDD<String> rdd = ssc.parallelize(b._1(), b._2());
                        written.add(rdd);
                        QUEUE.add(rdd);
                    }
                    long firstBatch = batches + 1;
                    try {
                        runBatches(ssc, example.size());
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    batches += example.size();
                    for (int i = 0; i < written.size(); i++) {
                        long timeMs = (firstBatch + i) * BATCH.toMillis();
                        RDD<String> back = ssc.objectFile(root.resolve("batch-" + timeMs + ".obj").toString());
                        assertEquals(written.get(i).glom().collect(), back.glom().collect(),
                                "partitions of batch " + timeMs);
                    }
                    try {
                        assertNoTemporaries(root);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }
}
