package io.sluice;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.internal.dstream.FileInputDStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.lib.input.KeyValueTextInputFormat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * File streams on the local filesystem, driven by the manual clock: which files each batch
 * reads (moved in between batches, future modification times, the remember window,
 * {@code newFilesOnly}, ignored names, filters, globs), the pair and binary forms, bad
 * directories, and a file stream next to a receiver with one task thread.
 */
class FileStreamTest {
    private static final Duration BATCH = Duration.ofSeconds(1);
    /** The manual clock's start: a batch boundary, so the stream's zero time. */
    private static final long BASE = 1_800_000_000_000L;
    static final Map<Long, List<String>> OUT = new ConcurrentHashMap<>();
    static final Map<Long, Integer> PARTITIONS = new ConcurrentHashMap<>();

    @TempDir
    java.nio.file.Path dir;
    private FileDrops drops;
    private String in;

    @BeforeEach
    void setUp() throws IOException {
        OUT.clear();
        PARTITIONS.clear();
        FileSystem fs = FileSystem.getLocal(new Configuration());
        drops = new FileDrops(fs, new Path(dir.resolve("in").toUri()), new Path(dir.resolve("staging").toUri()));
        in = dir.resolve("in").toUri().toString();
    }

    private static SluiceConf conf(String master) {
        return new SluiceConf(false).setMaster(master).setAppName("files").set("sluice.streaming.clock", "manual");
    }

    private static StreamingContext context(SluiceConf conf) {
        StreamingContext ssc = new StreamingContext(conf, BATCH);
        ssc.manualClock().setTime(BASE);
        return ssc;
    }

    private static void collectSorted(DStream<String> s) {
        s.foreachRDD((rdd, t) -> {
            List<String> lines = new ArrayList<>(rdd.collect());
            lines.sort(null);
            OUT.put(t.milliseconds(), lines);
            PARTITIONS.put(t.milliseconds(), rdd.getNumPartitions());
        });
    }

    private static Time step(StreamingContext ssc) throws InterruptedException {
        Time t = ssc.manualClock().advance(BATCH);
        assertTrue(ssc.awaitBatchCompletion(t, Duration.ofSeconds(30)), "batch " + t + " did not complete");
        return t;
    }

    @Test
    void filesMovedInBetweenBatchesAreReadOnceByTheNextBatchDue() throws Exception {
        try (StreamingContext ssc = context(conf("local[2]"))) {
            collectSorted(ssc.textFileStream(in));
            ssc.start();
            drops.moveIn("a.txt", BASE + 200, "a1", "a2");
            step(ssc);
            step(ssc);
            drops.moveIn("b.txt", BASE + 2500, "b1");
            drops.moveIn("c.txt", BASE + 3700, "c1");             // modified after the next batch time
            step(ssc);
            step(ssc);
            drops.moveIn("late.txt", BASE + 100, "late1");        // old, but within the window and after the start
            drops.moveIn("before-start.txt", BASE - 5_000, "x");  // written before the start: never read
            step(ssc);
            step(ssc);
        }
        assertEquals(List.of("a1", "a2"), OUT.get(BASE + 1000));
        assertEquals(List.of(), OUT.get(BASE + 2000), "a file is read once");
        assertEquals(List.of("b1"), OUT.get(BASE + 3000));
        assertEquals(List.of("c1"), OUT.get(BASE + 4000), "a file waits for the batch after its modification time");
        assertEquals(List.of("late1"), OUT.get(BASE + 5000));
        assertEquals(List.of(), OUT.get(BASE + 6000));
    }

    @ParameterizedTest(name = "newFilesOnly={0}")
    @ValueSource(booleans = {true, false})
    void newFilesOnlyDecidesWhetherFilesPresentAtTheStartAreRead(boolean newFilesOnly) throws Exception {
        drops.writeIn("present.txt", BASE - 10_000, "p1");
        drops.writeIn("ancient.txt", BASE - 120_000, "old");     // outside the 60 s window either way
        try (StreamingContext ssc = context(conf("local[2]"))) {
            collectSorted(ssc.fileStream(in, null, newFilesOnly));
            ssc.start();
            step(ssc);
            drops.moveIn("new.txt", BASE + 1500, "n1");
            step(ssc);
        }
        assertEquals(newFilesOnly ? List.of() : List.of("p1"), OUT.get(BASE + 1000));
        assertEquals(List.of("n1"), OUT.get(BASE + 2000));
    }

