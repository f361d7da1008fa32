package io.sluice.internal.recovery;

import io.sluice.SluiceException;
import io.sluice.Time;
import io.sluice.internal.checkpoint.CheckpointStore;
import io.sluice.internal.checkpoint.StateTransfer;
import io.sluice.internal.dstream.DStreamGraph;
import io.sluice.internal.receiver.ReceivedBlockStore;
import io.sluice.internal.receiver.ReceivedBlockTracker;
import io.sluice.internal.storage.serde.Serializer;
import io.sluice.internal.storage.state.StateStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the checkpoints of a running context, on the batch-runner thread between two batches,
 * so the state it snapshots is exactly the state after its batch.
 *
 * <p>Order of a checkpoint of batch t, each step durable before the next (DESIGN.md I4, I5):
 * snapshot the state store locally (RocksDB Checkpoint, hard links) into
 * {@code snapshots/<t>} of the local directory, upload the files of the snapshot that no
 * earlier checkpoint uploaded (incremental, see {@link CheckpointStore#uploadState}), write the
 * metadata file (temporary name, sync, rename), and only then delete the older local snapshots
 * (the new one stays as the local copy for local recovery) and clean up the tracker log and
 * the WAL segments that no retained checkpoint needs any more. A crash at any point leaves the previous
 * checkpoint valid and everything it needs in place.
 */
public final class Checkpointer {
    private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);

    private final CheckpointStore store;
    private final Serializer serializer;
    private final DStreamGraph graph;
    private final Path localDir;
    private final String appName;
    private final long batchMs;
    private final long intervalMs;
    private final java.util.function.Supplier<Map<String, Object>> accumulators;
    private final java.util.function.Supplier<Map<String, Object>> broadcasts;

    /**
     * @param accumulators the committed accumulator states, read after each checkpointed batch
     * @param broadcasts the broadcast values
     */
    public Checkpointer(CheckpointStore store, Serializer serializer, DStreamGraph graph, Path localDir,
                        String appName, Duration batchDuration, Duration interval,
                        java.util.function.Supplier<Map<String, Object>> accumulators,
                        java.util.function.Supplier<Map<String, Object>> broadcasts) {
        this.accumulators = accumulators;
        this.broadcasts = broadcasts;
        this.store = store;
        this.serializer = serializer;
        this.graph = graph;
        this.localDir = localDir;
        this.appName = appName;
        this.batchMs = batchDuration.toMillis();
        this.intervalMs = interval.toMillis();
        if (intervalMs % batchMs != 0) {
            throw new SluiceException("Checkpoint interval " + interval + " must be a multiple of the batch duration "
                    + batchDuration + ": set sluice.streaming.checkpoint.interval accordingly");
        }
    }

    /** Whether a checkpoint is due after batch {@code time}. */
    public boolean isDue(Time time, Time zeroTime) {
        return (time.milliseconds() - zeroTime.milliseconds()) % intervalMs == 0;
    }

    /** The interval between checkpoints. */
    public Duration interval() {
        return Duration.ofMillis(intervalMs);
    }

    /** Takes the checkpoint of batch {@code time}; returns how long it took in ms. */
    public long checkpoint(Time time, Time zeroTime, StateStore state, ReceivedBlockTracker tracker,
                           ReceivedBlockStore blocks) {
        long start = System.nanoTime();
        long t = time.milliseconds();
        StateTransfer sent = null;
        boolean hasState = state != null && !graph.statefulOperators().isEmpty();
        try {
            if (hasState) {
                Path snap = localSnapshotDir(localDir, t);
                deleteRecursively(snap);
                Files.createDirectories(snap.getParent());
                state.snapshot(snap);
                sent = store.uploadState(t, snap);
            }
            CheckpointMetadata meta = CheckpointMetadata.of(appName, batchMs, zeroTime.milliseconds(), t,
                    graph.describeStateful(), hasState,
                    tracker == null ? java.util.Map.of() : tracker.positionsCoveredBy(t),
                    accumulators.get(), broadcasts.get());
            store.write(t, serializer.serialize(meta));
            if (hasState) {
                // The new checkpoint is durable: its snapshot becomes the local copy that a
                // restart on this machine recovers from, and the older copies can go.
                deleteLocalSnapshotsExcept(localDir, t);
            }
        } catch (IOException e) {
            throw new SluiceException("Cannot write the checkpoint of batch " + time + " to [" + store.root()
                    + "]: " + e.getMessage() + "; check that the checkpoint directory is reachable and"
                    + " has free space (the previous checkpoint stays valid)", e);
        }
        if (tracker != null) {
            // Recovery may fall back to any retained checkpoint (the newer ones could prove
            // corrupt), so only what the oldest retained one no longer needs is deleted (I5).
            long oldestRetained = t;
            try {
                for (long kept : store.listTimes()) {
                    oldestRetained = Math.min(oldestRetained, kept);
                }
            } catch (IOException e) {
                LOG.warn("Cannot list checkpoints in {}; keeping the logs until the next checkpoint: {}",
                        store.root(), e.toString());
                return (System.nanoTime() - start) / 1_000_000;
            }
            // Windows rebuild input RDDs of the batches before a checkpoint from their allocations.
            var oldest = tracker.cleanupUpTo(oldestRetained - graph.maxInputRememberDuration().toMillis());
            if (blocks != null) {
                // A stream with no needed block may have one appended but not yet registered:
                // keep a minute of its log.
                blocks.deleteOlderThan(oldest, System.currentTimeMillis() - 60_000);
            }
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        if (sent != null) {
            LOG.info("Checkpoint of batch {} written to {} in {} ms (state: {} files, {} bytes uploaded; {} files,"
                    + " {} bytes already there)", time, store.root(), ms, sent.filesTransferred(),
                    sent.bytesTransferred(), sent.filesReused(), sent.bytesReused());
        } else {
            LOG.info("Checkpoint of batch {} written to {} in {} ms", time, store.root(), ms);
        }
        return ms;
    }

    /**
     * The local copy of the state snapshot of checkpoint {@code timeMs}:
     * {@code <localDir>/snapshots/<timeMs>}. Checkpoints write their snapshot there and keep it
     * until the next checkpoint is durable, so that a restart on the same machine can restore
     * from it without downloading (local recovery).
     */
    public static Path localSnapshotDir(Path localDir, long timeMs) {
        return localDir.resolve("snapshots").resolve(Long.toString(timeMs));
    }

    /**
     * Prepares the directory to restore checkpoint {@code timeMs} into, before
     * {@link CheckpointStore#restoreState} makes it match the checkpoint's manifest: the local
     * copy of that checkpoint if there is one; else the newest other local snapshot, renamed,
     * whose table files are mostly those of the checkpoint too (a fall back to an older
     * checkpoint, or a checkpoint whose metadata write failed); else a new, empty directory (a
     * restart on another machine, which downloads everything).
     *
     * @throws IOException if the snapshots directory cannot be listed or renamed in
     */
    public static Path prepareLocalRestore(Path localDir, long timeMs) throws IOException {
        Path target = localSnapshotDir(localDir, timeMs);
        if (Files.isDirectory(target)) {
            return target;
        }
        Path snapshots = target.getParent();
        if (Files.isDirectory(snapshots)) {
            Path newest = null;
            long newestTime = Long.MIN_VALUE;
            try (Stream<Path> entries = Files.list(snapshots)) {
                for (Path p : entries.toList()) {
                    String name = p.getFileName().toString();
                    if (Files.isDirectory(p) && name.matches("\\d{1,18}") && Long.parseLong(name) > newestTime) {
                        newest = p;
                        newestTime = Long.parseLong(name);
                    }
                }
            }
            if (newest != null) {
                deleteRecursively(target);
                Files.move(newest, target, StandardCopyOption.ATOMIC_MOVE);
                LOG.info("Restoring checkpoint {} over the local snapshot of checkpoint {}", timeMs, newestTime);
                return target;
            }
        }
        Files.createDirectories(target);
        return target;
    }

    /** Deletes every local snapshot but that of {@code keptTimeMs}. */
    public static void deleteLocalSnapshotsExcept(Path localDir, long keptTimeMs) throws IOException {
        Path kept = localSnapshotDir(localDir, keptTimeMs);
        Path snapshots = kept.getParent();
        if (!Files.isDirectory(snapshots)) {
            return;
        }
        try (Stream<Path> entries = Files.list(snapshots)) {
            for (Path p : entries.toList()) {
                if (!p.equals(kept)) {
                    deleteRecursively(p);
                }
            }
        }
    }

    static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(x -> {
                try {
                    Files.delete(x);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
