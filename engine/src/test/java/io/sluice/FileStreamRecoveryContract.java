package io.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Recovery of a file stream, on any filesystem (subclasses give the root): a crash is a stop
 * without a checkpoint, as in {@code RateStreamTest}. A batch logged but not checkpointed is
 * re-run with exactly its first run's files; files moved in while the application was down are
 * read once each by the batches of the down time; nothing is read twice.
 */
abstract class FileStreamRecoveryContract {
    static final Duration BATCH = Duration.ofSeconds(1);
    /** The manual clock's start: a batch boundary, so the stream's zero time. */
    static final long BASE = 1_800_000_000_000L;
    /** Batch time to the sorted lines of that batch (the latest run). */
    static final Map<Long, List<String>> OUT = new ConcurrentHashMap<>();
    static final Map<Long, Integer> RUNS = new ConcurrentHashMap<>();

    @TempDir
    java.nio.file.Path local;

    private String root;
    private FileDrops drops;

    /** A fresh, empty directory URI for one test. */
    abstract String newRoot();

    abstract Configuration hadoopConf();

    @BeforeEach
    void setUp() throws IOException {
        OUT.clear();
        RUNS.clear();
        root = newRoot();
        FileSystem fs = new Path(root).getFileSystem(hadoopConf());
        drops = new FileDrops(fs, new Path(root + "/in"), new Path(root + "/staging"));
    }

    private StreamingContext app() {
        SluiceConf conf = new SluiceConf(false).setMaster("local[2]").setAppName("files")
                .set("sluice.streaming.clock", "manual")
                .set("sluice.streaming.checkpoint.interval", "2s")
                .set("sluice.streaming.writeAheadLog.durability", "process")
                .set("sluice.streaming.localDir", local.resolve("local").toString());
        StreamingContext ssc = new StreamingContext(conf, BATCH);
        ssc.checkpoint(root + "/cp");
        ssc.textFileStream(root + "/in").foreachRDD((rdd, t) -> {
            List<String> lines = new ArrayList<>(rdd.collect());
            lines.sort(null);
            OUT.put(t.milliseconds(), lines);
            RUNS.merge(t.milliseconds(), 1, Integer::sum);
        });
        return ssc;
    }

    private StreamingContext recover() {
        return StreamingContext.getOrCreate(root + "/cp", this::app, hadoopConf(), false);
    }

    private static Time step(StreamingContext ssc) throws InterruptedException {
        Time t = ssc.manualClock().advance(BATCH);
        assertTrue(ssc.awaitBatchCompletion(t, Duration.ofSeconds(30)), "batch " + t + " did not complete");
        return t;
    }

    /** Three batches reading a, b, c; checkpoint after b; stopped without a checkpoint after c. */
    private Map<Long, List<String>> firstLifeThenCrash() throws Exception {
        StreamingContext first = recover();
        first.manualClock().setTime(BASE);
        first.start();
        drops.moveIn("a.txt", BASE + 100, "a1", "a2");
        step(first);
        drops.moveIn("b.txt", BASE + 1100, "b1");
        step(first);                                 // checkpoint of BASE + 2000
        drops.moveIn("c.txt", BASE + 2100, "c1", "c2", "c3");
        step(first);                                 // BASE + 3000: logged, not checkpointed
        Map<Long, List<String>> firstRun = new TreeMap<>(OUT);
        first.stop();                                // no checkpoint on stop: as after a crash
        assertEquals(List.of("a1", "a2"), firstRun.get(BASE + 1000));
        assertEquals(List.of("b1"), firstRun.get(BASE + 2000));
        assertEquals(List.of("c1", "c2", "c3"), firstRun.get(BASE + 3000));
        return firstRun;
    }

    @Test
    void filesMovedInWhileDownAreReadExactlyOnceAfterRecovery() throws Exception {
        Map<Long, List<String>> firstRun = firstLifeThenCrash();
        // While the application is down: two files for the batches of the down time, and one
        // whose modification time is after the last of them.
        drops.moveIn("d.txt", BASE + 3100, "d1");
        drops.moveIn("e.txt", BASE + 4500, "e1", "e2");
        drops.moveIn("f.txt", BASE + 5100, "f1");

        StreamingContext second = recover();
        second.manualClock().setTime(BASE + 5000);   // down for two batch times
        second.start();
        assertTrue(second.awaitBatchCompletion(new Time(BASE + 5000), Duration.ofSeconds(30)));
        drops.moveIn("g.txt", BASE + 5900, "g1");
        step(second);
        step(second);
        second.stop();

        // The re-run batch read exactly its first run's files.
        assertEquals(2, RUNS.get(BASE + 3000));
        assertEquals(firstRun.get(BASE + 3000), OUT.get(BASE + 3000));
        assertEquals(List.of("d1"), OUT.get(BASE + 4000));
        assertEquals(List.of("e1", "e2"), OUT.get(BASE + 5000));
        assertEquals(List.of("f1", "g1"), OUT.get(BASE + 6000));
        assertEquals(List.of(), OUT.get(BASE + 7000));
        // Every line once over all batch times (latest run of each).
        List<String> all = new ArrayList<>();
        for (long t = BASE + 1000; t <= BASE + 7000; t += 1000) {
            assertTrue(OUT.containsKey(t), "batch " + t + " missing");
            all.addAll(OUT.get(t));
        }
        all.sort(null);
        assertEquals(List.of("a1", "a2", "b1", "c1", "c2", "c3", "d1", "e1", "e2", "f1", "g1"), all);
    }

    @ParameterizedTest(name = "file {0} before the re-run")
    @ValueSource(strings = {"deleted", "rewritten"})
    void reRunBatchWhoseFileChangedFailsNamingTheFile(String change) throws Exception {
        firstLifeThenCrash();
        Path c = new Path(drops.in(), "c.txt");
        if (change.equals("deleted")) {
            assertTrue(drops.fs().delete(c, false));
        } else {
            try (OutputStream out = drops.fs().create(c, true)) {
                out.write("c1\nc2\nc3\nc4\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        StreamingContext second = recover();
        second.manualClock().setTime(BASE + 3000);
        RuntimeException e = assertThrows(RuntimeException.class, second::start);
        String messages = messages(e);
        assertTrue(messages.contains("c.txt") && messages.contains("exactly-once cannot be kept"), messages);
        assertTrue(messages.contains(change.equals("deleted") ? "no longer exists" : "its length is now"), messages);
        assertEquals(StreamingContextState.STOPPED, second.getState());
    }

    static String messages(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable x = e; x != null; x = x.getCause()) {
            sb.append(x.getMessage()).append(" | ");
        }
        return sb.toString();
    }
}
