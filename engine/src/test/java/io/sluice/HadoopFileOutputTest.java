package io.sluice;

import static io.sluice.FileOutputTestKit.BATCH;
import static io.sluice.FileOutputTestKit.assertNoTemporaries;
import static io.sluice.FileOutputTestKit.manualConf;
import static io.sluice.FileOutputTestKit.partFiles;
import static io.sluice.FileOutputTestKit.runBatches;
import static io.sluice.FileOutputTestKit.visibleEntries;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.internal.dstream.HadoopFileOutput;
import io.sluice.internal.dstream.NewAPIHadoopFileOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.IntWritable;
import org.apache.hadoop.io.SequenceFile;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;
import org.apache.hadoop.mapreduce.lib.output.SequenceFileOutputFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * saveAsHadoopFiles (old mapred API) and saveAsNewAPIHadoopFiles (new mapreduce API): the output
 * format driven through its committer into one directory per batch, committed by batch time.
 */
class HadoopFileOutputTest {
    private static final List<Tuple2<String, Integer>> FIRST =
            List.of(new Tuple2<>("a", 1), new Tuple2<>("bb", 2), new Tuple2<>("ccc", 3));
    private static final List<Tuple2<String, Integer>> SECOND = List.of(new Tuple2<>("dddd", 4));

    /** The lines of every part file of {@code dir}, part after part. */
    private static List<String> lines(Path dir) throws IOException {
        List<String> all = new ArrayList<>();
        for (Path p : partFiles(dir)) {
            all.addAll(Files.readAllLines(p, StandardCharsets.UTF_8));
        }
        return all;
    }

    /** The (key, value) pairs of every SequenceFile part of {@code dir}, as strings. */
    private static List<String> sequencePairs(Path dir, Class<?> keyClass, Class<?> valueClass) throws IOException {
        List<String> all = new ArrayList<>();
        Configuration conf = new Configuration();
        for (Path p : partFiles(dir)) {
            try (SequenceFile.Reader r = new SequenceFile.Reader(conf,
                    SequenceFile.Reader.file(new org.apache.hadoop.fs.Path(p.toUri())))) {
                assertEquals(keyClass, r.getKeyClass(), "key class of " + p);
                assertEquals(valueClass, r.getValueClass(), "value class of " + p);
                Text k = new Text();
                IntWritable v = new IntWritable();
                while (r.next(k, v)) {
                    all.add(k + "=" + v);
                }
            }
        }
        return all;
    }

    /** The stream of FIRST then SECOND, as Writables. */
    private static PairDStream<Text, IntWritable> writables(StreamingContext ssc) {
        Queue<RDD<Tuple2<String, Integer>>> q = new ConcurrentLinkedQueue<>();
        q.add(ssc.parallelize(FIRST, 2));
        q.add(ssc.parallelize(SECOND, 3));
        return ssc.queueStream(q).mapToPair(kv -> new Tuple2<>(new Text(kv._1()), new IntWritable(kv._2())));
    }

    private static RDD<Tuple2<Text, IntWritable>> writableRDD(StreamingContext ssc, List<Tuple2<String, Integer>> data,
                                                              int partitions) {
        return ssc.parallelize(data, partitions).map(kv -> new Tuple2<>(new Text(kv._1()), new IntWritable(kv._2())));
    }

    @Test
    void oldApiTextOutputFormatWritesKeyTabValuePerBatch(@TempDir Path root) throws Exception {
        Path out = root.resolve("out");
        try (StreamingContext ssc = new StreamingContext(manualConf("mapred-text"), BATCH)) {
            writables(ssc).saveAsHadoopFiles(out.resolve("counts").toString(), "txt", Text.class, IntWritable.class,
                    org.apache.hadoop.mapred.TextOutputFormat.class);
            ssc.start();
            runBatches(ssc, 2);
        }
        assertEquals(List.of("counts-1000.txt", "counts-2000.txt"), visibleEntries(out));
        assertEquals(List.of("_SUCCESS", "part-00000", "part-00001"), visibleEntries(out.resolve("counts-1000.txt")),
                "files named as Spark's saveAsHadoopFile names them, one per partition");
        assertEquals(List.of("a\t1", "bb\t2", "ccc\t3"), lines(out.resolve("counts-1000.txt")));
        assertEquals(List.of("_SUCCESS", "part-00000", "part-00001", "part-00002"),
                visibleEntries(out.resolve("counts-2000.txt")));
        assertEquals(List.of("dddd\t4"), lines(out.resolve("counts-2000.txt")));
        assertNoTemporaries(root);
    }

    @Test
    void oldApiJobConfIsHonouredAndCopiedAtDeclaration(@TempDir Path root) throws Exception {
        Path out = root.resolve("out");
        JobConf conf = new JobConf();
        conf.set("mapreduce.output.textoutputformat.separator", ",");
        try (StreamingContext ssc = new StreamingContext(manualConf("mapred-jobconf"), BATCH)) {
            writables(ssc).saveAsHadoopFiles(out.resolve("csv").toString(), "", Text.class, IntWritable.class,
                    org.apache.hadoop.mapred.TextOutputFormat.class, conf);
            conf.set("mapreduce.output.textoutputformat.separator", "|");
            ssc.start();
            runBatches(ssc, 1);
        }
        assertEquals(List.of("a,1", "bb,2", "ccc,3"), lines(out.resolve("csv-1000")));
    }

