package io.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Receiver restarts and receiver events reaching StreamingListeners. */
class ReceiverRestartTest {
    private static final Duration BATCH = Duration.ofSeconds(1);

    static SluiceConf conf() {
        return new SluiceConf(false).setMaster("local[2]").setAppName("receiver-restart")
                .set("sluice.streaming.clock", "manual")
                .set("sluice.streaming.receiverRestartDelay", "100ms");
    }

    /** Fails its first onStart; on later starts stores one block and reports an error. */
    static final class FailsFirstStart extends Receiver<String> {
        private static final long serialVersionUID = 1L;
        static final AtomicInteger STARTS = new AtomicInteger();
        static final AtomicInteger STOPS = new AtomicInteger();
        static final CountDownLatch STORED = new CountDownLatch(1);

        FailsFirstStart() {
            super(StorageLevel.MEMORY_ONLY);
        }

        @Override
        public void onStart() {
            if (STARTS.incrementAndGet() == 1) {
                throw new IllegalStateException("boom on first start");
            }
            Thread t = new Thread(() -> {
                store(List.of("x", "y", "z"));
                reportError("custom problem", new IOException("source hiccup"));
                STORED.countDown();
            }, "fails-first-start-worker");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void onStop() {
            STOPS.incrementAndGet();
        }
    }

    /** Stores a block, asks for a restart, and stores another block after it. */
    static final class RestartsItself extends Receiver<String> {
        private static final long serialVersionUID = 1L;
        static final AtomicInteger STARTS = new AtomicInteger();
        static final List<String> EVENTS = new CopyOnWriteArrayList<>();
        static final CountDownLatch SECOND_STORED = new CountDownLatch(1);

        RestartsItself() {
            super(StorageLevel.MEMORY_ONLY);
        }

        @Override
        public void onStart() {
            int n = STARTS.incrementAndGet();
            EVENTS.add("start" + n);
            Thread t = new Thread(() -> {
                if (n == 1) {
                    store(List.of("before"));
                    restart("asked by the test");
                } else {
                    store(List.of("after"));
                    SECOND_STORED.countDown();
                }
            }, "restarts-itself-worker");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void onStop() {
            EVENTS.add("stop");
        }
    }

    private record ErrorEvent(int streamId, String name, String message, Throwable error) {
    }

    private static final class Recorder implements StreamingListener {
        final List<String> started = new CopyOnWriteArrayList<>();
        final List<ErrorEvent> errors = new CopyOnWriteArrayList<>();
        final CountDownLatch startedLatch = new CountDownLatch(1);

        @Override
        public void onReceiverStarted(ReceiverInfo info) {
            started.add(info.streamId() + ":" + info.name());
            startedLatch.countDown();
        }

        @Override
        public void onReceiverError(ReceiverInfo info) {
            errors.add(new ErrorEvent(info.streamId(), info.name(), info.lastErrorMessage(), info.lastError().orElse(null)));
        }
    }

    private static Map<Long, List<String>> collect(DStream<String> s) {
        Map<Long, List<String>> out = new ConcurrentHashMap<>();
        s.foreachRDD((rdd, t) -> out.put(t.milliseconds(), rdd.collect()));
        return out;
    }

    @Test
    void receiverFailingItsFirstStartIsRestartedAndItsDataCounted() throws Exception {
        Recorder rec = new Recorder();
        try (StreamingContext ssc = new StreamingContext(conf(), BATCH)) {
            ssc.addStreamingListener(rec);
            Map<Long, List<String>> out = collect(ssc.receiverStream(new FailsFirstStart()));
            long begin = System.nanoTime();
            ssc.start();
            assertTrue(FailsFirstStart.STORED.await(10, TimeUnit.SECONDS), "the restarted receiver stored nothing");
            assertTrue(rec.startedLatch.await(10, TimeUnit.SECONDS), "onReceiverStarted not called");
            assertTrue(System.nanoTime() - begin < TimeUnit.MILLISECONDS.toNanos(1_900),
                    "restarted after the 100 ms delay, not the 2 s default");
            Time t = ssc.manualClock().advance(BATCH);
            assertTrue(ssc.awaitBatchCompletion(t, Duration.ofSeconds(10)));
            assertEquals(List.of("x", "y", "z"), out.get(1000L));
            assertEquals(2, FailsFirstStart.STARTS.get());
        }
        assertEquals(List.of("0:FailsFirstStart"), rec.started, "only the successful start is reported");
        List<ErrorEvent> startErrors = rec.errors.stream()
                .filter(e -> e.error() != null && "boom on first start".equals(e.error().getMessage())).toList();
        assertEquals(1, startErrors.size(), "the failed start reaches onReceiverError: " + rec.errors);
        assertEquals(0, startErrors.get(0).streamId());
        assertEquals("FailsFirstStart", startErrors.get(0).name());
        List<ErrorEvent> reported = rec.errors.stream().filter(e -> "custom problem".equals(e.message())).toList();
        assertEquals(1, reported.size(), "reportError reaches onReceiverError: " + rec.errors);
        assertInstanceOf(IOException.class, reported.get(0).error());
    }

    @Test
    void restartRequestedByTheReceiverStopsThenStartsIt() throws Exception {
        Recorder rec = new Recorder();
        List<String> stopped = new CopyOnWriteArrayList<>();
        try (StreamingContext ssc = new StreamingContext(conf(), BATCH)) {
            ssc.addStreamingListener(rec);
            ssc.addStreamingListener(new StreamingListener() {
                @Override
                public void onReceiverStopped(ReceiverInfo info) {
                    stopped.add(info.name());
                }
            });
            Map<Long, List<String>> out = collect(ssc.receiverStream(new RestartsItself()));
            ssc.start();
            assertTrue(RestartsItself.SECOND_STORED.await(10, TimeUnit.SECONDS), "not restarted");
            Time t = ssc.manualClock().advance(BATCH);
            assertTrue(ssc.awaitBatchCompletion(t, Duration.ofSeconds(10)));
            List<String> got = new ArrayList<>(out.get(1000L));
            got.sort(null);
            assertEquals(List.of("after", "before"), got, "blocks stored before and after the restart");
            assertEquals(List.of("start1", "stop", "start2"), RestartsItself.EVENTS);
            assertEquals(List.of("RestartsItself"), stopped, "onReceiverStopped for the restart");
            assertTrue(rec.errors.stream().anyMatch(e -> e.message().contains("asked by the test")), rec.errors.toString());
        }
    }
}
