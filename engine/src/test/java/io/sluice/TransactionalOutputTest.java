package io.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.ExactlyOnceHarness.Crash;
import io.sluice.ExactlyOnceHarness.Fs;
import io.sluice.ExactlyOnceHarness.Pipeline;
import io.sluice.ExactlyOnceHarness.Result;
import io.sluice.ExactlyOnceHarness.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DStream#foreachRDDTransactional} and {@link TransactionalFileSink}: a batch re-run after
 * recovery writes its output exactly once (DESIGN.md I6), whether the crash came after the write
 * and before the commit marker, or after the commit marker and before the batch was recorded.
 */
class TransactionalOutputTest {
    private static final List<List<String>> INPUT = List.of(List.of("a", "b"), List.of("a"), List.of("c", "a"),
            List.of(), List.of("b", "b"), List.of("d"), List.of("a", "c"));
    /** Checkpoints every 3 batches: a crash at batch 5 re-runs batches 4 and 5. */
    private static final Pipeline COUNTS = new Pipeline(Shape.UPDATE_STATE_BY_KEY, INPUT, 3, 2);

    @TempDir
    Path dir;

    private Fs fs() {
        return new Fs(dir.toString(), new Configuration());
    }

    @Test
    void crashAfterTheWriteBeforeTheCommitMarkerWritesTheBatchAgainAndCommitsItOnce() throws Exception {
        Result a = ExactlyOnceHarness.uninterrupted(COUNTS, fs());
        Result b = ExactlyOnceHarness.crashed(COUNTS, fs(), Crash.BEFORE_COMMIT, 5);
        ExactlyOnceHarness.assertSameCommittedOutput(COUNTS, a, b);
        assertEquals(2, b.writes().get(5000L), "batch 5000 written before the crash and again by its re-run");
        assertEquals(1, b.commits().get(5000L), "batch 5000 committed once, by its re-run");
        assertEquals(1, b.writes().get(4000L), "batch 4000 committed before the crash: its re-run skips the write");
        assertEquals(List.of("a=3", "b=3", "c=1", "d=1"), b.committed().get(6000L));
    }

    @Test
    void crashAfterTheCommitMarkerBeforeTheBatchIsRecordedSkipsTheReRun() throws Exception {
        Result a = ExactlyOnceHarness.uninterrupted(COUNTS, fs());
        Result b = ExactlyOnceHarness.crashed(COUNTS, fs(), Crash.AFTER_COMMIT, 5);
        ExactlyOnceHarness.assertSameCommittedOutput(COUNTS, a, b);
        assertEquals(1, b.writes().get(5000L), "batch 5000 committed before the crash: its re-run must not write");
        assertEquals(1, b.writes().get(4000L), "batch 4000 as well");
        for (Map.Entry<Long, Integer> e : b.writes().entrySet()) {
            assertEquals(1, e.getValue(), "writes of batch " + e.getKey());
        }
    }

    @Test
    void aReWriteReplacesTheUncommittedAttemptAndOnlyMarkedBatchesCount() throws Exception {
        String out = dir.resolve("out").toString();
        TransactionalFileSink<String> sink = new TransactionalFileSink<>(out, new Configuration());
        SluiceConf conf = new SluiceConf(false).setMaster("local[2]").setAppName("sink");
        StreamingContext ssc = new StreamingContext(conf, ExactlyOnceHarness.BATCH);
        try {
            Time t = new Time(1000);
            sink.write(ssc.parallelize(List.of("x", "y", "z"), 2), t);
            assertFalse(sink.alreadyCommitted(t), "written, not committed");
            assertEquals(List.of(), List.copyOf(sink.committedTimes()), "nothing committed yet");
            // The re-run of the batch after a crash: the same partitions, written again.
            sink.write(ssc.parallelize(List.of("x", "y", "z"), 2), t);
            sink.commit(t);
            assertTrue(sink.alreadyCommitted(t));
            assertEquals(List.of(1000L), List.copyOf(sink.committedTimes()));
            assertEquals(List.of("x", "y", "z"), sink.readCommitted(t), "each record once after two writes");
            try (var files = Files.list(Path.of(out))) {
                assertEquals(2, files.filter(p -> p.getFileName().toString().startsWith("part-1000-")).count(),
                        "one file per partition, the first attempt's replaced");
            }
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> sink.commit(new Time(2000)));
            assertTrue(e.getMessage().contains("without a write"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> sink.readCommitted(new Time(2000)));
        } finally {
            ssc.stop();
        }
    }

    @Test
    void aTornCommitMarkerCountsAsNoCommit() throws Exception {
        String out = dir.resolve("out").toString();
        TransactionalFileSink<String> sink = new TransactionalFileSink<>(out, new Configuration());
        Path marker = Path.of(out, TransactionalFileSink.COMMITS, "3000");
        Files.createDirectories(marker.getParent());
        Files.writeString(marker, "sluice-commit v1\ntime=3000\nrecor");
        assertFalse(sink.alreadyCommitted(new Time(3000)), "a partial marker is not a commit");
        assertEquals(List.of(), List.copyOf(sink.committedTimes()));
    }

    @Test
    void aNullSinkIsRefused() {
        SluiceConf conf = new SluiceConf(false).setMaster("local[1]").setAppName("sink");
        StreamingContext ssc = new StreamingContext(conf, ExactlyOnceHarness.BATCH);
        try {
            DStream<String> s = ssc.queueStream(new java.util.ArrayDeque<>());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.foreachRDDTransactional(null));
            assertTrue(e.getMessage().contains("needs a sink"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> new TransactionalFileSink<String>("", new Configuration()));
        } finally {
            ssc.stop();
        }
    }
}
