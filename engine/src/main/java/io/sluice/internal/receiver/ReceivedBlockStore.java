package io.sluice.internal.receiver;

import io.sluice.internal.storage.serde.Serializer;
import io.sluice.internal.storage.wal.WalHandle;
import io.sluice.internal.storage.wal.WriteAheadLog;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;

/**
 * Where received blocks live: in memory until their batch takes them, and in the stream's
 * write-ahead log when one is configured. A block that is not in memory (after recovery) is
 * read back from the WAL.
 *
 * <p>{@link #store} is the durability point of the receiver path: the block is appended to the
 * WAL (at the configured durability) and its addition logged by the tracker before it returns.
 *
 * <p>Thread-safe.
 */
public final class ReceivedBlockStore implements AutoCloseable {
    private final Serializer serializer;
    private final ReceivedBlockTracker tracker;
    private final IntFunction<WriteAheadLog> walOpener;
    private final Map<Integer, WriteAheadLog> wals = new ConcurrentHashMap<>();
    private final Map<Long, List<?>> memory = new ConcurrentHashMap<>();

    /**
     * @param walOpener opens the WAL of a stream id, or null to keep blocks in memory only
     */
    public ReceivedBlockStore(Serializer serializer, ReceivedBlockTracker tracker,
                              IntFunction<WriteAheadLog> walOpener) {
        this.serializer = serializer;
        this.tracker = tracker;
        this.walOpener = walOpener;
    }

    /** Whether blocks are written to a write-ahead log. */
    public boolean walEnabled() {
        return walOpener != null;
    }

    /**
     * Makes a block durable and registers it: WAL append, then the tracker's logged addition.
     * Returns the block's info once both are done.
     */
    public ReceivedBlockInfo store(int streamId, long blockId, List<?> records, Serializable position) {
        WalHandle handle = null;
        if (walOpener != null) {
            handle = wal(streamId).append(serializer.serializeBlock(records));
        }
        ReceivedBlockInfo info = new ReceivedBlockInfo(streamId, blockId, records.size(), handle, position, 0L);
        memory.put(key(streamId, blockId), records);
        tracker.addBlock(info);
        return info;
    }

    /** The records of a block: from memory (and forgotten there), else read from the WAL. */
    @SuppressWarnings("unchecked")
    public <T> List<T> take(ReceivedBlockInfo info) {
        List<?> l = memory.remove(key(info.streamId(), info.blockId()));
        if (l != null) {
            return (List<T>) l;
        }
        if (info.walHandle() == null) {
            throw new IllegalStateException("Block " + info.blockId() + " of stream " + info.streamId()
                    + " is neither in memory nor in a write-ahead log: it was received without a WAL"
                    + " and the JVM restarted; set a checkpoint directory to make received data recoverable");
        }
        return serializer.deserializeBlock(wal(info.streamId()).read(info.walHandle()));
    }

    /** Deletes WAL segments of each stream older than the given append times. */
    public void deleteOlderThan(Map<Integer, Long> oldestNeededByStream, long defaultThresholdMs) {
        for (Map.Entry<Integer, WriteAheadLog> e : wals.entrySet()) {
            long threshold = oldestNeededByStream.getOrDefault(e.getKey(), defaultThresholdMs);
            e.getValue().deleteOlderThan(threshold);
        }
    }

    private WriteAheadLog wal(int streamId) {
        return wals.computeIfAbsent(streamId, walOpener::apply);
    }

    private static long key(int streamId, long blockId) {
        return ((long) streamId << 48) ^ blockId;
    }

    @Override
    public void close() {
        wals.values().forEach(WriteAheadLog::close);
        wals.clear();
        memory.clear();
    }
}