    @Test
    void oldApiSequenceFileOutputFormatReadsBackWithSequenceFileReader(@TempDir Path root) throws Exception {
        Path out = root.resolve("out");
        try (StreamingContext ssc = new StreamingContext(manualConf("mapred-seq"), BATCH)) {
            writables(ssc).saveAsHadoopFiles(out.resolve("seq").toString(), "", Text.class, IntWritable.class,
                    org.apache.hadoop.mapred.SequenceFileOutputFormat.class, new JobConf());
            ssc.start();
            runBatches(ssc, 2);
        }
        assertEquals(List.of("a=1", "bb=2", "ccc=3"), sequencePairs(out.resolve("seq-1000"), Text.class, IntWritable.class));
        assertEquals(List.of("dddd=4"), sequencePairs(out.resolve("seq-2000"), Text.class, IntWritable.class));
        assertNoTemporaries(root);
    }

    @Test
    void newApiTextOutputFormatWritesPartRFilesPerBatch(@TempDir Path root) throws Exception {
        Path out = root.resolve("out");
        try (StreamingContext ssc = new StreamingContext(manualConf("mapreduce-text"), BATCH)) {
            writables(ssc).saveAsNewAPIHadoopFiles(out.resolve("counts").toString(), "", Text.class,
                    IntWritable.class, org.apache.hadoop.mapreduce.lib.output.TextOutputFormat.class);
            ssc.start();
            runBatches(ssc, 2);
        }
        assertEquals(List.of("counts-1000", "counts-2000"), visibleEntries(out));
        assertEquals(List.of("_SUCCESS", "part-r-00000", "part-r-00001"), visibleEntries(out.resolve("counts-1000")),
                "files named as Spark's saveAsNewAPIHadoopFile names them, one per partition");
        assertEquals(List.of("a\t1", "bb\t2", "ccc\t3"), lines(out.resolve("counts-1000")));
        assertEquals(List.of("dddd\t4"), lines(out.resolve("counts-2000")));
        assertEquals(3, partFiles(out.resolve("counts-2000")).size(), "empty partitions give empty files");
        assertNoTemporaries(root);
    }

    @Test
    void newApiSequenceFileOutputFormatWithConfiguration(@TempDir Path root) throws Exception {
        Path out = root.resolve("out");
        Configuration conf = new Configuration();
        conf.setBoolean(FileOutputFormat.COMPRESS, true);
        conf.set(FileOutputFormat.COMPRESS_TYPE, SequenceFile.CompressionType.BLOCK.name());
        try (StreamingContext ssc = new StreamingContext(manualConf("mapreduce-seq"), BATCH)) {
            writables(ssc).saveAsNewAPIHadoopFiles(out.resolve("seq").toString(), "seq", Text.class,
                    IntWritable.class, SequenceFileOutputFormat.class, conf);
            ssc.start();
            runBatches(ssc, 2);
        }
        Path first = out.resolve("seq-1000.seq");
        assertEquals(List.of("a=1", "bb=2", "ccc=3"), sequencePairs(first, Text.class, IntWritable.class));
        assertEquals(List.of("dddd=4"), sequencePairs(out.resolve("seq-2000.seq"), Text.class, IntWritable.class));
        try (SequenceFile.Reader r = new SequenceFile.Reader(new Configuration(), SequenceFile.Reader.file(
                new org.apache.hadoop.fs.Path(first.resolve("part-r-00000").toUri())))) {
            assertTrue(r.isBlockCompressed(), "the Configuration's compression settings reach the format");
        }
        assertNoTemporaries(root);
    }

    @Test
    void rewritingABatchReplacesItsDirectoryWithBothApis(@TempDir Path root) throws Exception {
        try (StreamingContext ssc = new StreamingContext(manualConf("hadoop-rerun"), BATCH)) {
            HadoopFileOutput old = new HadoopFileOutput(root.resolve("old").toString(), "out", Text.class,
                    IntWritable.class, org.apache.hadoop.mapred.TextOutputFormat.class, new Configuration());
            NewAPIHadoopFileOutput neu = new NewAPIHadoopFileOutput(root.resolve("new").toString(), "out",
                    Text.class, IntWritable.class, SequenceFileOutputFormat.class, new Configuration());
            old.write(writableRDD(ssc, FIRST, 3), new Time(1000));
            neu.write(writableRDD(ssc, FIRST, 3), new Time(1000));

            // The re-run of batch 1000 after a recovery: other records, other partitioning.
            old.write(writableRDD(ssc, SECOND, 1), new Time(1000));
            neu.write(writableRDD(ssc, SECOND, 1), new Time(1000));

            Path oldDir = root.resolve("old-1000.out");
            Path newDir = root.resolve("new-1000.out");
            assertEquals(List.of("dddd\t4"), lines(oldDir), "replaced, not merged");
            assertEquals(List.of("dddd=4"), sequencePairs(newDir, Text.class, IntWritable.class), "replaced, not merged");
            assertEquals(List.of("_SUCCESS", "part-00000"), visibleEntries(oldDir));
            assertEquals(List.of("_SUCCESS", "part-r-00000"), visibleEntries(newDir));
            for (Path dir : List.of(oldDir, newDir)) {
                try (Stream<Path> s = Files.list(dir)) {
                    assertFalse(s.anyMatch(Files::isDirectory), "nothing nested in " + dir);
                }
            }
            assertEquals(List.of("new-1000.out", "old-1000.out"), visibleEntries(root));
            assertNoTemporaries(root);
        }
    }

