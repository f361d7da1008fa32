package io.sluice.benchmarks;

import io.sluice.internal.checkpoint.HadoopCheckpointStore;
import io.sluice.internal.checkpoint.StateTransfer;
import io.sluice.internal.recovery.Checkpointer;
import io.sluice.internal.recovery.LocalDirs;
import io.sluice.internal.storage.state.RocksDBStateStore;
import io.sluice.internal.storage.state.StateStoreOptions;
import io.sluice.internal.storage.state.StateTable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;

/**
 * The state part of a checkpoint, as {@link Checkpointer} takes it: a RocksDB snapshot (hard
 * links) into the local directory, the incremental upload to a checkpoint directory on the
 * local filesystem, the metadata file, and the deletion of the previous local snapshot. Measured
 * once with every file new (the first checkpoint, what every checkpoint cost before uploads were
 * incremental), then after changing 1%, 10% and 100% of the keys.
 *
 * <p>The state is {@code keys} entries of a 4-byte key and an 8-byte value (a count), written
 * straight into one table; the changed keys are drawn at random from all keys, so the new
 * table files overlap every old one and compaction rewrites old files now and then, as it
 * would under a real workload.
 */
final class CheckpointDurationBenchmark {

    /** One measured checkpoint. */
    record Sample(long keys, String change, int run, double checkpointMs, double writeMs, long filesUploaded,
                  long bytesUploaded, long filesReused, long bytesReused) {
    }

    private CheckpointDurationBenchmark() {
    }

    static List<Sample> run(Path scratch, long keys, int runs) throws IOException {
        List<Sample> samples = new ArrayList<>();
        Path dir = scratch.resolve("checkpoint-duration-" + keys);
        LocalDirs.delete(dir);
        Path local = dir.resolve("local");
        Random random = new Random(keys);
        long time = 0;
        try (RocksDBStateStore state = RocksDBStateStore.open(dir.resolve("working"), StateStoreOptions.defaults());
             HadoopCheckpointStore store = HadoopCheckpointStore.open(dir.resolve("checkpoint").toString(),
                     new Configuration(), 3)) {
            StateTable table = state.table("updateStateByKey-0");
            long writeStart = System.nanoTime();
            write(table, keys, 1.0, random, time);
            double loadMs = (System.nanoTime() - writeStart) / 1e6;
            samples.add(checkpoint(state, store, local, ++time, keys, "all new (first checkpoint)", 1, loadMs));
            for (double fraction : new double[] {0.01, 0.10, 1.0}) {
                int n = fraction == 1.0 ? 1 : runs;
                for (int run = 1; run <= n; run++) {
                    long start = System.nanoTime();
                    write(table, keys, fraction, random, time);
                    double writeMs = (System.nanoTime() - start) / 1e6;
                    samples.add(checkpoint(state, store, local, ++time, keys,
                            String.format(java.util.Locale.ROOT, "%.0f%% of keys changed", fraction * 100), run,
                            writeMs));
                }
            }
        } finally {
            LocalDirs.delete(dir);
        }
        return samples;
    }

    private static Sample checkpoint(RocksDBStateStore state, HadoopCheckpointStore store, Path local, long t,
                                     long keys, String change, int run, double writeMs) throws IOException {
        long start = System.nanoTime();
        Path snapshot = Checkpointer.localSnapshotDir(local, t);
        state.snapshot(snapshot);
        StateTransfer sent = store.uploadState(t, snapshot);
        store.write(t, ("metadata of " + t).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Checkpointer.deleteLocalSnapshotsExcept(local, t);
        double ms = (System.nanoTime() - start) / 1e6;
        return new Sample(keys, change, run, ms, writeMs, sent.filesTransferred(), sent.bytesTransferred(),
                sent.filesReused(), sent.bytesReused());
    }

    /** Writes a new count to {@code fraction} of the keys (all of them, in order, for 1.0). */
    private static void write(StateTable table, long keys, double fraction, Random random, long version) {
        long n = Math.round(keys * fraction);
        ByteBuffer key = ByteBuffer.allocate(4);
        ByteBuffer value = ByteBuffer.allocate(8);
        StateTable.WriteBatch batch = table.newWriteBatch();
        try {
            for (long i = 0; i < n; i++) {
                long k = fraction == 1.0 ? i : (long) (random.nextDouble() * keys);
                batch.put(key.clear().putInt((int) k).array().clone(), value.clear().putLong(version).array().clone());
                if ((i + 1) % 100_000 == 0) {
                    batch.commit();
                    batch.close();
                    batch = table.newWriteBatch();
                }
            }
            batch.commit();
        } finally {
            batch.close();
        }
    }
}
