package io.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;

/**
 * Runs one pipeline shape whose only output is a {@link TransactionalFileSink}, either without
 * a break or crashed once at a chosen point and recovered with {@link StreamingContext#getOrCreate},
 * and returns what the sink committed. Shared by the recovery scenarios on {@code file://} and
 * {@code hdfs://} and by the exactly-once property.
 *
 * <p>Input: batch j (1-based) is stored as one block at source position j; a recovered
 * receiver resumes after {@link Receiver#lastDurablePosition()}, as a replayable source would.
 *
 * <p>Crashes, in-process: a crash at a checkpoint or between batches abandons the context with
 * a non-graceful {@code stop()} after batch k completed (nothing more is written: no checkpoint,
 * no flush) and then damages the checkpoint directory as the crash would have left it; a crash
 * around an output commit makes the sink itself fail before or after its commit marker, which
 * fails batch k and stops the context with nothing after it recorded.
 */
final class ExactlyOnceHarness {
    static final long B = 1000;
    static final Duration BATCH = Duration.ofMillis(B);
    static final Duration AWAIT = Duration.ofSeconds(60);
    /** Batches run after the input ends, so windows drain and mapWithState keys time out. */
    static final int DRAIN = 3;
    static final List<String> WORDS = List.of("a", "b", "c", "d");

    /** The pipelines. */
    enum Shape {
        /** A per-batch count, no state. */
        STATELESS,
        /** A running count per word. */
        UPDATE_STATE_BY_KEY,
        /** A windowed count with an inverse function. */
        WINDOW_WITH_INVERSE,
        /** A running sum per word with a timeout. */
        MAP_WITH_STATE
    }

    /** Where the run crashes, relative to batch k. */
    enum Crash {
        /** After batch k completed, no checkpoint due (or the checkpoint of k written). */
        AFTER_BATCH,
        /** Batch k's outputs committed, its due checkpoint not begun: the checkpoint file and state are absent. */
        BEFORE_CHECKPOINT,
        /** During the checkpoint of k: state uploaded, metadata left as a partial temporary file. */
        DURING_CHECKPOINT,
        /** During the checkpoint of k on a filesystem without atomic rename: the newest file is torn. */
        TORN_CHECKPOINT,
        /** After the checkpoint of batch k was written. */
        AFTER_CHECKPOINT,
        /** Batch k's output written, its commit marker not. */
        BEFORE_COMMIT,
        /** Batch k's commit marker written, the batch not recorded as completed. */
        AFTER_COMMIT;

        boolean atCheckpoint() {
            return this == BEFORE_CHECKPOINT || this == DURING_CHECKPOINT || this == TORN_CHECKPOINT
                    || this == AFTER_CHECKPOINT;
        }

        boolean inSink() {
            return this == BEFORE_COMMIT || this == AFTER_COMMIT;
        }
    }

    /**
     * One run.
     *
     * @param shape the pipeline
     * @param input the input batches
     * @param checkpointK the checkpoint interval, in batches
     * @param windowK the window of {@link Shape#WINDOW_WITH_INVERSE}, in batches (slide: one batch
     *     if the window is odd, two if even)
     */
    record Pipeline(Shape shape, List<List<String>> input, int checkpointK, int windowK) {
        int total() {
            return input.size() + DRAIN;
        }

        int slideK() {
            return windowK % 2 == 0 ? 2 : 1;
        }
    }

    /** What a run committed and how often each batch time was committed. */
    record Result(TreeMap<Long, List<String>> committed, Map<Long, Integer> commits, Map<Long, Integer> writes,
                  String where) {
    }

    /** The filesystem a run uses: a root URI and the Hadoop configuration that reaches it. */
    record Fs(String root, Configuration conf) {
        boolean local() {
            return !root.contains("://") || root.startsWith("file:");
        }
    }

    private static final AtomicInteger RUNS = new AtomicInteger();

    private ExactlyOnceHarness() {
    }

    /** Counts the sink's calls and fails it once at the planned point. */
    static final class CrashingSink implements TransactionalSink<String> {
        final TransactionalFileSink<String> delegate;
        final Map<Long, Integer> commits;
        final Map<Long, Integer> writes;
        volatile long crashAtMs = -1;
        volatile Crash crash;

