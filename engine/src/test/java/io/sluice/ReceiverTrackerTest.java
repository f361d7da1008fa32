package io.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The receiver tracker: several receivers at once on threads of their own (so {@code local[1]}
 * is never starved), restarts after exceptions from any receiver thread with exponential
 * backoff, lifecycle events with {@link ReceiverInfo}, and a bounded stop.
 */
class ReceiverTrackerTest {
    private static final Duration BATCH = Duration.ofSeconds(1);
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static SluiceConf conf(String master) {
        return new SluiceConf(false).setMaster(master).setAppName("receiver-tracker")
                .set("sluice.streaming.clock", "manual")
                .set("sluice.streaming.receiverRestartDelay", "10ms")
                .set("sluice.streaming.receiver.maxRestartDelay", "40ms")
                .set("sluice.streaming.receiver.stopTimeout", "300ms");
    }

    private static Map<Long, List<String>> collect(DStream<String> s) {
        Map<Long, List<String>> out = new ConcurrentHashMap<>();
        s.foreachRDD((rdd, t) -> out.put(t.milliseconds(), new ArrayList<>(rdd.collect())));
        return out;
    }

    private static Time nextBatch(StreamingContext ssc) throws InterruptedException {
        Time t = ssc.manualClock().advance(BATCH);
        assertTrue(ssc.awaitBatchCompletion(t, WAIT), "batch " + t + " did not complete");
        return t;
    }

    /** onStart never returns (it blocks until onStop). */
    static final class BlocksInOnStart extends Receiver<String> {
        private static final long serialVersionUID = 1L;
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch inOnStart = new CountDownLatch(1);
        volatile String thread;

        BlocksInOnStart() {
            super(StorageLevel.MEMORY_ONLY);
        }

        @Override
        public void onStart() {
            thread = Thread.currentThread().getName();
            inOnStart.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void onStop() {
            release.countDown();
        }
    }

    /** A thread that stores a one-record block every millisecond until stopped. */
    static final class Busy extends Receiver<String> {
        private static final long serialVersionUID = 1L;
        final AtomicInteger stored = new AtomicInteger();
        volatile String startThread;
        volatile String workerThread;

        Busy() {
            super(StorageLevel.MEMORY_ONLY);
        }