    @Test
    void anUnwritablePrefixFailsTheBatchNamingThePath(@TempDir Path root) throws Exception {
        Path blocker = root.resolve("blocker");
        Files.writeString(blocker, "a regular file where a directory should be");
        String prefix = blocker.resolve("counts").toString();
        try (StreamingContext ssc = new StreamingContext(manualConf("hadoop-bad-path"), BATCH)) {
            writables(ssc).saveAsNewAPIHadoopFiles(prefix, "", Text.class, IntWritable.class,
                    org.apache.hadoop.mapreduce.lib.output.TextOutputFormat.class);
            ssc.start();
            Time t = ssc.manualClock().advance(BATCH);
            SluiceException e = assertThrows(SluiceException.class,
                    () -> ssc.awaitBatchCompletion(t, java.time.Duration.ofSeconds(20)));
            String msg = e.getCause().getMessage();
            assertTrue(msg.contains("[" + prefix + "-1000]"), msg);
            assertTrue(msg.contains("batch 1000 ms") && msg.contains("writable"), msg);
        }
        try (StreamingContext ssc = new StreamingContext(manualConf("hadoop-bad-path-direct"), BATCH)) {
            HadoopFileOutput old = new HadoopFileOutput(prefix, "", Text.class, IntWritable.class,
                    org.apache.hadoop.mapred.TextOutputFormat.class, new Configuration());
            SluiceException e = assertThrows(SluiceException.class,
                    () -> old.write(writableRDD(ssc, FIRST, 1), new Time(2000)));
            assertTrue(e.getMessage().contains("[" + prefix + "-2000]"), e.getMessage());
            assertTrue(e.getMessage().contains("saveAsHadoopFiles"), e.getMessage());
        }
    }

    @Test
    void recordsOfTheWrongClassNameTheClassesAndTheFixAndLeaveNothing(@TempDir Path root) throws Exception {
        try (StreamingContext ssc = new StreamingContext(manualConf("hadoop-wrong-class"), BATCH)) {
            NewAPIHadoopFileOutput neu = new NewAPIHadoopFileOutput(root.resolve("seq").toString(), "", Text.class,
                    IntWritable.class, SequenceFileOutputFormat.class, new Configuration());
            RDD<Tuple2<String, Integer>> raw = ssc.parallelize(FIRST, 2);
            SluiceException e = assertThrows(SluiceException.class, () -> neu.write(raw, new Time(1000)));
            String msg = e.getMessage();
            assertTrue(msg.contains("(java.lang.String, java.lang.Integer)"), msg);
            assertTrue(msg.contains("org.apache.hadoop.io.Text") && msg.contains("mapToPair"), msg);
            assertTrue(msg.contains("batch 1000 ms") && msg.contains(root.resolve("seq-1000").toString()), msg);

            HadoopFileOutput old = new HadoopFileOutput(root.resolve("oseq").toString(), "", Text.class,
                    IntWritable.class, org.apache.hadoop.mapred.SequenceFileOutputFormat.class, new Configuration());
            SluiceException e2 = assertThrows(SluiceException.class, () -> old.write(raw, new Time(1000)));
            assertTrue(e2.getMessage().contains("(java.lang.String, java.lang.Integer)"), e2.getMessage());
        }
        assertEquals(List.of(), visibleEntries(root), "a failed batch commits no directory");
        assertNoTemporaries(root);
    }

    @Test
    void formatsHadoopCannotInstantiateAreRefusedAtDeclaration() throws Exception {
        try (StreamingContext ssc = new StreamingContext(manualConf("hadoop-declaration"), BATCH)) {
            PairDStream<Text, IntWritable> s = writables(ssc);
            IllegalArgumentException abstractFormat = assertThrows(IllegalArgumentException.class,
                    () -> s.saveAsNewAPIHadoopFiles("/tmp/x", "", Text.class, IntWritable.class,
                            FileOutputFormat.class));
            assertTrue(abstractFormat.getMessage().contains(FileOutputFormat.class.getName()),
                    abstractFormat.getMessage());
            assertThrows(IllegalArgumentException.class, () -> s.saveAsHadoopFiles("", "", Text.class,
                    IntWritable.class, org.apache.hadoop.mapred.TextOutputFormat.class));
            assertThrows(NullPointerException.class, () -> s.saveAsHadoopFiles("/tmp/x", "", null,
                    IntWritable.class, org.apache.hadoop.mapred.TextOutputFormat.class));
        }
    }
}