        CrashingSink(TransactionalFileSink<String> delegate, Map<Long, Integer> commits, Map<Long, Integer> writes) {
            this.delegate = delegate;
            this.commits = commits;
            this.writes = writes;
        }

        @Override
        public boolean alreadyCommitted(Time time) throws IOException {
            return delegate.alreadyCommitted(time);
        }

        @Override
        public void write(RDD<String> rdd, Time time) throws IOException {
            delegate.write(rdd, time);
            writes.merge(time.milliseconds(), 1, Integer::sum);
        }

        @Override
        public void commit(Time time) throws IOException {
            boolean planned = time.milliseconds() == crashAtMs;
            if (planned && crash == Crash.BEFORE_COMMIT) {
                crashAtMs = -1;
                throw new IOException("simulated crash after the write of batch " + time + ", before its commit");
            }
            delegate.commit(time);
            commits.merge(time.milliseconds(), 1, Integer::sum);
            if (planned && crash == Crash.AFTER_COMMIT) {
                crashAtMs = -1;
                throw new IOException("simulated crash after the commit of batch " + time);
            }
        }
    }

    private static List<String> sorted(List<String> xs) {
        List<String> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s;
    }

    /** The application of {@code p}, its only output going to {@code sink}. */
    static StreamingContext app(Pipeline p, String cp, String localDir, TestReceiver<String> receiver,
                                TransactionalSink<String> sink) {
        SluiceConf conf = new SluiceConf(false).setMaster("local[2]").setAppName("exactly-once-" + p.shape())
                .set("sluice.streaming.clock", "manual")
                .set("sluice.streaming.checkpoint.interval", p.checkpointK() + "s")
                .set("sluice.streaming.localDir", localDir)
                .set("sluice.streaming.writeAheadLog.durability", "process");
        StreamingContext ssc = new StreamingContext(conf, BATCH);
        ssc.checkpoint(cp);
        DStream<String> words = ssc.receiverStream(receiver);
        PairDStream<String, Long> ones = words.mapToPair(w -> new Tuple2<>(w, 1L));
        DStream<String> out = switch (p.shape()) {
            case STATELESS -> ones.reduceByKey(Long::sum).map(kv -> kv._1() + "=" + kv._2());
            case UPDATE_STATE_BY_KEY -> ones.updateStateByKey((List<Long> vs, Optional<Long> s) ->
                    Optional.of(s.orElse(0L) + vs.stream().mapToLong(Long::longValue).sum()))
                    .map(kv -> kv._1() + "=" + kv._2());
            case WINDOW_WITH_INVERSE -> ones.reduceByKeyAndWindow(Long::sum, (a, b) -> a - b,
                    Duration.ofMillis(p.windowK() * B), Duration.ofMillis(p.slideK() * B), 2, kv -> kv._2() != 0L)
                    .map(kv -> kv._1() + "=" + kv._2());
            case MAP_WITH_STATE -> words.mapToPair(w -> new Tuple2<>(w, w.charAt(0) - 'a' + 1))
                    .mapWithState(StateSpec.function((String k, Optional<Integer> v, State<Integer> s) -> {
                        if (s.isTimingOut()) {
                            return k + ":timeout:" + s.get();
                        }
                        int sum = s.getOption().orElse(0) + v.get();
                        s.update(sum);
                        return k + ":" + sum;
                    }).timeout(Duration.ofMillis(2 * B)));
        };
        out.foreachRDDTransactional(sink);
        return ssc;
    }

    private static void step(StreamingContext ssc, long expectedMs) throws InterruptedException {
        Time t = ssc.manualClock().advance(BATCH);
        assertEquals(expectedMs, t.milliseconds(), "clock");
        assertTrue(ssc.awaitBatchCompletion(t, AWAIT), "batch " + t + " did not complete");
    }

    private static void store(TestReceiver<String> r, Pipeline p, int j) {
        if (j >= 1 && j <= p.input().size()) {
            r.storeAt(new ArrayList<>(p.input().get(j - 1)), j);
        }
    }