        @Override
        public void onStart() {
            startThread = Thread.currentThread().getName();
            Thread t = new Thread(() -> {
                workerThread = Thread.currentThread().getName();
                while (!isStopped()) {
                    store(List.of("busy-" + stored.getAndIncrement()));
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "busy-worker");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void onStop() {
        }
    }

    @Test
    void severalReceiversOnTheirOwnThreadsNeverStarveLocalOne() throws Exception {
        BlocksInOnStart blocking = new BlocksInOnStart();
        Busy busy = new Busy();
        TestReceiver<String> manual = new TestReceiver<>();
        try (StreamingContext ssc = new StreamingContext(conf("local[1]"), BATCH)) {
            Map<Long, List<String>> blockingOut = collect(ssc.receiverStream(blocking));
            Map<Long, List<String>> busyOut = collect(ssc.receiverStream(busy));
            Map<Long, List<String>> manualOut = collect(ssc.receiverStream(manual));
            ssc.start();
            assertTrue(blocking.inOnStart.await(10, TimeUnit.SECONDS));
            manual.awaitStarted();
            for (int batch = 1; batch <= 3; batch++) {
                manual.store(List.of("m" + batch));
                Time t = nextBatch(ssc);
                assertEquals(List.of("m" + batch), manualOut.get(t.milliseconds()),
                        "batch " + batch + " ran on local[1] while one receiver blocks in onStart and one is busy");
                assertEquals(List.of(), blockingOut.get(t.milliseconds()));
            }
            long busyRecords = busyOut.values().stream().mapToLong(List::size).sum();
            assertTrue(busyRecords > 0, "the busy receiver's records reached the batches");
            Set<String> threads = new HashSet<>(List.of(blocking.thread, busy.startThread, busy.workerThread));
            assertEquals(3, threads.size(), "each receiver on its own threads: " + threads);
            assertTrue(threads.stream().noneMatch(n -> n.startsWith("sluice-task-")), "no task thread: " + threads);
        }
        assertTrue(blocking.release.getCount() == 0, "onStop was called on the receiver blocked in onStart");
    }

    /** Start 1 stores a block then its thread dies; start 2 stores another block. */
    static final class DiesAfterStoring extends Receiver<String> {
        private static final long serialVersionUID = 1L;
        final AtomicInteger starts = new AtomicInteger();
        final CountDownLatch secondStored = new CountDownLatch(1);

        DiesAfterStoring() {
            super(StorageLevel.MEMORY_ONLY);
        }

        @Override
        public void onStart() {
            int n = starts.incrementAndGet();
            Thread t = new Thread(() -> {
                if (n == 1) {
                    store(List.of("before-crash"));
                    throw new IllegalStateException("worker crashed");
                }
                store(List.of("after-restart"));
                secondStored.countDown();
            }, "dies-after-storing-" + n);
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void onStop() {
        }
    }

    @Test
    void anExceptionEscapingAReceiverThreadRestartsItAndLosesNoStoredData() throws Exception {
        DiesAfterStoring r = new DiesAfterStoring();
        List<ReceiverInfo> errors = new CopyOnWriteArrayList<>();
        try (StreamingContext ssc = new StreamingContext(conf("local[2]"), BATCH)) {
            ssc.addStreamingListener(new StreamingListener() {
                @Override
                public void onReceiverError(ReceiverInfo info) {
                    errors.add(info);
                }
            });
            Map<Long, List<String>> out = collect(ssc.receiverStream(r));
            ssc.start();
            assertTrue(r.secondStored.await(10, TimeUnit.SECONDS), "not restarted after its thread died");
            Time t = nextBatch(ssc);
            List<String> got = new ArrayList<>(out.get(t.milliseconds()));
            got.sort(null);
            assertEquals(List.of("after-restart", "before-crash"), got);
            assertEquals(2, r.starts.get());
        }
        ReceiverInfo crash = errors.stream().filter(e -> e.lastErrorMessage().contains("worker crashed")).findFirst()
                .orElseThrow(() -> new AssertionError("the crash reached onReceiverError: " + errors));
        assertTrue(crash.lastErrorMessage().contains("dies-after-storing-1"), crash.lastErrorMessage());
        assertTrue(crash.lastError().orElseThrow() instanceof IllegalStateException);
        assertTrue(crash.lastErrorTimeMs() > 0);
    }

    /** Starts 1-3 fail; start 4 stores a record, then asks for a restart; start 5 fails; later starts idle. */
    static final class Flaky extends Receiver<String> {
        private static final long serialVersionUID = 1L;
        final AtomicInteger starts = new AtomicInteger();
        final CountDownLatch sixthStart = new CountDownLatch(1);

        Flaky() {
            super(StorageLevel.MEMORY_ONLY);
        }

        @Override
        public void onStart() {
            int n = starts.incrementAndGet();
            if (n <= 3 || n == 5) {
                throw new IllegalStateException("start " + n + " failed");
            }
            if (n == 4) {
                store("progress");
                restart("asked after progress");
            }
            if (n == 6) {
                sixthStart.countDown();
            }
        }

        @Override
        public void onStop() {
        }
    }

    @Test
    void restartsBackOffExponentiallyAndStartOverAfterProgress() throws Exception {
        Flaky r = new Flaky();
        List<ReceiverInfo> errors = new CopyOnWriteArrayList<>();
        List<ReceiverInfo> started = new CopyOnWriteArrayList<>();
        List<ReceiverInfo> stopped = new CopyOnWriteArrayList<>();
        try (StreamingContext ssc = new StreamingContext(conf("local[2]")
                .set("sluice.streaming.receiverRestartDelay", "10ms")
                .set("sluice.streaming.receiver.restartBackoffMultiplier", "30")
                .set("sluice.streaming.receiver.maxRestartDelay", "1500ms"), BATCH)) {
            ssc.addStreamingListener(new StreamingListener() {
                @Override
                public void onReceiverError(ReceiverInfo info) {
                    errors.add(info);
                }

                @Override
                public void onReceiverStarted(ReceiverInfo info) {
                    started.add(info);
                }

                @Override
                public void onReceiverStopped(ReceiverInfo info) {
                    stopped.add(info);
                }
            });
            collect(ssc.receiverStream(r));
            ssc.start();
            assertTrue(r.sixthStart.await(10, TimeUnit.SECONDS), "the receiver was not started six times");
        }
        List<Long> delays = new ArrayList<>();
        Pattern p = Pattern.compile("restarting in (\\d+) ms");
        for (ReceiverInfo e : errors) {
            Matcher m = p.matcher(e.lastErrorMessage());
            if (m.find()) {
                delays.add(Long.parseLong(m.group(1)));
            }
        }
        // 10, 300, 9000 capped at 1500; after start 4 stored a record the next delay is 10 again.
        // (A start counts as healthy after running 1.5 s, far longer than a failing onStart takes.)
        assertEquals(List.of(10L, 300L, 1500L, 10L, 300L), delays, errors.toString());
        assertTrue(started.stream().allMatch(ReceiverInfo::active), "started receivers are active: " + started);
        assertTrue(started.stream().allMatch(i -> i.streamId() == 0 && i.name().equals("Flaky")));
        assertTrue(stopped.stream().noneMatch(ReceiverInfo::active), "stopped receivers are inactive: " + stopped);
        assertEquals("start 5 failed", errors.get(4).lastError().orElseThrow().getMessage());
    }

    /** One thread ends when stopped; another ignores isStopped() and only ends when interrupted. */
    static final class HasAStuckThread extends Receiver<String> {
        private static final long serialVersionUID = 1L;
        final CountDownLatch threadsRunning = new CountDownLatch(2);
        final CountDownLatch stuckInterrupted = new CountDownLatch(1);
        final AtomicInteger politeInterrupted = new AtomicInteger();
        final AtomicInteger onStopCalls = new AtomicInteger();
        final List<Thread> threads = new CopyOnWriteArrayList<>();

        HasAStuckThread() {
            super(StorageLevel.MEMORY_ONLY);
        }

        @Override
        public void onStart() {
            Thread polite = new Thread(() -> {
                threadsRunning.countDown();
                while (!isStopped()) {
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        politeInterrupted.incrementAndGet();
                        return;
                    }
                }
            }, "polite");
            Thread stuck = new Thread(() -> {
                threadsRunning.countDown();
                while (true) {
                    try {
                        Thread.sleep(60_000);
                    } catch (InterruptedException e) {
                        stuckInterrupted.countDown();
                        return;
                    }
                }
            }, "stuck");
            for (Thread t : List.of(polite, stuck)) {
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
        }

        @Override
        public void onStop() {
            onStopCalls.incrementAndGet();
        }
    }

    @Test
    void stopCallsOnStopJoinsThreadsAndInterruptsTheStuckOnes() throws Exception {
        HasAStuckThread r = new HasAStuckThread();
        List<ReceiverInfo> stopped = new CopyOnWriteArrayList<>();
        // 2 s: ample for the polite thread to see isStopped(), even on a loaded machine.
        StreamingContext ssc = new StreamingContext(conf("local[2]").set("sluice.streaming.receiver.stopTimeout", "2s"), BATCH);
        ssc.addStreamingListener(new StreamingListener() {
            @Override
            public void onReceiverStopped(ReceiverInfo info) {
                stopped.add(info);
            }
        });
        collect(ssc.receiverStream(r));
        ssc.start();
        assertTrue(r.threadsRunning.await(10, TimeUnit.SECONDS));
        ssc.stop();
        assertEquals(1, r.onStopCalls.get(), "onStop called once");
        assertEquals(0, r.stuckInterrupted.getCount(), "the stuck thread was interrupted after the stop timeout");
        assertEquals(0, r.politeInterrupted.get(), "the thread that checks isStopped() ended on its own");
        for (Thread t : r.threads) {
            assertFalse(t.isAlive(), t.getName() + " still alive after stop");
        }
        assertEquals(1, stopped.size());
        assertFalse(stopped.get(0).active());
        assertEquals(StreamingContextState.STOPPED, ssc.getState());
    }

    @Test
    void receiverInfoCarriesTheLastReportedError() throws Exception {
        TestReceiver<String> r = new TestReceiver<>();
        List<ReceiverInfo> events = new CopyOnWriteArrayList<>();
        CountDownLatch startedEvent = new CountDownLatch(1);
        try (StreamingContext ssc = new StreamingContext(conf("local[2]"), BATCH)) {
            ssc.addStreamingListener(new StreamingListener() {
                @Override
                public void onReceiverStarted(ReceiverInfo info) {
                    events.add(info);
                    startedEvent.countDown();
                }

                @Override
                public void onReceiverError(ReceiverInfo info) {
                    events.add(info);
                }
            });
            collect(ssc.receiverStream(r));
            ssc.start();
            assertTrue(startedEvent.await(10, TimeUnit.SECONDS));
            long before = System.currentTimeMillis();
            r.reportError("source lagging", new java.io.IOException("lag"));
            assertEquals(2, events.size(), events.toString());
            ReceiverInfo start = events.get(0);
            assertEquals(new ReceiverInfo(0, "TestReceiver", true, "", java.util.Optional.empty(), -1), start);
            ReceiverInfo err = events.get(1);
            assertEquals("source lagging", err.lastErrorMessage());
            assertEquals("lag", err.lastError().orElseThrow().getMessage());
            assertTrue(err.lastErrorTimeMs() >= before, "error time set");
            assertTrue(err.active(), "reportError does not stop the receiver");
        }
    }

    /** Stores one block (opening the write-ahead log), then lists the threads of its own thread group. */
    static final class ListsItsThreadGroup extends Receiver<String> {
        private static final long serialVersionUID = 1L;
        final CountDownLatch listed = new CountDownLatch(1);
        final List<String> groupThreads = new CopyOnWriteArrayList<>();

        ListsItsThreadGroup() {
            super(StorageLevel.MEMORY_ONLY);
        }

        @Override
        public void onStart() {
            Thread t = new Thread(() -> {
                store(List.of("a", "b"));
                store(List.of("c"));
                ThreadGroup g = Thread.currentThread().getThreadGroup();
                Thread[] all = new Thread[g.activeCount() + 16];
                int n = g.enumerate(all, true);
                for (int i = 0; i < n; i++) {
                    groupThreads.add(all[i].getName());
                }
                listed.countDown();
                while (!isStopped()) {
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "own-worker");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void onStop() {
        }
    }

    /**
     * The write-ahead log and the tracker log may start background threads when a receiver's
     * store first touches them. Those must not count as the receiver's threads (a restart would
     * wait for them, then interrupt them), so the durable write runs outside the receiver's
     * thread group.
     */
    @Test
    void threadsStartedByTheStorePathAreNotTheReceivers(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        ListsItsThreadGroup r = new ListsItsThreadGroup();
        try (StreamingContext ssc = new StreamingContext(conf("local[2]")
                .set("sluice.streaming.writeAheadLog.durability", "process"), BATCH)) {
            ssc.checkpoint(dir.toString());
            Map<Long, List<String>> out = collect(ssc.receiverStream(r));
            ssc.start();
            assertTrue(r.listed.await(20, TimeUnit.SECONDS));
            Time t = nextBatch(ssc);
            assertEquals(List.of("a", "b", "c"), out.get(t.milliseconds()));
        }
        Set<String> allowed = Set.of("own-worker", "sluice-receiver-0");
        assertTrue(allowed.containsAll(r.groupThreads), "only the receiver's own threads: " + r.groupThreads);
    }
}
