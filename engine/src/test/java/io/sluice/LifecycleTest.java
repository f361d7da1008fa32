package io.sluice;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lifecycle rules of StreamingContext, as Spark's: each broken rule throws with the cause and the fix. */
class LifecycleTest {
    private static final Duration BATCH = Duration.ofSeconds(1);

    static SluiceConf manualConf() {
        return new SluiceConf(false).setMaster("local[2]").setAppName("lifecycle")
                .set("sluice.streaming.clock", "manual");
    }

    private static StreamingContext newContext() {
        return new StreamingContext(manualConf(), BATCH);
    }

    /** A queue stream with one foreachRDD output, so the context can start. */
    private static DStream<String> withOutput(StreamingContext ssc) {
        Queue<RDD<String>> q = new ConcurrentLinkedQueue<>();
        DStream<String> s = ssc.queueStream(q);
        s.foreachRDD(rdd -> { });
        return s;
    }

    @AfterEach
    void noContextLeftActive() {
        Optional<StreamingContext> a = StreamingContext.getActive();
        a.ifPresent(StreamingContext::stop);
        assertTrue(a.isEmpty(), "a test left an active context");
    }

    private static void assertMessageContains(Throwable e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(p),
                    "message should contain [" + p + "]: " + e.getMessage());
        }
    }

    @Test
    void addingOperationsAfterStartIsRefused() {
        try (StreamingContext ssc = newContext()) {
            DStream<String> s = withOutput(ssc);
            ssc.start();
            IllegalStateException map = assertThrows(IllegalStateException.class, () -> s.map(x -> x));
            assertMessageContains(map, "not supported", "after starting");
            assertThrows(IllegalStateException.class, () -> s.foreachRDD(rdd -> { }));
            assertThrows(IllegalStateException.class, s::print);
            assertThrows(IllegalStateException.class, () -> s.mapToPair(x -> new Tuple2<>(x, 1)));
            IllegalStateException input = assertThrows(IllegalStateException.class,
                    () -> ssc.queueStream(new ConcurrentLinkedQueue<RDD<String>>()));
            assertMessageContains(input, "not supported", "after starting");
            assertThrows(IllegalStateException.class, () -> ssc.checkpoint("/tmp/never-used"));
            assertEquals(StreamingContextState.ACTIVE, ssc.getState(), "a refused operation must not stop the context");
        }
    }

    @Test
    void addingOperationsAfterStopIsRefused() {
        StreamingContext ssc = newContext();
        DStream<String> s = withOutput(ssc);
        ssc.start();
        ssc.stop();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.filter(x -> true));
        assertMessageContains(e, "not supported");
    }

    @Test
    void secondActiveContextIsRefused() {
        try (StreamingContext first = newContext(); StreamingContext second = newContext()) {
            withOutput(first);
            withOutput(second);
            first.start();
            IllegalStateException e = assertThrows(IllegalStateException.class, second::start);
            assertMessageContains(e, "Only one StreamingContext");
            assertEquals(StreamingContextState.INITIALIZED, second.getState(),
                    "the refused context is still usable once the other one stops");
            assertSame(first, StreamingContext.getActive().orElseThrow());
            first.stop();
            second.start();
            assertEquals(StreamingContextState.ACTIVE, second.getState());
            assertSame(second, StreamingContext.getActive().orElseThrow());
        }
    }

    @Test
    void startAfterStopIsRefused() {
        StreamingContext ssc = newContext();
        withOutput(ssc);
        ssc.start();
        ssc.stop();
        IllegalStateException e = assertThrows(IllegalStateException.class, ssc::start);
        assertMessageContains(e, "already been stopped");
        assertEquals(StreamingContextState.STOPPED, ssc.getState());
    }

    @Test
    void startOfAContextStoppedBeforeStartingIsRefused() {
        StreamingContext ssc = newContext();
        withOutput(ssc);
        ssc.stop();
        assertEquals(StreamingContextState.STOPPED, ssc.getState());
        IllegalStateException e = assertThrows(IllegalStateException.class, ssc::start);
        assertMessageContains(e, "already been stopped");
    }

    @Test
    void startWithoutOutputOperationIsRefused() {
        try (StreamingContext ssc = newContext()) {
            ssc.queueStream(new ConcurrentLinkedQueue<RDD<String>>()).map(String::length);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, ssc::start);
            assertMessageContains(e, "No output operations");
            assertTrue(StreamingContext.getActive().isEmpty());
        }
    }

    @Test
    void statefulOperationWithoutCheckpointDirectoryIsRefused() {
        try (StreamingContext ssc = newContext()) {
            ssc.queueStream(new ConcurrentLinkedQueue<RDD<String>>())
                    .mapToPair(w -> new Tuple2<>(w, 1))
                    .updateStateByKey((List<Integer> vs, Optional<Integer> s) -> Optional.of(s.orElse(0) + vs.size()))
                    .foreachRDD(rdd -> { });
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, ssc::start);
            assertTrue(e.getMessage().toLowerCase().contains("checkpoint"), e.getMessage());
            assertTrue(StreamingContext.getActive().isEmpty());
        }
    }

    @Test
    void stateGoesFromInitializedToActiveToStopped() throws InterruptedException {
        StreamingContext ssc = newContext();
        withOutput(ssc);
        assertEquals(StreamingContextState.INITIALIZED, ssc.getState());
        ssc.start();
        assertEquals(StreamingContextState.ACTIVE, ssc.getState());
        assertSame(ssc, StreamingContext.getActive().orElseThrow());
        ssc.stop();
        assertEquals(StreamingContextState.STOPPED, ssc.getState());
        assertTrue(ssc.awaitTerminationOrTimeout(1_000), "a stopped context has terminated");
    }

    @Test
    void startWhileActiveIsHarmless() {
        try (StreamingContext ssc = newContext()) {
            withOutput(ssc);
            ssc.start();
            assertDoesNotThrow(ssc::start);
            assertEquals(StreamingContextState.ACTIVE, ssc.getState());
        }
    }

    @Test
    void stopTwiceIsHarmless() {
        StreamingContext ssc = newContext();
        withOutput(ssc);
        ssc.start();
        ssc.stop();
        assertDoesNotThrow(() -> ssc.stop());
        assertDoesNotThrow(() -> ssc.stop(true));
        assertDoesNotThrow(ssc::close);
        assertEquals(StreamingContextState.STOPPED, ssc.getState());
    }

    @Test
    void afterStopNoContextIsActiveAndANewOneCanStart() throws Exception {
        StreamingContext first = newContext();
        withOutput(first);
        first.start();
        first.stop();
        assertTrue(StreamingContext.getActive().isEmpty());
        try (StreamingContext second = newContext()) {
            Queue<RDD<Integer>> q = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<Long> counts = new ConcurrentLinkedQueue<>();
            second.queueStream(q).count().foreachRDD(rdd -> counts.addAll(rdd.collect()));
            q.add(second.parallelize(List.of(1, 2, 3), 2));
            second.start();
            assertSame(second, StreamingContext.getActive().orElseThrow());
            Time t = second.manualClock().advance(BATCH);
            assertTrue(second.awaitBatchCompletion(t, Duration.ofSeconds(10)));
            assertEquals(List.of(3L), List.copyOf(counts), "the second context runs its batches");
        }
    }

    @Test
    void getActiveOrCreateReturnsTheActiveContext() {
        try (StreamingContext ssc = newContext()) {
            withOutput(ssc);
            ssc.start();
            assertSame(ssc, StreamingContext.getActiveOrCreate(() -> {
                throw new AssertionError("must not create a context while one is active");
            }));
        }
    }

    @Test
    void manualClockOnASystemClockContextNamesTheKey() {
        try (StreamingContext ssc = new StreamingContext(new SluiceConf(false).setMaster("local[1]")
                .setAppName("system-clock"), BATCH)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, ssc::manualClock);
            assertMessageContains(e, "sluice.streaming.clock");
        }
    }

    @Test
    void awaitBatchCompletionBeforeStartIsRefused() {
        try (StreamingContext ssc = newContext()) {
            assertThrows(IllegalStateException.class, () -> ssc.awaitBatchCompletion(new Time(1000), Duration.ofMillis(10)));
        }
    }

    @Test
    void nonPositiveBatchDurationIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new StreamingContext(manualConf(), Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new StreamingContext(manualConf(), Duration.ofSeconds(-1)));
        // Below a millisecond is zero for a batch clock that counts milliseconds.
        assertThrows(IllegalArgumentException.class, () -> new StreamingContext(manualConf(), Duration.ofNanos(500)));
        assertThrows(IllegalArgumentException.class, () -> new StreamingContext(manualConf(), null));
    }

    /**
     * Spark refuses a DStream checkpoint interval below the slide duration when the context starts
     * ("The checkpoint interval ... has been set to ... which is lower than its slide time"); an
     * interval of 0 would checkpoint at every instant.
     */
    @Test
    void zeroStreamCheckpointIntervalIsRejected(@TempDir Path dir) {
        try (StreamingContext ssc = newContext()) {
            ssc.checkpoint(dir.resolve("cp").toString());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
                DStream<String> s = ssc.queueStream(new ConcurrentLinkedQueue<RDD<String>>());
                s.checkpoint(Duration.ZERO);
                s.foreachRDD(rdd -> { });
                ssc.start();
            });
            assertTrue(e.getMessage().toLowerCase().contains("checkpoint"), e.getMessage());
        }
    }

    @Test
    void streamCheckpointIntervalNotAMultipleOfTheSlideIsRejected() {
        try (StreamingContext ssc = newContext()) {
            DStream<String> s = ssc.queueStream(new ConcurrentLinkedQueue<RDD<String>>());
            assertThrows(IllegalArgumentException.class, () -> s.checkpoint(Duration.ofMillis(1500)));
        }
    }
}