    /** The batch a crash of {@code crash} at random batch {@code seed} happens at: 1..total. */
    static int crashBatch(Pipeline p, Crash crash, int seed) {
        int k = 1 + Math.floorMod(seed, p.total());
        if (crash.atCheckpoint()) {
            // The next checkpoint time at or after k, within the run.
            int c = p.checkpointK();
            k = Math.min(((k + c - 1) / c) * c, p.total() / c * c);
            k = Math.max(k, c);
        }
        if (crash.inSink() && p.shape() == Shape.WINDOW_WITH_INVERSE) {
            // The sink runs only at slide times.
            int s = p.slideK();
            k = Math.max(s, Math.min(((k + s - 1) / s) * s, p.total() / s * s));
        }
        return k;
    }

    /** Runs {@code p} without a break. */
    static Result uninterrupted(Pipeline p, Fs fs) throws Exception {
        return run(p, fs, null, 0);
    }

    /** Runs {@code p}, crashes at batch {@code k} as {@code crash}, recovers and runs to the end. */
    static Result crashed(Pipeline p, Fs fs, Crash crash, int k) throws Exception {
        return run(p, fs, crash, k);
    }

    private static Result run(Pipeline p, Fs fs, Crash crash, int k) throws Exception {
        String base = fs.root() + "/run-" + RUNS.incrementAndGet() + "-" + UUID.randomUUID();
        String cp = base + "/cp";
        String outDir = base + "/out";
        Path localDir = Files.createTempDirectory("exactly-once-local");
        Map<Long, Integer> commits = new ConcurrentHashMap<>();
        Map<Long, Integer> writes = new ConcurrentHashMap<>();
        String where = crash == null ? "uninterrupted" : crash + " at batch " + k * B;
        try {
            @SuppressWarnings("unchecked")
            TestReceiver<String>[] r = new TestReceiver[1];
            CrashingSink[] sink = new CrashingSink[1];
            java.util.function.Supplier<StreamingContext> setup = () -> {
                sink[0] = new CrashingSink(new TransactionalFileSink<>(outDir, fs.conf()), commits, writes);
                return app(p, cp, localDir.toString(), r[0] = new TestReceiver<>(), sink[0]);
            };
            StreamingContext first = StreamingContext.getOrCreate(cp, setup::get, fs.conf(), false);
            long lastCompleted;
            try {
                first.start();
                r[0].awaitStarted();
                int last = crash == null ? p.total() : k;
                for (int j = 1; j <= last; j++) {
                    store(r[0], p, j);
                    if (crash != null && crash.inSink() && j == k) {
                        sink[0].crash = crash;
                        sink[0].crashAtMs = k * B;
                        Time t = first.manualClock().advance(BATCH);
                        StreamingContext failing = first;
                        assertThrows(SluiceException.class, () -> failing.awaitBatchCompletion(t, AWAIT),
                                "batch " + t + " must fail at the simulated crash");
                    } else {
                        step(first, j * B);
                    }
                }
            } finally {
                first.stop();
            }
            if (crash == null) {
                return result(fs, outDir, commits, writes, where);
            }
            try {
                first.awaitTermination();
            } catch (SluiceException expected) {
                // the simulated crash in the sink
            }
            lastCompleted = first.lastCompletedBatch().map(Time::milliseconds).orElse(0L);
            assertEquals(crash.inSink() ? (k - 1) * B : k * B, lastCompleted, "last completed batch at the crash");
            if (crash.atCheckpoint()) {
                assertTrue(fs.local(), "checkpoint damage is simulated on the local filesystem only");
                damage(Path.of(java.net.URI.create(cp.startsWith("file:") ? cp : "file://" + cp)), k * B, crash);
            }

            StreamingContext second = StreamingContext.getOrCreate(cp, setup::get, fs.conf(), false);
            try {
                // The clock of the crashed context had reached batch k.
                second.manualClock().setTime(k * B);
                second.start();
                long rerunUntil = crash.inSink() ? k * B : lastCompleted;
                if (rerunUntil > 0) {
                    assertTrue(second.awaitBatchCompletion(new Time(rerunUntil), AWAIT), "re-run up to " + rerunUntil);
                }
                r[0].awaitStarted();
                long resumeAt = r[0].<Long>lastDurablePosition().orElse(0L);
                for (int j = (int) (rerunUntil / B) + 1; j <= p.total(); j++) {
                    if (j > resumeAt) {
                        store(r[0], p, j);
                    }
                    step(second, j * B);
                }
            } finally {
                second.stop();
            }
            return result(fs, outDir, commits, writes, where);
        } finally {
            deleteQuietly(fs, base);
            deleteLocal(localDir);
        }
    }

