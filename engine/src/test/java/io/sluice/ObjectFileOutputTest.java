package io.sluice;

import static io.sluice.FileOutputTestKit.BATCH;
import static io.sluice.FileOutputTestKit.assertNoTemporaries;
import static io.sluice.FileOutputTestKit.manualConf;
import static io.sluice.FileOutputTestKit.partFiles;
import static io.sluice.FileOutputTestKit.runBatches;
import static io.sluice.FileOutputTestKit.visibleEntries;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.internal.dstream.ObjectFileOutput;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.BytesWritable;
import org.apache.hadoop.io.NullWritable;
import org.apache.hadoop.io.SequenceFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** saveAsObjectFiles and objectFile: one SequenceFile directory per batch, read back exactly. */
class ObjectFileOutputTest {

    private static List<Integer> range(int from, int to) {
        return IntStream.range(from, to).boxed().toList();
    }

    @Test
    void eachBatchReadsBackExactlyItsRecordsAndPartitions(@TempDir Path root) throws Exception {
        List<Tuple2<String, Integer>> first = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            first.add(new Tuple2<>("k" + i, i));
        }
        List<Tuple2<String, Integer>> second = List.of(new Tuple2<>("solo", 1));
        String prefix = root.resolve("out").resolve("pairs").toString();
        try (StreamingContext ssc = new StreamingContext(manualConf("object-output"), BATCH)) {
            Queue<RDD<Tuple2<String, Integer>>> q = new ConcurrentLinkedQueue<>();
            ssc.queueStream(q).saveAsObjectFiles(prefix, "bin");
            q.add(ssc.parallelize(first, 2));
            q.add(ssc.parallelize(second, 3));
            ssc.start();
            runBatches(ssc, 2);

            assertEquals(List.of("pairs-1000.bin", "pairs-2000.bin"), visibleEntries(root.resolve("out")));
            RDD<Tuple2<String, Integer>> back1 = ssc.objectFile(prefix + "-1000.bin");
            assertEquals(first, back1.collect());
            assertEquals(2, back1.getNumPartitions(), "one partition per part file");
            assertEquals(ssc.parallelize(first, 2).glom().collect(), back1.glom().collect(),
                    "each part file holds its partition, in order");
            RDD<Tuple2<String, Integer>> back2 = ssc.objectFile(prefix + "-2000.bin");
            assertEquals(second, back2.collect());
            assertEquals(3, back2.getNumPartitions(), "empty partitions are written as empty part files");
            assertEquals(List.of("_SUCCESS", "part-00000", "part-00001", "part-00002"),
                    visibleEntries(root.resolve("out").resolve("pairs-2000.bin")));

            // A glob reads every batch, in path order.
            List<Tuple2<String, Integer>> all = new ArrayList<>(first);
            all.addAll(second);
            assertEquals(all, ssc.<Tuple2<String, Integer>>objectFile(prefix + "-*.bin").collect());
        }
        assertNoTemporaries(root);
    }

    @Test
    void valuesAreBlocksOfTenRecordsWithNullWritableKeys(@TempDir Path root) throws Exception {
        try (StreamingContext ssc = new StreamingContext(manualConf("object-format"), BATCH)) {
            ObjectFileOutput out = new ObjectFileOutput(root.resolve("f").toString(), "", new Configuration());
            out.write(ssc.parallelize(range(0, 25), 1), new Time(1000));
            Path part = root.resolve("f-1000").resolve("part-00000");
            List<Integer> blockSizes = new ArrayList<>();
            List<Object> records = new ArrayList<>();
            try (SequenceFile.Reader r = new SequenceFile.Reader(new Configuration(),
                    SequenceFile.Reader.file(new org.apache.hadoop.fs.Path(part.toUri())))) {
                assertEquals(NullWritable.class, r.getKeyClass());
                assertEquals(BytesWritable.class, r.getValueClass());
                assertEquals(SequenceFile.CompressionType.NONE, r.getCompressionType());
                BytesWritable v = new BytesWritable();
                while (r.next(NullWritable.get(), v)) {
                    List<Object> block = ssc.runtime().env().serializer().deserializeBlock(v.copyBytes());
                    blockSizes.add(block.size());
                    records.addAll(block);
                }
            }
            assertEquals(List.of(10, 10, 5), blockSizes, "blocks of ten records, as Spark groups them");
            assertEquals(new ArrayList<Object>(range(0, 25)), records);
        }
    }

    @Test
    void rewritingABatchReplacesItsDirectory(@TempDir Path root) throws Exception {
        try (StreamingContext ssc = new StreamingContext(manualConf("object-rerun"), BATCH)) {
            String prefix = root.resolve("re").toString();
            ObjectFileOutput out = new ObjectFileOutput(prefix, "obj", new Configuration());
            out.write(ssc.parallelize(range(0, 40), 4), new Time(1000));
            assertEquals(range(0, 40), ssc.objectFile(prefix + "-1000.obj").collect());

            // The re-run of batch 1000 after a recovery: other records, other partitioning.
            out.write(ssc.parallelize(range(100, 103), 1), new Time(1000));
            Path dir = root.resolve("re-1000.obj");
            assertEquals(range(100, 103), ssc.objectFile(dir.toString()).collect(), "replaced, not merged");
            assertEquals(1, partFiles(dir).size(), "no part file of the first run survives");
            assertEquals(List.of("re-1000.obj"), visibleEntries(root));
            assertNoTemporaries(root);
        }
    }

    @Test
    void nullsAndNestedCollectionsRoundTrip(@TempDir Path root) throws Exception {
        try (StreamingContext ssc = new StreamingContext(manualConf("object-values"), BATCH)) {
            List<Object> data = Arrays.asList("a", null, List.of(1, 2), new Tuple2<>("k", List.of("x")), 3.5);
            ObjectFileOutput out = new ObjectFileOutput(root.resolve("v").toString(), null, new Configuration());
            out.write(ssc.parallelize(data, 2), new Time(5000));
            assertEquals(data, ssc.objectFile(root.resolve("v-5000").toString()).collect());
        }
    }

    @Test
    void minPartitionsIsAHintThatDoesNotSplitSmallFiles(@TempDir Path root) throws Exception {
        try (StreamingContext ssc = new StreamingContext(manualConf("object-min"), BATCH)) {
            new ObjectFileOutput(root.resolve("m").toString(), "", new Configuration())
                    .write(ssc.parallelize(range(0, 30), 2), new Time(1000));
            RDD<Integer> back = ssc.objectFile(root.resolve("m-1000").toString(), 8);
            assertEquals(2, back.getNumPartitions());
            assertEquals(range(0, 30), back.collect());
            assertThrows(IllegalArgumentException.class, () -> ssc.objectFile(root.toString(), 0));
        }
    }

    @Test
    void readingAMissingPathOrAnotherFormatNamesThePath(@TempDir Path root) throws Exception {
        try (StreamingContext ssc = new StreamingContext(manualConf("object-errors"), BATCH)) {
            Path missing = root.resolve("nothing-here");
            SluiceException e = assertThrows(SluiceException.class, () -> ssc.objectFile(missing.toString()));
            assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("saveAsObjectFiles"), e.getMessage());

            Path text = root.resolve("text-1000");
            Files.createDirectories(text);
            Files.writeString(text.resolve("part-00000"), "just some text\n", StandardCharsets.UTF_8);
            RDD<Object> notObjects = ssc.objectFile(text.toString());
            SluiceException read = assertThrows(SluiceException.class, notObjects::collect);
            assertTrue(read.getMessage().contains("part-00000"), read.getMessage());
            assertTrue(read.getMessage().contains("saveAsObjectFiles"), read.getMessage());
        }
    }

    @Test
    void anUnwritablePrefixFailsTheBatchNamingThePath(@TempDir Path root) throws Exception {
        Path blocker = root.resolve("blocker");
        Files.writeString(blocker, "a regular file where a directory should be");
        String prefix = blocker.resolve("sub").resolve("objs").toString();
        try (StreamingContext ssc = new StreamingContext(manualConf("object-bad-path"), BATCH)) {
            Queue<RDD<Integer>> q = new ConcurrentLinkedQueue<>();
            ssc.queueStream(q).saveAsObjectFiles(prefix, "");
            q.add(ssc.parallelize(range(0, 3), 1));
            ssc.start();
            Time t = ssc.manualClock().advance(BATCH);
            SluiceException e = assertThrows(SluiceException.class,
                    () -> ssc.awaitBatchCompletion(t, java.time.Duration.ofSeconds(20)));
            Throwable cause = e.getCause();
            assertTrue(cause instanceof SluiceException, "cause: " + cause);
            String msg = cause.getMessage();
            assertTrue(msg.contains("[" + prefix + "-1000]"), msg);
            assertTrue(msg.contains("batch 1000 ms"), msg);
            assertTrue(msg.contains("saveAsObjectFiles") && msg.contains("writable"), msg);
        }
    }

    @Test
    void anEmptyPrefixIsRefusedAtDeclaration() throws Exception {
        try (StreamingContext ssc = new StreamingContext(manualConf("object-prefix"), BATCH)) {
            Queue<RDD<Integer>> q = new ConcurrentLinkedQueue<>();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ssc.queueStream(q).saveAsObjectFiles("", "bin"));
            assertTrue(e.getMessage().contains("saveAsObjectFiles"), e.getMessage());
        }
    }
}