    @Test
    void hiddenTemporaryFilteredAndNestedFilesAreIgnored() throws Exception {
        try (StreamingContext ssc = context(conf("local[2]"))) {
            collectSorted(ssc.fileStream(in, p -> !p.getName().endsWith(".skip"), true));
            ssc.start();
            for (String name : List.of(".hidden", "_SUCCESS", "part-0._COPYING_", "part-1.tmp", "data.skip",
                    "sub/nested.txt")) {
                drops.moveIn(name, BASE + 300, "ignored " + name);
            }
            drops.moveIn("ok.txt", BASE + 300, "ok");
            step(ssc);
            // Renamed to a name that is read: read once, by the next batch.
            assertTrue(drops.fs().rename(new Path(drops.in(), "part-1.tmp"), new Path(drops.in(), "part-1")));
            step(ssc);
        }
        assertEquals(List.of("ok"), OUT.get(BASE + 1000));
        assertEquals(List.of("ignored part-1.tmp"), OUT.get(BASE + 2000));
    }

    @Test
    void aGlobListsEveryDirectoryItMatches() throws Exception {
        drops.fs().mkdirs(new Path(drops.in(), "x"));
        drops.fs().mkdirs(new Path(drops.in(), "y"));
        try (StreamingContext ssc = context(conf("local[2]"))) {
            collectSorted(ssc.textFileStream(in + "/*"));
            ssc.start();
            drops.moveIn("x/1.txt", BASE + 100, "x1");
            drops.moveIn("y/2.txt", BASE + 100, "y2");
            drops.moveIn("top.txt", BASE + 100, "not in a matched directory");
            step(ssc);
        }
        assertEquals(List.of("x1", "y2"), OUT.get(BASE + 1000));
    }

    @Test
    void fileNamesWithGlobCharactersAreReadLiterally() throws Exception {
        try (StreamingContext ssc = context(conf("local[2]"))) {
            collectSorted(ssc.textFileStream(in));
            ssc.start();
            drops.moveIn("a[1]{x}*?.txt", BASE + 100, "odd");
            drops.moveIn("a1x.txt", BASE + 100, "plain");
            step(ssc);
        }
        assertEquals(List.of("odd", "plain"), OUT.get(BASE + 1000));
    }

    @Test
    void aBigFileIsReadInSeveralPartitionsEachLineOnce() throws Exception {
        String[] lines = IntStream.range(0, 2_000).mapToObj(i -> String.format("line-%05d", i)).toArray(String[]::new);
        try (StreamingContext ssc = context(conf("local[2]"))) {
            ssc.hadoopConfiguration().setLong("mapreduce.input.fileinputformat.split.maxsize", 4_096);
            collectSorted(ssc.textFileStream(in));
            ssc.start();
            drops.moveIn("big.txt", BASE + 100, lines);
            step(ssc);
        }
        assertEquals(List.of(lines), OUT.get(BASE + 1000));
        assertTrue(PARTITIONS.get(BASE + 1000) >= 5, "partitions: " + PARTITIONS.get(BASE + 1000));
    }

    @Test
    void pairStreamRecordsAreCopiesNotTheReadersReusedObjects() throws Exception {
        Map<Long, List<String>> pairs = new ConcurrentHashMap<>();
        try (StreamingContext ssc = context(conf("local[2]"))) {
            PairDStream<Text, Text> s = ssc.fileStream(in, Text.class, Text.class, KeyValueTextInputFormat.class);
            s.foreachRDD((rdd, t) -> {
                List<String> l = new ArrayList<>();
                for (Tuple2<Text, Text> p : rdd.collect()) {     // collected first, read afterwards
                    l.add(p._1() + "=" + p._2());
                }
                l.sort(null);
                pairs.put(t.milliseconds(), l);
            });
            ssc.start();
            drops.moveIn("kv.txt", BASE + 100, "k1\tv1", "k2\tv2", "k3\tv3");
            step(ssc);
        }
        assertEquals(List.of("k1=v1", "k2=v2", "k3=v3"), pairs.get(BASE + 1000));
    }

    @Test
    void binaryRecordsStreamCutsFilesIntoFixedLengthRecords() throws Exception {
        Map<Long, List<byte[]>> out = new ConcurrentHashMap<>();
        try (StreamingContext ssc = context(conf("local[2]"))) {
            ssc.binaryRecordsStream(in, 3).foreachRDD((rdd, t) -> out.put(t.milliseconds(), rdd.collect()));
            ssc.start();
            Path staged = new Path(dir.resolve("staging").toUri().toString(), "rec.bin");
            try (OutputStream o = drops.fs().create(staged)) {
                o.write(new byte[] {1, 2, 3, 4, 5, 6});
            }
            drops.fs().setTimes(staged, BASE + 100, -1);
            assertTrue(drops.fs().rename(staged, new Path(drops.in(), "rec.bin")));
            step(ssc);
        }
        List<byte[]> recs = out.get(BASE + 1000);
        assertEquals(2, recs.size());
        assertArrayEquals(new byte[] {1, 2, 3}, recs.get(0));
        assertArrayEquals(new byte[] {4, 5, 6}, recs.get(1));
    }