    /** Leaves the checkpoint directory as a crash at {@code crash} of checkpoint {@code timeMs} would. */
    private static void damage(Path cp, long timeMs, Crash crash) throws IOException {
        Path file = cp.resolve("checkpoint-" + timeMs);
        assertTrue(Files.exists(file), "the checkpoint of batch " + timeMs + " exists before it is damaged");
        switch (crash) {
            case AFTER_CHECKPOINT -> {
            }
            case BEFORE_CHECKPOINT -> {
                Files.delete(file);
                deleteLocal(cp.resolve("state").resolve(Long.toString(timeMs)));
            }
            case DURING_CHECKPOINT -> {
                byte[] bytes = Files.readAllBytes(file);
                Files.write(cp.resolve(".checkpoint-" + timeMs + ".tmp-" + UUID.randomUUID()),
                        java.util.Arrays.copyOf(bytes, bytes.length / 2));
                Files.delete(file);
            }
            case TORN_CHECKPOINT -> {
                try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                    f.setLength(f.length() / 2);
                }
            }
            default -> throw new IllegalArgumentException("not a checkpoint crash: " + crash);
        }
    }

    private static Result result(Fs fs, String outDir, Map<Long, Integer> commits, Map<Long, Integer> writes,
                                 String where) throws IOException {
        TransactionalFileSink<String> reader = new TransactionalFileSink<>(outDir, fs.conf());
        TreeMap<Long, List<String>> committed = new TreeMap<>();
        for (long t : reader.committedTimes()) {
            committed.put(t, sorted(reader.readCommitted(new Time(t))));
        }
        return new Result(committed, new TreeMap<>(commits), new TreeMap<>(writes), where);
    }

    /**
     * Asserts exactly-once: the recovered run committed the same batches with the same records as
     * the uninterrupted one, and every batch time exactly once.
     */
    static void assertSameCommittedOutput(Pipeline p, Result uninterrupted, Result recovered) {
        int outputTimes = p.shape() == Shape.WINDOW_WITH_INVERSE ? p.total() / p.slideK() : p.total();
        assertEquals(outputTimes, uninterrupted.committed().size(), "every output time committed without a crash");
        List<String> diffs = new ArrayList<>();
        for (long t : uninterrupted.committed().keySet()) {
            List<String> a = uninterrupted.committed().get(t);
            List<String> b = recovered.committed().get(t);
            if (!a.equals(b)) {
                diffs.add("at " + t + ": uninterrupted " + a + ", recovered " + b);
            }
        }
        for (long t : recovered.committed().keySet()) {
            if (!uninterrupted.committed().containsKey(t)) {
                diffs.add("at " + t + ": only the recovered run committed " + recovered.committed().get(t));
            }
        }
        List<String> twice = recovered.commits().entrySet().stream().filter(e -> e.getValue() != 1)
                .map(e -> e.getKey() + " committed " + e.getValue() + " times").collect(Collectors.toList());
        assertTrue(diffs.isEmpty() && twice.isEmpty(), "recovered run (" + recovered.where() + ") of " + p
                + " differs:\n  " + String.join("\n  ", diffs) + "\n  " + String.join("\n  ", twice));
    }

    private static void deleteQuietly(Fs fs, String dir) {
        try {
            org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(dir);
            path.getFileSystem(fs.conf()).delete(path, true);
        } catch (IOException | RuntimeException ignored) {
            // a temporary directory; the test's own cleanup removes the root
        }
    }

    static void deleteLocal(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
        }
    }
}
