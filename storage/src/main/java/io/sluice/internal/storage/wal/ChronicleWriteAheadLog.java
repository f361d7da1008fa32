package io.sluice.internal.storage.wal;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.InaccessibleObjectException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link WriteAheadLog} on one Chronicle Queue: one directory, one segment file per
 * {@link WalRollCycle}, memory-mapped.
 *
 * <p>Each record is one Chronicle document holding a {@link RecordFrame}: magic, version,
 * append time, length, payload and a CRC32C over all of it, so a corrupt or torn record is
 * detected on read. A writer killed in the middle of an append leaves a document Chronicle
 * itself marks incomplete; readers stop before it and the next append after a restart
 * overwrites it.
 *
 * <p>Durability ({@link Durability}): with {@code PROCESS} an append returns once the record is
 * in the memory-mapped file, i.e. in the OS page cache, which survives kill -9 of the JVM.
 * With {@code FSYNC} the queue is built with {@link SyncMode#SYNC} and an append returns only
 * after an fdatasync of its segment file that started after the record was written;
 * concurrent appends share syncs (group commit, see below), and a new segment file also gets
 * its directory synced. One sync measured 0.3-0.5 ms on the development machine.
 *
 * <p>Thread-safe: appends are serialized by a lock (Chronicle's appender is single-threaded);
 * {@link #read} uses one shared tailer under its own lock; {@link #replay} uses a tailer of its
 * own; readers never block appenders. One instance per directory: two logs (in one process or
 * two) appending to the same directory are not supported.
 *
 * <p>The JVM needs Chronicle's flags on Java 17 ({@code --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
 * --add-opens=java.base/java.lang.reflect=ALL-UNNAMED}, see the root pom's
 * {@code sluice.jvm.flags}) and {@code -Dchronicle.analytics.disable=true}, else Chronicle
 * tries to send usage analytics to an internet host. Segment files are pre-allocated sparse
 * files, so their apparent size (tens of MB) exceeds the bytes they hold.
 */
public final class ChronicleWriteAheadLog implements WriteAheadLog {

    /*
     * Group commit, and why it is built this way.
     *
     * Every append takes appendLock, writes its document, and takes the next sequence number
     * (appendedSeq). With FSYNC it then calls syncUpTo(seq). syncedSeq is the highest sequence
     * known to be on the device. A thread whose seq is already covered returns at once.
     * Otherwise it queues on syncLock; the thread that holds it is the leader: it reads
     * appendedSeq (every record up to it is fully written, because sequence numbers are taken
     * after the document is closed), syncs, and publishes syncedSeq = that target. Followers
     * that were waiting re-check syncedSeq when they get the lock and often find their record
     * already covered. Measured on 2 cores: 8 threads appending 1,600 records of 1 KiB issued
     * about 850 syncs; one thread alone issues one sync per append.
     *
     * The sync is an fdatasync (FileChannel.force) of the segment file, not Chronicle's
     * appender.sync(): the appender is not thread-safe, so its sync would have to run under
     * appendLock and block every append for the length of the sync; measured that way the 8
     * threads above issued about 1,270 syncs. A force needs no appender, so it runs outside
     * appendLock while appends continue; on Linux it writes back the mapped pages just as
     * msync does, index pages included. When the appender rolled to a new segment since the
     * last sync, the previous segment (its last records and end-of-file marker) is forced too,
     * and the directory is synced so that the new file's entry survives a power loss. The queue
     * is still built with SyncMode.SYNC, so Chronicle also msyncs each mapped chunk it releases.
     *
     * Lock order: segmentLock -> syncLock -> appendLock -> readLock.
     */

    static {
        // Before any Chronicle class is initialized: see ChronicleNativeBindings.
        ChronicleNativeBindings.configure();
    }

    private static final Logger LOG = LoggerFactory.getLogger(ChronicleWriteAheadLog.class);

    /** The roll cycle of {@link #open(Path, Durability)}. */
    public static final WalRollCycle DEFAULT_ROLL_CYCLE = WalRollCycle.MINUTELY;

    private static final int MAX_CORRUPTION_WARNINGS = 10;

    private final Path dir;
    private final Durability durability;
    private final LongSupplier wallClockMs;
    private final SingleChronicleQueue queue;
    private final RollCycle rollCycle;
    private final long maxRecordBytes;

    private final ReentrantLock appendLock = new ReentrantLock();
    /** Guarded by appendLock. */
    private final ExcerptAppender appender;
    /** Guarded by appendLock. */
    private final RecordFrame appendFrame = new RecordFrame();
    /** Guarded by appendLock. */
    private long appendedSeq;
    /** Guarded by appendLock: the cycle and file of the last append. */
    private int lastAppendCycle = Integer.MIN_VALUE;
    private File lastAppendFile;
    /** Guarded by appendLock: segments rolled away from since the last sync; FSYNC only. */
    private final List<File> rolledSinceSync = new ArrayList<>();
    private boolean newSegmentSinceSync;

    private final ReentrantLock syncLock = new ReentrantLock();
    private volatile long syncedSeq;
    private final AtomicLong syncCount = new AtomicLong();

    private final Object readLock = new Object();
    /** Guarded by readLock. */
    private ExcerptTailer readTailer;
    /** Guarded by readLock. */
    private final RecordFrame readFrame = new RecordFrame();

    /** Read by read and replay, written by deleteOlderThan and close. */
    private final ReentrantReadWriteLock segmentLock = new ReentrantReadWriteLock();
    private volatile boolean closed;

    private ChronicleWriteAheadLog(Path dir, Durability durability, LongSupplier wallClockMs,
                                   SingleChronicleQueue queue) {
        this.dir = dir;
        this.durability = durability;
        this.wallClockMs = wallClockMs;
        this.queue = queue;
        this.rollCycle = queue.rollCycle();
        // Chronicle refuses a document larger than a quarter of its block (mapped chunk) size.
        this.maxRecordBytes = queue.blockSize() / 4 - RecordFrame.OVERHEAD_BYTES;
        this.appender = queue.createAppender();
        this.appender.singleThreadedCheckDisabled(true);
    }

    /**
     * Opens (creating if needed) the log in {@code dir} with the {@link #DEFAULT_ROLL_CYCLE} and
     * the system clock.
     *
     * @throws WalException if the directory cannot be created or the queue cannot be opened
     */
    public static ChronicleWriteAheadLog open(Path dir, Durability durability) {
        return open(dir, durability, DEFAULT_ROLL_CYCLE);
    }

    /**
     * Opens (creating if needed) the log in {@code dir} with the given roll cycle (used only when
     * the log is created) and the system clock.
     *
     * @throws WalException if the directory cannot be created or the queue cannot be opened
     */
    public static ChronicleWriteAheadLog open(Path dir, Durability durability, WalRollCycle rollCycle) {
        return open(dir, durability, rollCycle, System::currentTimeMillis);
    }

    /**
     * Opens (creating if needed) the log in {@code dir}, taking append times and segment
     * periods from {@code wallClockMs} (milliseconds since the epoch) instead of the system
     * clock, so that tests can drive time.
     *
     * @throws WalException if the directory cannot be created or the queue cannot be opened
     */
    public static ChronicleWriteAheadLog open(Path dir, Durability durability, WalRollCycle rollCycle,
                                              LongSupplier wallClockMs) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(durability, "durability");
        Objects.requireNonNull(rollCycle, "rollCycle");
        Objects.requireNonNull(wallClockMs, "wallClockMs");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new WalException("Cannot create the WAL directory [" + dir + "]: " + e, e);
        }
        SingleChronicleQueue queue;
        try {
            queue = SingleChronicleQueueBuilder.binary(dir)
                    .rollCycle(rollCycle.chronicleCycle())
                    .timeProvider(new ClockTimeProvider(wallClockMs))
                    .syncMode(durability == Durability.FSYNC ? SyncMode.SYNC : SyncMode.NONE)
                    .build();
        } catch (RuntimeException | LinkageError e) {
            throw new WalException("Cannot open the WAL in [" + dir + "]: " + e + accessHint(e), e);
        }
        ChronicleWriteAheadLog wal;
        try {
            wal = new ChronicleWriteAheadLog(dir, durability, wallClockMs, queue);
        } catch (RuntimeException e) {
            queue.close();
            throw new WalException("Cannot open the WAL in [" + dir + "]: " + e, e);
        }
        if (!queue.rollCycle().equals(rollCycle.chronicleCycle())) {
            LOG.info("WAL [{}] keeps the roll cycle it was created with ({}), not {}", dir,
                    queue.rollCycle(), rollCycle);
        }
        LOG.info("Opened WAL [{}] (durability {}, roll cycle {})", dir, durability, queue.rollCycle());
        return wal;
    }

    @Override
    public WalHandle append(byte[] record) {
        Objects.requireNonNull(record, "record");
        if (record.length > maxRecordBytes) {
            throw new WalException("Cannot append a record of " + record.length + " bytes to WAL ["
                    + dir + "]: the maximum is " + maxRecordBytes + " bytes. Use smaller blocks"
                    + " (a shorter block interval)");
        }
        long seq;
        WalHandle handle;
        appendLock.lock();
        try {
            ensureOpen();
            // The time is taken before Chronicle picks the segment, so a record's segment never
            // ends before its append time; deleteOlderThan relies on that.
            long appendTimeMs = wallClockMs.getAsLong();
            writeDocument(appendTimeMs, record);
            handle = new WalHandle(appender.lastIndexAppended(), appendTimeMs);
            trackSegment();
            seq = ++appendedSeq;
        } catch (WalException e) {
            throw e;
        } catch (RuntimeException | InternalError e) {
            // An InternalError is how the JVM reports a fault in a mapped file, typically a full disk.
            throw new WalException("Cannot append to WAL [" + dir + "]: " + e
                    + ". If the disk is full, free space and restart", e);
        } finally {
            appendLock.unlock();
        }
        if (durability == Durability.FSYNC) {
            syncUpTo(seq);
        }
        return handle;
    }

    /** Guarded by appendLock. */
    private void writeDocument(long appendTimeMs, byte[] record) {
        DocumentContext dc = appender.writingDocument();
        try {
            appendFrame.write(dc.wire().bytes(), appendTimeMs, record);
        } catch (RuntimeException | Error e) {
            dc.rollbackOnClose();
            throw e;
        } finally {
            dc.close();
        }
    }

    /** Guarded by appendLock: remembers rolls, which the next sync must cover. */
    private void trackSegment() {
        int cycle = appender.cycle();
        if (cycle != lastAppendCycle) {
            if (durability == Durability.FSYNC) {
                if (lastAppendFile != null) {
                    rolledSinceSync.add(lastAppendFile);
                }
                newSegmentSinceSync = true;
            }
            lastAppendCycle = cycle;
            lastAppendFile = appender.currentFile();
        }
    }

    /** Returns once every record up to {@code seq} is synced; see the comment at the top. */
    private void syncUpTo(long seq) {
        if (syncedSeq >= seq) {
            return;
        }
        syncLock.lock();
        try {
            if (syncedSeq >= seq) {
                return;
            }
            long target;
            List<File> rolled;
            File current;
            boolean newSegment;
            appendLock.lock();
            try {
                ensureOpen();
                target = appendedSeq;
                current = lastAppendFile;
                rolled = List.copyOf(rolledSinceSync);
                rolledSinceSync.clear();
                newSegment = newSegmentSinceSync;
                newSegmentSinceSync = false;
            } finally {
                appendLock.unlock();
            }
            // Outside appendLock: appends go on while the device syncs, and ride on the next sync.
            for (File file : rolled) {
                force(file.toPath(), false, true);
            }
            force(current.toPath(), false, false);
            if (newSegment) {
                force(dir, true, false);
            }
            syncedSeq = target;
            syncCount.incrementAndGet();
        } finally {
            syncLock.unlock();
        }
    }

    /**
     * fsyncs a file's data (fdatasync) or a directory's entries. On Linux an fdatasync writes
     * back the pages dirtied through the mapping, exactly as an msync of the mapped range would,
     * and it covers Chronicle's index pages too.
     */
    private void force(Path path, boolean directory, boolean mayBeDeleted) {
        try (FileChannel channel = FileChannel.open(path,
                directory ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
            channel.force(directory);
        } catch (NoSuchFileException e) {
            if (!mayBeDeleted) {
                throw new WalException("Cannot sync [" + path + "] of WAL [" + dir + "]: it is gone", e);
            }
            LOG.debug("WAL [{}]: segment [{}] was deleted before its final sync", dir, path);
        } catch (IOException e) {
            throw new WalException("Cannot sync [" + path + "] of WAL [" + dir + "]: " + e, e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Also checks that the record's stored append time equals the handle's, so a handle of
     * another log is refused rather than answered with someone else's record.
     */
    @Override
    public byte[] read(WalHandle handle) {
        Objects.requireNonNull(handle, "handle");
        segmentLock.readLock().lock();
        try {
            synchronized (readLock) {
                ensureOpen();
                if (readTailer == null) {
                    readTailer = queue.createTailer();
                    readTailer.singleThreadedCheckDisabled(true);
                }
                if (!readTailer.moveToIndex(handle.index())) {
                    throw gone(handle);
                }
                try (DocumentContext dc = readTailer.readingDocument()) {
                    if (!dc.isPresent() || dc.index() != handle.index()) {
                        throw gone(handle);
                    }
                    RecordFrame.Decoded decoded = readFrame.read(dc.wire().bytes());
                    if (decoded.isCorrupt()) {
                        throw new WalException("The record " + handle + " of WAL [" + dir
                                + "] is corrupt: " + decoded.corruption());
                    }
                    if (decoded.appendTimeMs() != handle.appendTimeMs()) {
                        throw new WalException("The record at index " + handle.index() + " of WAL ["
                                + dir + "] was appended at " + decoded.appendTimeMs()
                                + ", not at " + handle.appendTimeMs() + " as the handle says: the"
                                + " handle belongs to another log");
                    }
                    return decoded.payload();
                }
            }
        } finally {
            segmentLock.readLock().unlock();
        }
    }

    private WalException gone(WalHandle handle) {
        return new WalException("The record " + handle + " is not in WAL [" + dir + "]: it was"
                + " deleted by cleanup (deleteOlderThan), or never written to this log");
    }

    /**
     * {@inheritDoc}
     *
     * <p>Records appended while the replay runs may or may not be included. A record that fails
     * its checksum or is truncated is skipped and counted; the count and the bytes dropped are
     * logged at WARN when the replay ends. Exceptions thrown by {@code consumer} propagate and
     * stop the replay.
     *
     * @throws WalException if an intact record was written by a newer Sluice
     */
    @Override
    public void replay(BiConsumer<WalHandle, byte[]> consumer) {
        Objects.requireNonNull(consumer, "consumer");
        segmentLock.readLock().lock();
        try {
            ensureOpen();
            replayLocked(consumer);
        } finally {
            segmentLock.readLock().unlock();
        }
    }

    private void replayLocked(BiConsumer<WalHandle, byte[]> consumer) {
        RecordFrame frame = new RecordFrame();
        long delivered = 0;
        long droppedRecords = 0;
        long droppedBytes = 0;
        try (ExcerptTailer tailer = queue.createTailer()) {
            tailer.toStart();
            while (true) {
                WalHandle handle;
                byte[] payload;
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent()) {
                        break;
                    }
                    long size = dc.wire().bytes().readRemaining();
                    RecordFrame.Decoded decoded = frame.read(dc.wire().bytes());
                    if (decoded.isCorrupt()) {
                        droppedRecords++;
                        droppedBytes += size;
                        if (droppedRecords <= MAX_CORRUPTION_WARNINGS) {
                            LOG.warn("WAL [{}]: skipping the record at index {} ({} bytes): {}", dir,
                                    dc.index(), size, decoded.corruption());
                        }
                        continue;
                    }
                    handle = new WalHandle(dc.index(), decoded.appendTimeMs());
                    payload = decoded.payload();
                } catch (WalException e) {
                    throw e;
                } catch (RuntimeException e) {
                    // Chronicle cannot walk past a corrupt document header: the rest is the bad tail.
                    LOG.warn("WAL [{}]: stopped replaying after {} records at a corrupt position;"
                            + " the rest of the log is unreadable", dir, delivered, e);
                    break;
                }
                consumer.accept(handle, payload);
                delivered++;
            }
        }
        if (droppedRecords > 0) {
            LOG.warn("WAL [{}]: replay delivered {} records and dropped {} corrupt or torn records"
                    + " ({} bytes)", dir, delivered, droppedRecords, droppedBytes);
        } else {
            LOG.debug("WAL [{}]: replayed {} records", dir, delivered);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>A segment is deleted when the end of its roll-cycle period is at or before
     * {@code thresholdMs}. Append times are taken before the segment is chosen, so every record
     * in such a segment was appended before the threshold. The newest segment, which the
     * appender writes to, is never deleted, however old.
     *
     * @throws WalException if a segment file cannot be deleted
     */
    @Override
    public void deleteOlderThan(long thresholdMs) {
        segmentLock.writeLock().lock();
        try {
            ensureOpen();
            int appendCycle;
            appendLock.lock();
            try {
                appendCycle = lastAppendCycle;
            } finally {
                appendLock.unlock();
            }
            synchronized (readLock) {
                // The shared tailer may hold an old segment mapped: release it before deleting.
                if (readTailer != null) {
                    readTailer.close();
                    readTailer = null;
                }
            }
            queue.refreshDirectoryListing();
            int first = queue.firstCycle();
            int last = queue.lastCycle();
            if (first == Integer.MAX_VALUE || last == Integer.MIN_VALUE || first >= last) {
                return;
            }
            NavigableSet<Long> cycles = queue.listCyclesBetween(first, last);
            long lengthMs = rollCycle.lengthInMillis();
            List<Path> deleted = new ArrayList<>();
            for (long cycle : cycles) {
                long cycleEndMs = queue.epoch() + (cycle + 1) * lengthMs;
                if (cycle >= last || cycle == appendCycle || cycleEndMs > thresholdMs) {
                    continue;
                }
                Path file = segmentFile((int) cycle);
                if (file != null) {
                    Files.deleteIfExists(file);
                    deleted.add(file);
                }
            }
            queue.refreshDirectoryListing();
            if (!deleted.isEmpty()) {
                LOG.info("WAL [{}]: deleted {} segment(s) older than {}: {}", dir, deleted.size(),
                        thresholdMs, deleted);
            }
        } catch (IOException e) {
            throw new WalException("Cannot delete old segments of WAL [" + dir + "]: " + e, e);
        } finally {
            segmentLock.writeLock().unlock();
        }
    }

    /** The file of {@code cycle}, or null if it has none; the store is released at once. */
    private Path segmentFile(int cycle) {
        SingleChronicleQueueStore store = queue.storeForCycle(cycle, queue.epoch(), false, null);
        if (store == null) {
            return null;
        }
        try {
            return store.file().toPath();
        } finally {
            queue.closeStore(store);
        }
    }

    /** The largest record {@link #append} accepts, in bytes. */
    public long maxRecordBytes() {
        return maxRecordBytes;
    }

    /** The directory of this log. */
    public Path directory() {
        return dir;
    }

    /** The durability of every append of this log. */
    public Durability durability() {
        return durability;
    }

    /** How many syncs group commit has issued; for tests. */
    long syncCount() {
        return syncCount.get();
    }

    /** Closes the queue; idempotent. Appends and reads afterwards throw {@link WalException}. */
    @Override
    public void close() {
        segmentLock.writeLock().lock();
        syncLock.lock();
        appendLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            synchronized (readLock) {
                if (readTailer != null) {
                    readTailer.close();
                    readTailer = null;
                }
            }
            appender.close();
            queue.close();
            LOG.info("Closed WAL [{}]", dir);
        } finally {
            appendLock.unlock();
            syncLock.unlock();
            segmentLock.writeLock().unlock();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new WalException("WAL [" + dir + "] is closed");
        }
    }

    @Override
    public String toString() {
        return "ChronicleWriteAheadLog[" + dir + ", " + durability + ", " + rollCycle + "]";
    }

    private static String accessHint(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InaccessibleObjectException || t instanceof IllegalAccessError
                    || t instanceof ExceptionInInitializerError) {
                return ". Chronicle Queue on Java 17 needs the JVM flags"
                        + " --add-opens=java.base/sun.nio.ch=ALL-UNNAMED"
                        + " --add-opens=java.base/java.lang.reflect=ALL-UNNAMED"
                        + " --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED";
            }
        }
        return "";
    }

    /** Chronicle's clock, read from the log's wall clock so segments follow the same time. */
    private static final class ClockTimeProvider implements TimeProvider {
        private final LongSupplier wallClockMs;

        ClockTimeProvider(LongSupplier wallClockMs) {
            this.wallClockMs = wallClockMs;
        }

        @Override
        public long currentTimeMillis() {
            return wallClockMs.getAsLong();
        }

        @Override
        public long currentTimeMicros() {
            return wallClockMs.getAsLong() * 1_000L;
        }

        @Override
        public long currentTimeNanos() {
            return wallClockMs.getAsLong() * 1_000_000L;
        }
    }
}
