package io.sluice.internal.storage.wal;

import static io.sluice.internal.storage.wal.WalTestSupport.flipByte;
import static io.sluice.internal.storage.wal.WalTestSupport.locate;
import static io.sluice.internal.storage.wal.WalTestSupport.payload;
import static io.sluice.internal.storage.wal.WalTestSupport.segmentFiles;
import static io.sluice.internal.storage.wal.WalTestSupport.zero;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ChronicleWriteAheadLogTest {

    @TempDir
    Path tmp;

    private final AtomicInteger dirs = new AtomicInteger();

    private Path newDir() {
        return tmp.resolve("wal-" + dirs.incrementAndGet());
    }

    record Entry(WalHandle handle, byte[] payload) {
    }

    private static List<Entry> replayAll(WriteAheadLog wal) {
        List<Entry> entries = new ArrayList<>();
        wal.replay((handle, bytes) -> entries.add(new Entry(handle, bytes)));
        return entries;
    }

    private static void assertSameRecords(List<Entry> expected, List<Entry> actual) {
        assertEquals(expected.size(), actual.size(), "record count");
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).handle(), actual.get(i).handle(), "handle of record " + i);
            assertArrayEquals(expected.get(i).payload(), actual.get(i).payload(), "payload of record " + i);
        }
    }

    @Test
    void propertyAppendedRecordsReadBackByHandleAndByReplay() {
        qt().withExamples(40)
                .forAll(lists().of(integers().between(0, 64 * 1024)).ofSizeBetween(0, 25),
                        booleans().all())
                .checkAssert((sizes, reopen) -> {
                    Path dir = newDir();
                    List<Entry> appended = new ArrayList<>();
                    try (ChronicleWriteAheadLog wal = ChronicleWriteAheadLog.open(dir, Durability.PROCESS)) {
                        for (int i = 0; i < sizes.size(); i++) {
                            byte[] bytes = payload(i * 31L + sizes.get(i), sizes.get(i));
                            appended.add(new Entry(wal.append(bytes), bytes));
                        }
                        for (Entry entry : appended) {
                            assertArrayEquals(entry.payload(), wal.read(entry.handle()));
                        }
                        assertSameRecords(appended, replayAll(wal));
                    }
                    if (reopen) {
                        try (ChronicleWriteAheadLog wal = ChronicleWriteAheadLog.open(dir, Durability.PROCESS)) {
                            assertSameRecords(appended, replayAll(wal));
                            for (Entry entry : appended) {
                                assertArrayEquals(entry.payload(), wal.read(entry.handle()));
                            }
                        }
                    }
                });
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void bothDurabilitiesAppendReadAndReplay(Durability durability) {
        Path dir = newDir();
        List<Entry> appended = new ArrayList<>();
        try (ChronicleWriteAheadLog wal = ChronicleWriteAheadLog.open(dir, durability)) {
            for (int i = 0; i < 20; i++) {
                byte[] bytes = payload(i, 100 * i);
                appended.add(new Entry(wal.append(bytes), bytes));
            }
            assertSameRecords(appended, replayAll(wal));
            // One thread alone: every FSYNC append pays its own sync; PROCESS never syncs.
            assertEquals(durability == Durability.FSYNC ? 20 : 0, wal.syncCount());
        }
        try (ChronicleWriteAheadLog wal = ChronicleWriteAheadLog.open(dir, durability)) {
            assertSameRecords(appended, replayAll(wal));
        }
    }

    @Test
    void groupCommitSharesSyncsBetweenConcurrentAppenders() throws Exception {
        int threads = 8;
        int perThread = 40;
        List<Entry> appended = Collections.synchronizedList(new ArrayList<>());
        try (ChronicleWriteAheadLog wal = ChronicleWriteAheadLog.open(newDir(), Durability.FSYNC)) {
            runConcurrently(threads, thread -> {
                for (int i = 0; i < perThread; i++) {
                    byte[] bytes = payload(thread * 1000L + i, 1024);
                    appended.add(new Entry(wal.append(bytes), bytes));
                }
            });
            long syncs = wal.syncCount();
            assertTrue(syncs >= 1 && syncs < threads * perThread,
                    syncs + " syncs for " + threads * perThread + " appends");
            for (Entry entry : appended) {
                assertArrayEquals(entry.payload(), wal.read(entry.handle()));
            }
        }
    }

    @Test
    void concurrentAppendsAreAllReadableAndReplayFollowsHandleOrder() throws Exception {
        int threads = 4;
        int perThread = 250;
        List<List<Entry>> byThread = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            byThread.add(new ArrayList<>());
        }
        try (ChronicleWriteAheadLog wal = ChronicleWriteAheadLog.open(newDir(), Durability.PROCESS)) {
            runConcurrently(threads, thread -> {
                for (int i = 0; i < perThread; i++) {
                    byte[] bytes = payload(thread * 100_000L + i, 1 + (i * 37) % 3000);
                    byThread.get(thread).add(new Entry(wal.append(bytes), bytes));
                }
            });
            List<Entry> all = new ArrayList<>();
            byThread.forEach(all::addAll);
            for (Entry entry : all) {
                assertArrayEquals(entry.payload(), wal.read(entry.handle()));
            }
            all.sort((a, b) -> Long.compare(a.handle().index(), b.handle().index()));
            assertSameRecords(all, replayAll(wal));
            for (List<Entry> own : byThread) {
                for (int i = 1; i < own.size(); i++) {
                    assertTrue(own.get(i - 1).handle().index() < own.get(i).handle().index(),
                            "a thread's appends keep their order");
                }
            }
        }
    }

    @Test
    void readerSeesRecordsWhileTheWriterAppends() throws Exception {
        int count = 500;
        BlockingQueue<Entry> published = new LinkedBlockingQueue<>();
        WalHandle end = new WalHandle(-1, -1);
        try (ChronicleWriteAheadLog wal = ChronicleWriteAheadLog.open(newDir(), Durability.PROCESS)) {
            ExecutorService writer = Executors.newSingleThreadExecutor();
            try {
                Future<?> writing = writer.submit(() -> {
                    for (int i = 0; i < count; i++) {
                        byte[] bytes = payload(i, 10 + i);
                        published.add(new Entry(wal.append(bytes), bytes));
                    }
                    published.add(new Entry(end, null));
                });
                List<Entry> seen = new ArrayList<>();
                for (Entry entry = published.take(); entry.handle() != end; entry = published.take()) {
                    assertArrayEquals(entry.payload(), wal.read(entry.handle()));
                    seen.add(entry);
                    if (seen.size() % 50 == 0) {
                        List<Entry> replayed = replayAll(wal);
                        assertTrue(replayed.size() >= seen.size(), "replay sees every published record");
                        assertSameRecords(seen, replayed.subList(0, seen.size()));
                    }
                }
                writing.get();
                assertEquals(count, seen.size());
            } finally {
                writer.shutdownNow();
            }
        }
    }

    @Test
    void propertyACorruptOrTruncatedLastRecordIsSkippedAndEverythingBeforeItReplays() {
        qt().withExamples(25)
                .forAll(lists().of(integers().between(0, 4096)).ofSizeBetween(1, 8),
                        integers().between(0, Integer.MAX_VALUE),
                        integers().between(1, 255),
                        booleans().all())
                .checkAssert((sizes, offsetSeed, mask, truncate) -> {
                    try {
                        checkCorruptTail(sizes, offsetSeed, mask, truncate);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }

    private void checkCorruptTail(List<Integer> sizes, int offsetSeed, int mask, boolean truncate)
            throws IOException {
        Path dir = newDir();
        List<Entry> appended = new ArrayList<>();
        try (ChronicleWriteAheadLog wal = ChronicleWriteAheadLog.open(dir, Durability.PROCESS)) {
            for (int i = 0; i < sizes.size(); i++) {
                byte[] bytes = payload(i, sizes.get(i));
                appended.add(new Entry(wal.append(bytes), bytes));
            }
        }
        Entry last = appended.get(appended.size() - 1);
        WalTestSupport.FrameLocation frame = locate(dir, last.handle());
        long offset = Math.floorMod(offsetSeed, frame.length());
        if (truncate) {
            // What a torn write leaves when the tail of the record never reached the file.
            zero(frame.file(), frame.offset() + offset, frame.length() - offset);
        } else {
            flipByte(frame.file(), frame.offset() + offset, mask);
        }
        List<Entry> intact = appended.subList(0, appended.size() - 1);
        try (ChronicleWriteAheadLog wal = ChronicleWriteAheadLog.open(dir, Durability.PROCESS)) {
            assertSameRecords(intact, replayAll(wal));
            WalException e = assertThrows(WalException.class, () -> wal.read(last.handle()));
            assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
            byte[] after = payload(99, 77);
            WalHandle afterHandle = wal.append(after);
            assertArrayEquals(after, wal.read(afterHandle));
            List<Entry> expected = new ArrayList<>(intact);
            expected.add(new Entry(afterHandle, after));
            assertSameRecords(expected, replayAll(wal));
        }
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void deleteOlderThanRemovesWholeOldSegmentsButNeverTheCurrentOne(Durability durability) throws IOException {
        long t0 = 1_700_000_040_000L; // a minute boundary
        AtomicLong clock = new AtomicLong(t0 + 1_000);
        Path dir = newDir();
        List<List<Entry>> byMinute = new ArrayList<>();
        List<Entry> newest = new ArrayList<>();
        try (ChronicleWriteAheadLog wal = ChronicleWriteAheadLog.open(dir, durability,
                WalRollCycle.MINUTELY, clock::get)) {
            wal.deleteOlderThan(Long.MAX_VALUE);
            assertEquals(0, replayAll(wal).size(), "cleaning an empty log is a no-op");
            for (int minute = 0; minute < 3; minute++) {
                clock.set(t0 + minute * 60_000L + 1_000);
                List<Entry> entries = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    byte[] bytes = payload(minute * 10L + i, 64);
                    WalHandle handle = wal.append(bytes);
                    assertEquals(clock.get(), handle.appendTimeMs());
                    entries.add(new Entry(handle, bytes));
                }
                byMinute.add(entries);
            }
            assertEquals(3, segmentFiles(dir).size());
            if (durability == Durability.FSYNC) {
                assertEquals(9, wal.syncCount(), "appends across segment rolls still sync one by one");
            }

            wal.deleteOlderThan(t0 + 60_000 - 1);
            assertEquals(3, segmentFiles(dir).size(), "the first minute ends after the threshold");

            wal.deleteOlderThan(t0 + 60_000);
            assertEquals(2, segmentFiles(dir).size());
            for (Entry gone : byMinute.get(0)) {
                WalException e = assertThrows(WalException.class, () -> wal.read(gone.handle()));
                assertTrue(e.getMessage().contains("deleted by cleanup"), e.getMessage());
            }
            List<Entry> kept = new ArrayList<>(byMinute.get(1));
            kept.addAll(byMinute.get(2));
            for (Entry entry : kept) {
                assertArrayEquals(entry.payload(), wal.read(entry.handle()));
            }
            assertSameRecords(kept, replayAll(wal));

            // Far in the future: the second minute goes, the newest segment stays however old.
            wal.deleteOlderThan(t0 + 3_600_000);
            assertEquals(1, segmentFiles(dir).size());
            newest.addAll(byMinute.get(2));
            assertSameRecords(newest, replayAll(wal));

            byte[] more = payload(1234, 10);
            WalHandle moreHandle = wal.append(more);
            newest.add(new Entry(moreHandle, more));
            assertArrayEquals(more, wal.read(moreHandle));
        }
        try (ChronicleWriteAheadLog wal = ChronicleWriteAheadLog.open(dir, durability,
                WalRollCycle.MINUTELY, clock::get)) {
            assertSameRecords(newest, replayAll(wal));
        }
    }

    @Test
    void recordsUpToTheMaximumSizeAreAcceptedAndLargerOnesRefused() {
        try (ChronicleWriteAheadLog wal = ChronicleWriteAheadLog.open(newDir(), Durability.PROCESS)) {
            byte[] largest = payload(5, (int) wal.maxRecordBytes());
            WalHandle handle = wal.append(largest);
            assertArrayEquals(largest, wal.read(handle));
            WalException e = assertThrows(WalException.class,
                    () -> wal.append(new byte[(int) wal.maxRecordBytes() + 1]));
            assertTrue(e.getMessage().contains("maximum"), e.getMessage());
            byte[] small = payload(6, 3);
            assertArrayEquals(small, wal.read(wal.append(small)));
        }
    }

    @Test
    void aHandleOfAnotherLogOrAMissingIndexIsRefused() {
        try (ChronicleWriteAheadLog wal = ChronicleWriteAheadLog.open(newDir(), Durability.PROCESS)) {
            WalHandle handle = wal.append(payload(1, 10));
            WalException other = assertThrows(WalException.class,
                    () -> wal.read(new WalHandle(handle.index(), handle.appendTimeMs() + 1)));
            assertTrue(other.getMessage().contains("another log"), other.getMessage());
            WalException missing = assertThrows(WalException.class,
                    () -> wal.read(new WalHandle(handle.index() + 5, handle.appendTimeMs())));
            assertTrue(missing.getMessage().contains("not in WAL"), missing.getMessage());
        }
    }

    @Test
    void closingTwiceIsHarmlessAndUseAfterCloseFails() {
        ChronicleWriteAheadLog wal = ChronicleWriteAheadLog.open(newDir(), Durability.FSYNC);
        WalHandle handle = wal.append(payload(1, 10));
        wal.close();
        wal.close();
        assertThrows(WalException.class, () -> wal.append(payload(2, 10)));
        assertThrows(WalException.class, () -> wal.read(handle));
        assertThrows(WalException.class, () -> wal.replay((h, b) -> { }));
    }

    @Test
    void parsesRollCycles() {
        assertEquals(WalRollCycle.FIVE_MINUTELY, WalRollCycle.parse(" five-minutely "));
        assertEquals(60_000, WalRollCycle.MINUTELY.lengthMs());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WalRollCycle.parse("weekly"));
        assertTrue(e.getMessage().contains("[weekly]"), e.getMessage());
    }

    interface ThreadBody {
        void run(int thread) throws Exception;
    }

    /** Runs {@code body} on {@code threads} threads released together; rethrows the first failure. */
    private static void runConcurrently(int threads, ThreadBody body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CyclicBarrier start = new CyclicBarrier(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    body.run(thread);
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