    @Test
    void theCheckpointedPositionHoldsOnlyTheFilesOfTheRememberWindow() throws Exception {
        String cp = dir.resolve("cp").toString();
        SluiceConf c = conf("local[2]").set("sluice.streaming.fileStream.minRememberDuration", "2500ms")
                .set("sluice.streaming.checkpoint.interval", "4s")
                .set("sluice.streaming.writeAheadLog.durability", "process");
        StreamingContext first = StreamingContext.getOrCreate(cp, () -> {
            StreamingContext ssc = context(c);
            ssc.checkpoint(cp);
            collectSorted(ssc.textFileStream(in));
            return ssc;
        });
        first.start();
        for (int i = 1; i <= 8; i++) {
            drops.moveIn("f" + i + ".txt", BASE + i * 1000L - 500, "l" + i);
            step(first);                      // checkpoints at BASE + 4000 and BASE + 8000
        }
        first.stop();
        StreamingContext second = StreamingContext.getOrCreate(cp, () -> {
            StreamingContext ssc = new StreamingContext(c, BATCH);
            ssc.checkpoint(cp);
            collectSorted(ssc.textFileStream(in));
            return ssc;
        });
        try {
            Serializable p = second.recoveredPositions().get(0);
            FileInputDStream.Position pos = (FileInputDStream.Position) p;
            // R = 3 s (2.5 s rounded up to whole batches): the files selected after BASE + 5000.
            TreeSet<String> names = new TreeSet<>();
            pos.selected().keySet().forEach(k -> names.add(new Path(k).getName()));
            assertEquals(new TreeSet<>(List.of("f6.txt", "f7.txt", "f8.txt")), names);
            assertEquals(BASE, pos.ignoreUpToMs());
        } finally {
            second.stop();
        }
        for (int i = 1; i <= 8; i++) {
            assertEquals(List.of("l" + i), OUT.get(BASE + i * 1000L));
        }
    }

    @Test
    void withoutACheckpointOnlyTheAllocationsWindowsNeedAreKept() throws Exception {
        try (StreamingContext ssc = context(conf("local[2]"))) {
            DStream<String> lines = ssc.textFileStream(in);
            collectSorted(lines.window(Duration.ofSeconds(3)));
            ssc.start();
            for (int i = 1; i <= 12; i++) {
                drops.moveIn("f" + i + ".txt", BASE + i * 1000L - 500, "l" + i);
                step(ssc);
            }
            // Plans (and the positions logged with them) of old batches are dropped, not kept forever.
            List<Long> kept = ssc.runtime().tracker().allocatedTimes();
            assertTrue(kept.size() <= 4 && kept.contains(BASE + 12_000), "allocations kept: " + kept);
        }
        // The window still sees its three batches.
        assertEquals(List.of("l10", "l11", "l12"), OUT.get(BASE + 12_000));
    }

    @Test
    void aMissingDirectoryOrAGlobMatchingNothingFailsTheStartNamingIt() {
        for (String bad : List.of(in + "/missing", in + "/nothing-*")) {
            StreamingContext ssc = context(conf("local[1]"));
            ssc.textFileStream(bad).print();
            SluiceException e = assertThrows(SluiceException.class, ssc::start);
            assertTrue(e.getMessage().contains("[" + bad + "]") && e.getMessage().contains("create the directory"),
                    e.getMessage());
            assertEquals(StreamingContextState.STOPPED, ssc.getState());
        }
    }

    /** Stores three records once started, then waits. */
    static final class ThreeRecords extends Receiver<String> {
        private static final long serialVersionUID = 1L;
        static volatile CountDownLatch stored;

        ThreeRecords() {
            super(StorageLevel.MEMORY_ONLY);
        }

        @Override
        public void onStart() {
            Thread t = new Thread(() -> {
                store(List.of("r1", "r2", "r3"));
                stored.countDown();
            }, "three-records");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void onStop() {
        }
    }

    @Test
    void withOneTaskThreadAFileStreamAndAReceiverBothMakeProgress() throws Exception {
        ThreeRecords.stored = new CountDownLatch(1);
        try (StreamingContext ssc = context(conf("local[1]"))) {
            DStream<String> files = ssc.textFileStream(in);
            DStream<String> received = ssc.receiverStream(new ThreeRecords());
            collectSorted(files.union(received));
            ssc.start();
            assertTrue(ThreeRecords.stored.await(20, TimeUnit.SECONDS), "the receiver stored nothing");
            drops.moveIn("a.txt", BASE + 500, "f1", "f2");
            step(ssc);
            drops.moveIn("b.txt", BASE + 1500, "f3");
            step(ssc);
        }
        assertEquals(List.of("f1", "f2", "r1", "r2", "r3"), OUT.get(BASE + 1000));
        assertEquals(List.of("f3"), OUT.get(BASE + 2000));
    }
}
