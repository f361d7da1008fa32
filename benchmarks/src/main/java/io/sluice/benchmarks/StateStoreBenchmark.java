package io.sluice.benchmarks;

import io.sluice.internal.storage.state.RocksDBStateStore;
import io.sluice.internal.storage.state.StateStoreOptions;
import io.sluice.internal.storage.state.StateTable;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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

/**
 * Keyed state in {@link RocksDBStateStore} (default {@link StateStoreOptions}: 64 MiB block
 * cache, 16 MiB write buffers): single-key get and put of 100-byte values in a table of one
 * million keys, and the time of a {@link RocksDBStateStore#snapshot} of that store.
 *
 * <p>Keys are 8-byte big-endian longs drawn uniformly from the million, so most gets miss the
 * block cache (the table holds about 108 MB) and are served from the OS page cache.
 * {@link #getMissing} is the baseline of {@link #get}: a key that is not there, answered by
 * the bloom filter without reading a data block, as for a key an operator sees for the first
 * time.
 *
 * <p>A snapshot flushes the memtables and writes a RocksDB Checkpoint (hard links). It is
 * measured after {@code dirtyKeys} fresh puts, the writes of one batch of a stateful operator
 * since the previous checkpoint; with {@code 0} it is the fixed cost of a checkpoint.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class StateStoreBenchmark {

    /** Keys in the table. */
    static final int KEYS = 1_000_000;
    /** Bytes per value. */
    static final int VALUE_BYTES = 100;

    /** A store whose table holds {@link #KEYS} keys, flushed to SST files. */
    @State(Scope.Benchmark)
    public static class FilledStore {
        Path dir;
        RocksDBStateStore store;
        StateTable table;

        @Setup(Level.Trial)
        public void open() {
            dir = ScratchDirectory.create("state");
            store = RocksDBStateStore.open(dir.resolve("store"), StateStoreOptions.defaults());
            table = store.table("bench-operator");
            fill(table);
            // The snapshot flushes the memtables, so reads start from SST files as after a
            // checkpoint; the snapshot itself is not needed.
            store.snapshot(dir.resolve("after-fill"));
            ScratchDirectory.delete(dir.resolve("after-fill"));
            if (table.get(key(KEYS - 1)) == null) {
                throw new IllegalStateException("The filled table lacks key " + (KEYS - 1) + ": a bug");
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            store.close();
            ScratchDirectory.delete(dir);
        }

        private static void fill(StateTable table) {
            SplittableRandom random = new SplittableRandom(1);
            int perBatch = 10_000;
            for (int start = 0; start < KEYS; start += perBatch) {
                try (StateTable.WriteBatch batch = table.newWriteBatch()) {
                    for (int k = start; k < start + perBatch; k++) {
                        byte[] value = new byte[VALUE_BYTES];
                        random.nextBytes(value);
                        batch.put(key(k), value);
                    }
                    batch.commit();
                }
            }
        }
    }

    /** One thread's random keys and the value it writes. */
    @State(Scope.Thread)
    public static class Keys {
        final SplittableRandom random = new SplittableRandom(7);
        final byte[] value = new byte[VALUE_BYTES];

        @Setup(Level.Trial)
        public void init() {
            random.nextBytes(value);
        }

        byte[] present() {
            return key(random.nextInt(KEYS));
        }

        byte[] absent() {
            return key(KEYS + random.nextInt(KEYS));
        }
    }

    /** A filled store, a fresh snapshot directory and {@code dirtyKeys} new writes per snapshot. */
    @State(Scope.Benchmark)
    public static class SnapshotTarget {
        /** Keys overwritten between two snapshots. */
        @Param({"0", "10000"})
        public int dirtyKeys;

        private final FilledStore filled = new FilledStore();
        private final SplittableRandom random = new SplittableRandom(11);
        private int count;
        Path target;

        @Setup(Level.Trial)
        public void open() {
            filled.open();
        }

        @TearDown(Level.Trial)
        public void close() {
            filled.close();
        }

        @Setup(Level.Invocation)
        public void dirty() {
            byte[] value = new byte[VALUE_BYTES];
            for (int i = 0; i < dirtyKeys; i++) {
                random.nextBytes(value);
                filled.table.put(key(random.nextInt(KEYS)), value);
            }
            target = filled.dir.resolve("snapshot-" + count++);
        }

        @TearDown(Level.Invocation)
        public void deleteSnapshot() {
            ScratchDirectory.delete(target);
        }
    }

    @Benchmark
    public byte[] get(FilledStore store, Keys keys) {
        return store.table.get(keys.present());
    }

    @Benchmark
    public byte[] getMissing(FilledStore store, Keys keys) {
        return store.table.get(keys.absent());
    }

    @Benchmark
    public void put(FilledStore store, Keys keys) {
        store.table.put(keys.present(), keys.value);
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 3)
    @Measurement(iterations = 10)
    public Path snapshot(SnapshotTarget target) {
        target.filled.store.snapshot(target.target);
        return target.target;
    }

    static byte[] key(long k) {
        byte[] key = new byte[Long.BYTES];
        for (int i = Long.BYTES - 1; i >= 0; i--) {
            key[i] = (byte) k;
            k >>>= 8;
        }
        return key;
    }

    /*
     * How to run (from the project root, after mvn -pl benchmarks -am package -DskipTests):
     *
     *   java -cp benchmarks/target/benchmarks.jar io.sluice.benchmarks.RunStorageBenchmarks StateStoreBenchmark
     *
     * What to expect: a get that misses (the baseline) costs a bloom filter probe, an order of
     * magnitude cheaper than a get that hits, which mostly reads a block from the OS page
     * cache; a put (no RocksDB WAL) is a memtable insert, somewhat cheaper than a hit while
     * flushes and compactions keep up. A snapshot is milliseconds to tens of milliseconds: hard links
     * plus, when keys changed, the flush of their memtable. Measured figures:
     * benchmarks/results/storage-latest.md.
     */
}
