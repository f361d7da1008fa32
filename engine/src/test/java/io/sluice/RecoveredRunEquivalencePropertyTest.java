package io.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * A recovered run equals an uninterrupted one (CONVENTIONS.md, Tests; DESIGN.md I3): the same
 * input, fed through a {@link TestReceiver} with source positions, is run once without a break
 * (run A) and once stopped abruptly after a random batch, recovered with
 * {@link StreamingContext#getOrCreate} and continued (run B; sometimes stopped and recovered a
 * second time). Every stateful and windowed operation records its per-batch output; for every
 * operation and every batch time, the latest output of run B (a batch re-run after recovery is
 * output again) must equal run A's.
 *
 * <p>Run B resumes its source exactly where the durable data ends ({@link
 * Receiver#lastDurablePosition()}): records at positions below it were durable before the stop
 * and are not stored again (exactly-once ingestion). Each input batch is one block; it occupies
 * its records' positions plus one end-of-batch position, so that empty batches have positions of
 * their own and the position names the last durable batch.
 */
class RecoveredRunEquivalencePropertyTest {
    private static final long B = 1000;
    private static final Duration BATCH = Duration.ofMillis(B);
    private static final Duration AWAIT = Duration.ofSeconds(30);
    /** Batches run after the input ends, so windows drain and mapWithState keys time out. */
    private static final int DRAIN = 4;
    private static final List<String> WORDS = List.of("a", "b", "c", "d", "e");
    /** Every output operation of {@link #app}. */
    private static final int OPERATIONS = 14;

    /** How run B stops once batch k has completed. */
    enum StopMode {
        /** At once. */
        AFTER_BATCH,
        /** After storing batch k+1's records: durable, never allocated. */
        AFTER_STORE,
        /** After storing batch k+1's records and moving the clock to k+1 without waiting for it. */
        IN_FLIGHT
    }

    /** Run B stops after batch {@code seed % total} in {@code mode}. */
    record Stop(int seed, StopMode mode) {
    }

    /**
     * One example.
     *
     * @param input       the input batches (words, some batches empty)
     * @param checkpointK the checkpoint interval, in batches
     * @param windowK     the window, in batches
     * @param slideK      the slide, in batches
     * @param timeoutK    the mapWithState timeout, in batches
     * @param stops       where run B stops (once or twice); each stop is recovered from
     */
    record Case(List<List<String>> input, int checkpointK, int windowK, int slideK, int timeoutK, List<Stop> stops) {
        int total() {
            return input.size() + DRAIN;
        }

        /** The batches after which run B stops, in order: each in 0..total-1. */
        List<Integer> stopBatches() {
            return stops.stream().map(s -> s.seed() % total()).sorted().collect(Collectors.toList());
        }

        List<StopMode> stopModes() {
            List<Stop> sorted = new ArrayList<>(stops);
            sorted.sort(Comparator.comparingInt(s -> s.seed() % total()));
            return sorted.stream().map(Stop::mode).collect(Collectors.toList());
        }

        /** The source position just after input batch {@code j} (1-based; 0 for j = 0). */
        long end(int j) {
            long p = 0;
            for (int i = 1; i <= Math.min(j, input.size()); i++) {
                p += input.get(i - 1).size() + 1;
            }
            return p;
        }
    }

    private static Gen<Case> cases() {
        Gen<List<List<String>>> input = lists().of(
                lists().of(integers().between(0, WORDS.size() - 1).map(WORDS::get)).ofSizeBetween(0, 5))
                .ofSizeBetween(1, 8);
        record Knobs(int checkpointK, int windowK, int slideK, int timeoutK) {
        }
        Gen<Knobs> knobs = integers().between(1, 3).zip(integers().between(1, 4), integers().between(1, 3),
                integers().between(1, 3), Knobs::new);
        Gen<Stop> stop = integers().between(0, 11).zip(integers().between(0, StopMode.values().length - 1),
                (seed, mode) -> new Stop(seed, StopMode.values()[mode]));
        // Mostly one stop, sometimes two (a recovered context stopped and recovered again).
        Gen<List<Stop>> stops = lists().of(stop).ofSizeBetween(1, 2);
        return input.zip(knobs, stops, (in, k, st) ->
                new Case(in, k.checkpointK(), k.windowK(), k.slideK(), k.timeoutK(), st));
    }

    /** Per operation name, per batch time: the batch's output, sorted, as a string. */
    static final class Outputs {
        final Map<String, Map<Long, String>> byOp = new ConcurrentHashMap<>();
        /** Run B: where it stopped. */
        final List<String> stops = new ArrayList<>();

        void put(String op, Time t, List<?> records) {
            String s = records.stream().map(String::valueOf).sorted().collect(Collectors.joining(", ", "[", "]"));
            byOp.computeIfAbsent(op, k -> new ConcurrentHashMap<>()).put(t.milliseconds(), s);
        }
    }

    /** A running sum per key; a timing-out key emits its final sum. */
    private static StateSpec<String, Integer, Integer, String> runningSum(int timeoutK) {
        StateSpec<String, Integer, Integer, String> spec = StateSpec.function(
                (String k, Optional<Integer> v, State<Integer> s) -> {
                    if (s.isTimingOut()) {
                        return k + ":timeout:" + s.get();
                    }
                    int sum = s.getOption().orElse(0) + v.get();
                    s.update(sum);
                    return k + ":" + sum;
                });
        return timeoutK > 0 ? spec.timeout(Duration.ofMillis(timeoutK * B)) : spec;
    }

    private static <K, V> List<String> pairs(RDD<Tuple2<K, V>> rdd) {
        return rdd.collect().stream().map(kv -> kv._1() + "=" + kv._2()).collect(Collectors.toList());
    }

    /** The application: every stateful and windowed operation, each writing into {@code out}. */
    private static StreamingContext app(String cp, Case c, TestReceiver<String> receiver, Outputs out) {
        SluiceConf conf = new SluiceConf(false).setMaster("local[2]").setAppName("recovered-run-equivalence")
                .set("sluice.streaming.clock", "manual")
                .set("sluice.streaming.checkpoint.interval", c.checkpointK() + "s")
                .set("sluice.streaming.writeAheadLog.durability", "process");
        StreamingContext ssc = new StreamingContext(conf, BATCH);
        ssc.checkpoint(cp);
        Duration w = Duration.ofMillis(c.windowK() * B);
        Duration s = Duration.ofMillis(c.slideK() * B);
        DStream<String> words = ssc.receiverStream(receiver);
        PairDStream<String, Long> ones = words.mapToPair(x -> new Tuple2<>(x, 1L));
        PairDStream<String, Integer> values = words.mapToPair(x -> new Tuple2<>(x, x.charAt(0) - 'a' + 1));

        ones.updateStateByKey((List<Long> vs, Optional<Long> st) ->
                        Optional.of(st.orElse(0L) + vs.stream().mapToLong(Long::longValue).sum()))
                .foreachRDD((rdd, t) -> out.put("updateStateByKey", t, pairs(rdd)));

        MapWithStateDStream<String, Integer, Integer, String> sums = values.mapWithState(runningSum(0));
        sums.foreachRDD((rdd, t) -> out.put("mapWithState", t, rdd.collect()));
        sums.stateSnapshots().foreachRDD((rdd, t) -> out.put("mapWithState.stateSnapshots", t, pairs(rdd)));

        MapWithStateDStream<String, Integer, Integer, String> timed = values.mapWithState(runningSum(c.timeoutK()));
        timed.foreachRDD((rdd, t) -> out.put("mapWithState+timeout", t, rdd.collect()));
        timed.stateSnapshots().foreachRDD((rdd, t) -> out.put("mapWithState+timeout.stateSnapshots", t, pairs(rdd)));

        ones.reduceByKeyAndWindow(Long::sum, (a, b) -> a - b, w, s)
                .foreachRDD((rdd, t) -> out.put("reduceByKeyAndWindow+inverse", t, pairs(rdd)));
        ones.reduceByKeyAndWindow(Long::sum, (a, b) -> a - b, w, s, 2, kv -> kv._2() != 0L)
                .foreachRDD((rdd, t) -> out.put("reduceByKeyAndWindow+inverse+filter", t, pairs(rdd)));
        ones.reduceByKeyAndWindow(Long::sum, w, s)
                .foreachRDD((rdd, t) -> out.put("reduceByKeyAndWindow", t, pairs(rdd)));
        words.window(w, s).foreachRDD((rdd, t) -> out.put("window", t, rdd.collect()));
        words.countByWindow(w, s).foreachRDD((rdd, t) -> out.put("countByWindow", t, rdd.collect()));
        words.countByValueAndWindow(w, s).foreachRDD((rdd, t) -> out.put("countByValueAndWindow", t, pairs(rdd)));
        DStream<Integer> letters = values.map(Tuple2::_2);
        letters.reduceByWindow(Integer::sum, (a, b) -> a - b, w, s)
                .foreachRDD((rdd, t) -> out.put("reduceByWindow+inverse", t, rdd.collect()));
        letters.reduceByWindow(Integer::sum, w, s)
                .foreachRDD((rdd, t) -> out.put("reduceByWindow", t, rdd.collect()));
        values.groupByKeyAndWindow(w, s).foreachRDD((rdd, t) -> out.put("groupByKeyAndWindow", t,
                rdd.collect().stream().map(kv -> {
                    List<Integer> vs = new ArrayList<>();
                    kv._2().forEach(vs::add);
                    vs.sort(Comparator.naturalOrder());
                    return kv._1() + "=" + vs;
                }).collect(Collectors.toList())));
        return ssc;
    }

    /**
     * Stores input batch {@code j} as the source would deliver it when resumed at
     * {@code fromPosition}: only its records at or after that position, with the position just
     * after the batch. Nothing for a batch that was wholly durable already, or past the input.
     */
    private static void store(TestReceiver<String> r, Case c, int j, long fromPosition) {
        if (j < 1 || j > c.input().size()) {
            return;
        }
        long start = c.end(j - 1);
        long end = c.end(j);
        if (end <= fromPosition) {
            return;   // durable before the stop: storing it again would count it twice
        }
        List<String> batch = c.input().get(j - 1);
        int skip = (int) Math.max(0, Math.min(batch.size(), fromPosition - start));
        r.storeAt(new ArrayList<>(batch.subList(skip, batch.size())), end);
    }

    private static void step(StreamingContext ssc, long expectedMs) throws InterruptedException {
        Time t = ssc.manualClock().advance(BATCH);
        assertEquals(expectedMs, t.milliseconds(), "clock");
        assertTrue(ssc.awaitBatchCompletion(t, AWAIT), "batch " + t + " did not complete");
    }

    /** Run A: every batch, no interruption. */
    private static Outputs uninterrupted(Case c) throws Exception {
        Path dir = Files.createTempDirectory("recovered-run-a");
        Outputs out = new Outputs();
        try {
            String cp = dir.resolve("cp").toString();
            @SuppressWarnings("unchecked")
            TestReceiver<String>[] r = new TestReceiver[1];
            StreamingContext ssc = StreamingContext.getOrCreate(cp, () -> app(cp, c, r[0] = new TestReceiver<>(), out));
            try {
                ssc.start();
                r[0].awaitStarted();
                for (int j = 1; j <= c.total(); j++) {
                    store(r[0], c, j, 0);
                    step(ssc, j * B);
                }
            } finally {
                ssc.stop();
            }
        } finally {
            delete(dir);
        }
        return out;
    }

    /**
     * Run B: runs to each stop batch, stops abruptly there in the stop's mode, recovers with
     * getOrCreate (the new manual clock set to the last completed batch, as RecoveryTest does),
     * resumes the source at {@link Receiver#lastDurablePosition()}, and finally runs to the end.
     */
    private static Outputs recovered(Case c) throws Exception {
        Path dir = Files.createTempDirectory("recovered-run-b");
        Outputs out = new Outputs();
        List<Integer> stopBatches = c.stopBatches();
        List<StopMode> stopModes = c.stopModes();
        try {
            String cp = dir.resolve("cp").toString();
            @SuppressWarnings("unchecked")
            TestReceiver<String>[] r = new TestReceiver[1];
            long lastCompleted = 0;      // of the context stopped last
            int durableBatches = 0;      // input batches durable when it stopped
            for (int segment = 0; segment <= stopBatches.size(); segment++) {
                int first = (int) (lastCompleted / B) + 1;
                // A recovered context runs at least one batch before it stops again (so that
                // every batch it re-runs has completed), and nothing stops past the last batch.
                int k = segment < stopBatches.size()
                        ? Math.max(stopBatches.get(segment), segment == 0 ? 0 : first) : c.total();
                boolean stopping = k < c.total();
                if (!stopping) {
                    k = c.total();
                }
                StreamingContext ssc = StreamingContext.getOrCreate(cp,
                        () -> app(cp, c, r[0] = new TestReceiver<>(), out));
                try {
                    long resumeAt = 0;
                    if (segment > 0) {
                        ssc.manualClock().setTime(lastCompleted);
                    }
                    ssc.start();
                    if (segment > 0 && lastCompleted > 0) {
                        assertTrue(ssc.awaitBatchCompletion(new Time(lastCompleted), AWAIT),
                                "re-run up to batch " + lastCompleted);
                    }
                    r[0].awaitStarted();
                    if (segment > 0) {
                        resumeAt = r[0].<Long>lastDurablePosition().orElse(0L);
                        assertEquals(c.end(durableBatches), resumeAt, "lastDurablePosition after recovery "
                                + segment + " (end of input batch " + durableBatches + ")");
                    }
                    for (int j = first; j <= k; j++) {
                        store(r[0], c, j, resumeAt);
                        step(ssc, j * B);
                    }
                    if (stopping) {
                        StopMode mode = stopModes.get(segment);
                        durableBatches = Math.max(durableBatches, Math.min(c.input().size(), k));
                        if (mode != StopMode.AFTER_BATCH) {
                            store(r[0], c, k + 1, resumeAt);   // durable, not yet allocated
                            durableBatches = Math.max(durableBatches, Math.min(c.input().size(), k + 1));
                        }
                        if (mode == StopMode.IN_FLIGHT) {
                            ssc.manualClock().advance(BATCH);   // batch k+1 falls due; stop without waiting
                        }
                        ssc.stop();
                        lastCompleted = ssc.lastCompletedBatch().map(Time::milliseconds).orElse(0L);
                        out.stops.add("after batch " + k * B + " " + mode + " (last completed " + lastCompleted + ")");
                        if (mode == StopMode.IN_FLIGHT) {
                            assertTrue(lastCompleted == k * B || lastCompleted == (k + 1) * B,
                                    "last completed batch " + lastCompleted + " with batch " + (k + 1) * B + " in flight");
                        } else {
                            assertEquals(k * B, lastCompleted, "last completed batch before the stop");
                        }
                    }
                } finally {
                    ssc.stop();
                }
                if (!stopping) {
                    break;
                }
            }
        } finally {
            delete(dir);
        }
        return out;
    }

    private static void delete(Path dir) throws Exception {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void aRecoveredRunEqualsAnUninterruptedOne() {
        qt().withExamples(10).withShrinkCycles(12).forAll(cases()).checkAssert(c -> {
            Outputs a;
            Outputs b;
            try {
                a = uninterrupted(c);
                b = recovered(c);
            } catch (Exception e) {
                throw new AssertionError("run failed for " + c + ": " + e, e);
            }
            assertEquals(OPERATIONS, a.byOp.size(), "every operation wrote output: " + a.byOp.keySet());
            assertEquals(new TreeSet<>(a.byOp.keySet()), new TreeSet<>(b.byOp.keySet()), "operations with output");
            List<String> diffs = new ArrayList<>();
            for (String op : new TreeSet<>(a.byOp.keySet())) {
                Map<Long, String> ta = new TreeMap<>(a.byOp.get(op));
                Map<Long, String> tb = new TreeMap<>(b.byOp.get(op));
                for (long t : ta.keySet()) {
                    if (!ta.get(t).equals(tb.get(t))) {
                        diffs.add(op + " at " + t + ": uninterrupted " + ta.get(t) + ", recovered " + tb.get(t));
                    }
                }
                for (long t : tb.keySet()) {
                    if (!ta.containsKey(t)) {
                        diffs.add(op + " at " + t + ": only the recovered run output " + tb.get(t));
                    }
                }
            }
            assertTrue(diffs.isEmpty(), "recovered run (stopped " + String.join(", then ", b.stops) + ") differs for " + c
                    + ":\n  " + String.join("\n  ", diffs));
        });
    }
}
