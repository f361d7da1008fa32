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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * The state part of a checkpoint, as {@link Checkpointer} takes it, against the state size and
 * the change since the last checkpoint (the benchmarks issue's target: checkpoint time grows
 * with the change, not with the whole state): a RocksDB snapshot (hard links) into the local
 * directory, the incremental upload to a checkpoint directory on the local filesystem (fsync of
 * every file and directory), the metadata file, and the deletion of the previous local snapshot.
 *
 * <p>The state is {@code keys} entries of a 4-byte key and an 8-byte value (a count) in one
 * table, written and checkpointed once in {@code @Setup(Level.Trial)}. Before each invocation
 * ({@code @Setup(Level.Invocation)}, not measured) {@code change} percent of the keys get a new
 * value, drawn at random over all keys, so that new table files overlap every old one and
 * compaction rewrites old files now and then, as under a real workload; {@code change=all}
 * instead empties the checkpoint directory, so that the invocation is a first checkpoint that
 * uploads every file (what every checkpoint cost before uploads were incremental). The score
 * is the checkpoint's wall time; what travelled (files and bytes uploaded and reused) and the
 * time the writes took are printed per invocation and appended to the file named by
 * {@code -Dsluice.bench.checkpoint.samples} if set ({@link RunRecoveryBenchmarks} reads it).
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.sluice.benchmarks.RunRecoveryBenchmarks}
 * (with the recovery benchmarks), or plain JMH: {@code java -jar benchmarks/target/benchmarks.jar
 * CheckpointDurationBenchmark -p keys=1000000}.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@State(Scope.Benchmark)
public class CheckpointDurationBenchmark {

    /** The system property naming the file the per-invocation transfer figures are appended to. */
    static final String SAMPLES_FILE_PROPERTY = "sluice.bench.checkpoint.samples";

    /** Keys in the state. */
    @Param({"100000", "1000000", "10000000"})
    public int keys;

    /** Percent of the keys changed before each checkpoint, or {@code all}: a first checkpoint. */
    @Param({"all", "1", "10", "100"})
    public String change;

    private Path dir;
    private Path local;
    private RocksDBStateStore state;
    private StateTable table;
    private HadoopCheckpointStore store;
    private Random random;
    private long time;
    private double writeMs;
    private StateTransfer sent;
    private boolean measuring;

    /** Writes every key and takes the first checkpoint, so that later ones are incremental. */
    @Setup(Level.Trial)
    public void load() throws IOException {
        dir = ScratchDirectory.create("checkpoint-duration-" + keys + "-");
        local = dir.resolve("local");
        random = new Random(keys);
        state = RocksDBStateStore.open(dir.resolve("working"), StateStoreOptions.defaults());
        table = state.table("updateStateByKey-0");
        store = openStore();
        write(1.0);
        checkpoint();
    }

    /** Whether this iteration's invocations count. */
    @Setup(Level.Iteration)
    public void iteration(IterationParams params) {
        measuring = params.getType() == IterationType.MEASUREMENT;
    }

    /** Not measured: changes the keys, or empties the checkpoint directory for {@code all}. */
    @Setup(Level.Invocation)
    public void change() throws IOException {
        long start = System.nanoTime();
        if (change.equals("all")) {
            store.close();
            LocalDirs.delete(dir.resolve("checkpoint"));
            store = openStore();
        } else {
            write(Double.parseDouble(change) / 100);
        }
        writeMs = (System.nanoTime() - start) / 1e6;
    }

    /** One checkpoint of the state. */
    @Benchmark
    public StateTransfer checkpoint() throws IOException {
        long t = ++time;
        Path snapshot = Checkpointer.localSnapshotDir(local, t);
        state.snapshot(snapshot);
        sent = store.uploadState(t, snapshot);
        store.write(t, ("metadata of " + t).getBytes(StandardCharsets.UTF_8));
        Checkpointer.deleteLocalSnapshotsExcept(local, t);
        return sent;
    }

    /** Not measured: reports what the checkpoint moved. */
    @TearDown(Level.Invocation)
    public void report() throws IOException {
        String line = String.format(Locale.ROOT, "keys=%d change=%s measured=%b writeMs=%.1f filesUploaded=%d"
                        + " bytesUploaded=%d filesReused=%d bytesReused=%d", keys, change, measuring, writeMs,
                sent.filesTransferred(), sent.bytesTransferred(), sent.filesReused(), sent.bytesReused());
        System.out.println("checkpoint: " + line);
        String file = System.getProperty(SAMPLES_FILE_PROPERTY);
        if (file != null && !file.isBlank()) {
            Files.writeString(Paths.get(file), line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
    }

    /** Closes the stores and deletes everything. */
    @TearDown(Level.Trial)
    public void close() throws IOException {
        try {
            if (store != null) {
                store.close();
            }
            if (state != null) {
                state.close();
            }
        } finally {
            LocalDirs.delete(dir);
        }
    }

    private HadoopCheckpointStore openStore() {
        return HadoopCheckpointStore.open(dir.resolve("checkpoint").toString(), new Configuration(), 3);
    }

    /** Writes a new count to {@code fraction} of the keys (all of them, in order, for 1.0). */
    private void write(double fraction) {
        long n = Math.round(keys * fraction);
        long version = time + 1;
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
