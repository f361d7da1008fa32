package io.sluice.internal.receiver;

import io.sluice.Time;
import io.sluice.internal.storage.fault.FaultPoints;
import io.sluice.internal.storage.serde.Serializer;
import io.sluice.internal.storage.wal.WalHandle;
import io.sluice.internal.storage.wal.WriteAheadLog;
import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps track of received blocks and of their allocation to batches, with its own log.
 *
 * <h2>How it works, and why</h2>
 * Blocks arrive from receivers ({@link #addBlock}) and wait, per stream, until the job
 * generator allocates every waiting block to a batch time ({@link #allocateBlocksToBatch}).
 * Both steps are logged before they take effect (DESIGN.md I2): a block is eligible for
 * allocation only once its addition is in the log, and an allocation is in the log before any
 * job of its batch runs. One lock orders the two, so the log's order is the order of events
 * and replaying it ({@link #recover}) rebuilds exactly the allocations and the waiting blocks
 * the JVM had when it died. A batch re-run after recovery therefore gets the same blocks as
 * its first run (I3).
 *
 * <p>The log is cleaned up after a checkpoint ({@link #cleanupUpTo}): allocations of batches
 * covered by the checkpoint are dropped, and log segments older than every event still needed
 * are deleted (I5). The last source position of each stream survives cleanup through the
 * checkpoint's metadata ({@link #seedPositions}).
 *
 * <p>Direct input streams (files, Kafka, the rate source) have no blocks: each batch's
 * {@link InputPlan} (the files or offset ranges it reads, and the source position after it) is
 * part of the batch's logged allocation, so a re-run batch reads the same data and a recovered
 * stream plans its next batch from the position after the last logged one
 * ({@link #lastAllocatedPosition}).
 *
 * <p>Thread-safe.
 */
public final class ReceivedBlockTracker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReceivedBlockTracker.class);

    private final WriteAheadLog log;
    private final Serializer serializer;
    private final Map<Integer, ArrayDeque<ReceivedBlockInfo>> unallocated = new HashMap<>();
    private final TreeMap<Long, Allocation> allocated = new TreeMap<>();
    private final Map<Integer, Serializable> lastPositions = new HashMap<>();
    private final Map<Integer, Long> maxBlockIds = new HashMap<>();
    /** Per batch time: the position of the last block of each stream allocated up to it. */
    private final TreeMap<Long, Map<Integer, Serializable>> allocatedPositions = new TreeMap<>();
    private final Map<Integer, Serializable> lastAllocatedPositions = new HashMap<>();
    /** Positions the context started from (seeded from its checkpoint). */
    private final Map<Integer, Serializable> startPositions = new HashMap<>();
    private long lastAllocatedTime = Long.MIN_VALUE;

    private record Allocation(Map<Integer, List<ReceivedBlockInfo>> blocks, Map<Integer, InputPlan> plans,
                              long logTimeMs) {
    }

    private final boolean logBlocks;

    /**
     * @param log the tracker's own log, or null when nothing is checkpointed (no recovery)
     * @param serializer serializer of the log's events
     * @param logBlocks whether received blocks are logged (they are durable in a write-ahead log);
     *        when false only the direct inputs' plans are logged with each allocation, and a
     *        recovered receiver resumes from the position the checkpoint covers
     */
    public ReceivedBlockTracker(WriteAheadLog log, Serializer serializer, boolean logBlocks) {
        this.log = log;
        this.serializer = serializer;
        this.logBlocks = logBlocks;
    }

    /** A tracker that logs blocks whenever it has a log. */
    public ReceivedBlockTracker(WriteAheadLog log, Serializer serializer) {
        this(log, serializer, true);
    }

    /** Seeds the last source positions recorded in a checkpoint (before {@link #recover}). */
    public synchronized void seedPositions(Map<Integer, Serializable> positions) {
        lastPositions.putAll(positions);
        lastAllocatedPositions.putAll(positions);
        startPositions.putAll(positions);
    }

    /**
     * Rebuilds waiting blocks and allocations from the log. Allocations of batches at or before
     * {@code keepAfterMs} are dropped: they are reflected in the checkpoint, and no window
     * reaches back to them. Those after it are kept: the ones after the checkpoint are re-run,
     * the ones before it let windows rebuild their input RDDs.
     */
    public synchronized void recover(long keepAfterMs) {
        if (log == null) {
            return;
        }
        int[] counts = new int[2];
        log.replay((handle, bytes) -> {
            TrackerEvent e = serializer.deserialize(bytes);
            if (e instanceof TrackerEvent.BlockAdded a) {
                ReceivedBlockInfo b = a.block().withLogTime(handle.appendTimeMs());
                unallocated.computeIfAbsent(b.streamId(), k -> new ArrayDeque<>()).add(b);
                notePosition(b);
                counts[0]++;
            } else if (e instanceof TrackerEvent.BatchAllocated al) {
                unallocated.values().forEach(ArrayDeque::clear);
                al.blocks().values().forEach(l -> l.forEach(this::notePosition));
                Map<Integer, InputPlan> plans = al.plans() == null ? Map.of() : al.plans();
                noteAllocatedPositions(al.timeMs(), al.blocks(), plans);
                if (al.timeMs() > keepAfterMs) {
                    allocated.put(al.timeMs(), new Allocation(al.blocks(), plans, handle.appendTimeMs()));
                }
                lastAllocatedTime = Math.max(lastAllocatedTime, al.timeMs());
                counts[1]++;
            }
        });
        int waiting = unallocated.values().stream().mapToInt(ArrayDeque::size).sum();
        LOG.info("Recovered block tracker: {} block additions and {} allocations replayed; {} allocations"
                + " after {} kept, {} blocks waiting", counts[0], counts[1], allocated.size(), keepAfterMs, waiting);
    }

    private void notePosition(ReceivedBlockInfo b) {
        if (b.sourcePosition() != null) {
            lastPositions.put(b.streamId(), b.sourcePosition());
        }
        maxBlockIds.merge(b.streamId(), b.blockId(), Math::max);
    }

    /** Logs the addition of a block, then makes it eligible for allocation. */
    public synchronized void addBlock(ReceivedBlockInfo block) {
        ReceivedBlockInfo b = block;
        if (log != null && logBlocks) {
            WalHandle h = log.append(serializer.serialize(new TrackerEvent.BlockAdded(block)));
            b = block.withLogTime(h.appendTimeMs());
        }
        unallocated.computeIfAbsent(b.streamId(), k -> new ArrayDeque<>()).add(b);
        notePosition(b);
    }

    /** Whether batch {@code time} already has an allocation (a batch re-run after recovery). */
    public synchronized boolean isAllocated(Time time) {
        return time.milliseconds() <= lastAllocatedTime;
    }

    /** Allocates every waiting block to batch {@code time}; see {@link #allocateBlocksToBatch(Time, Map)}. */
    public synchronized void allocateBlocksToBatch(Time time) {
        allocateBlocksToBatch(time, Map.of());
    }

    /**
     * Allocates every waiting block, and the direct inputs' {@code plans}, to batch {@code time},
     * logging the allocation first. A time already allocated (a batch re-run after recovery)
     * keeps its logged allocation and plans, and {@code plans} is ignored: callers plan only
     * for times not yet {@link #isAllocated allocated}.
     */
    public synchronized void allocateBlocksToBatch(Time time, Map<Integer, InputPlan> plans) {
        long t = time.milliseconds();
        if (t <= lastAllocatedTime) {
            return;
        }
        Map<Integer, List<ReceivedBlockInfo>> blocks = new HashMap<>();
        unallocated.forEach((stream, q) -> {
            if (!q.isEmpty()) {
                blocks.put(stream, new ArrayList<>(q));
            }
        });
        Map<Integer, InputPlan> fixed = new HashMap<>(plans);
        long logTime = System.currentTimeMillis();
        FaultPoints.hit(FaultPoints.TRACKER_BEFORE_ALLOCATION_LOG);
        if (log != null) {
            // Without a block WAL the blocks cannot be re-read after a crash: only plans are logged.
            Map<Integer, List<ReceivedBlockInfo>> logged = logBlocks ? blocks : Map.of();
            logTime = log.append(serializer.serialize(new TrackerEvent.BatchAllocated(t, logged, fixed)))
                    .appendTimeMs();
        }
        FaultPoints.hit(FaultPoints.TRACKER_AFTER_ALLOCATION_LOG);
        unallocated.values().forEach(ArrayDeque::clear);
        allocated.put(t, new Allocation(blocks, fixed, logTime));
        lastAllocatedTime = t;
        noteAllocatedPositions(t, blocks, fixed);
    }

    private void noteAllocatedPositions(long t, Map<Integer, List<ReceivedBlockInfo>> blocks,
                                        Map<Integer, InputPlan> plans) {
        blocks.forEach((stream, l) -> {
            for (ReceivedBlockInfo b : l) {
                if (b.sourcePosition() != null) {
                    lastAllocatedPositions.put(stream, b.sourcePosition());
                }
            }
        });
        plans.forEach((stream, p) -> {
            if (p.positionAfter() != null) {
                lastAllocatedPositions.put(stream, p.positionAfter());
            }
        });
        allocatedPositions.put(t, new HashMap<>(lastAllocatedPositions));
    }

    /** The plan of direct input {@code streamId} for batch {@code time}, if it is still kept. */
    public synchronized Optional<InputPlan> planOf(Time time, int streamId) {
        Allocation a = allocated.get(time.milliseconds());
        return a == null ? Optional.empty() : Optional.ofNullable(a.plans().get(streamId));
    }

    /**
     * The source position of {@code streamId} after the last batch allocated so far (after
     * {@link #recover}: the last logged batch; else the position seeded from the checkpoint).
     * A recovered direct input plans its next batch from here.
     */
    public synchronized Optional<Serializable> lastAllocatedPosition(int streamId) {
        return Optional.ofNullable(lastAllocatedPositions.get(streamId));
    }

    /** The blocks of {@code streamId} allocated to batch {@code time} (empty if none). */
    public synchronized List<ReceivedBlockInfo> blocksOf(Time time, int streamId) {
        Allocation a = allocated.get(time.milliseconds());
        if (a == null) {
            return List.of();
        }
        return a.blocks().getOrDefault(streamId, List.of());
    }

    /** Batch times allocated and not yet cleaned up, in order (after recovery: those to re-run). */
    public synchronized List<Long> allocatedTimes() {
        return new ArrayList<>(allocated.keySet());
    }

    /** The latest allocated batch time, if any. */
    public synchronized OptionalLong lastAllocatedTime() {
        return lastAllocatedTime == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(lastAllocatedTime);
    }

    /** The source position of the last durable block of {@code streamId}. */
    public synchronized Optional<Serializable> lastPosition(int streamId) {
        return Optional.ofNullable(lastPositions.get(streamId));
    }

    /** The last positions of all streams (of every durable block). */
    public synchronized Map<Integer, Serializable> lastPositions() {
        return new HashMap<>(lastPositions);
    }

    /**
     * For the checkpoint of batch {@code timeMs}: per stream, the position of the last block
     * allocated to a batch at or before it, that is, of the data the checkpoint's state holds.
     * A receiver that resumes from it after a recovery without a write-ahead log re-reads exactly
     * the data the checkpoint does not cover; with a WAL, the log's later positions win.
     */
    public synchronized Map<Integer, Serializable> positionsCoveredBy(long timeMs) {
        // Allocation snapshots start from the seeded positions, so a stream without any block
        // allocated since the start keeps the position the context started from.
        Map.Entry<Long, Map<Integer, Serializable>> e = allocatedPositions.floorEntry(timeMs);
        return new HashMap<>(e != null ? e.getValue() : startPositions);
    }

    /** The largest block id seen for {@code streamId}, so new ids never collide after restart. */
    public synchronized long maxBlockId(int streamId) {
        return maxBlockIds.getOrDefault(streamId, 0L);
    }

    /**
     * Drops the allocations of batches at or before {@code checkpointTimeMs} (now covered by a
     * durable checkpoint) and returns, per stream, the oldest WAL append time still needed
     * (blocks allocated to later batches or waiting); deletes tracker log segments older than
     * every event still needed. Call only after the checkpoint is durable (I5).
     */
    public synchronized Map<Integer, Long> cleanupUpTo(long checkpointTimeMs) {
        allocated.headMap(checkpointTimeMs, true).clear();
        Long floor = allocatedPositions.floorKey(checkpointTimeMs);
        if (floor != null) {
            allocatedPositions.headMap(floor, false).clear();
        }
        Map<Integer, Long> oldestNeeded = new HashMap<>();
        long oldestLogEvent = Long.MAX_VALUE;
        for (Allocation a : allocated.values()) {
            oldestLogEvent = Math.min(oldestLogEvent, a.logTimeMs());
            for (List<ReceivedBlockInfo> l : a.blocks().values()) {
                for (ReceivedBlockInfo b : l) {
                    noteNeeded(oldestNeeded, b);
                }
            }
        }
        for (ArrayDeque<ReceivedBlockInfo> q : unallocated.values()) {
            for (ReceivedBlockInfo b : q) {
                noteNeeded(oldestNeeded, b);
                oldestLogEvent = Math.min(oldestLogEvent, b.logTimeMs());
            }
        }
        if (log != null) {
            // The allocation events are logged after their blocks' additions, so the oldest
            // needed event bounds both; with nothing needed, everything before now may go.
            long threshold = oldestLogEvent == Long.MAX_VALUE ? System.currentTimeMillis() : oldestLogEvent;
            log.deleteOlderThan(threshold);
        }
        return Collections.unmodifiableMap(oldestNeeded);
    }

    private static void noteNeeded(Map<Integer, Long> oldest, ReceivedBlockInfo b) {
        if (b.walHandle() != null) {
            oldest.merge(b.streamId(), b.walHandle().appendTimeMs(), Math::min);
        }
    }

    @Override
    public synchronized void close() {
        if (log != null) {
            log.close();
        }
    }
}
