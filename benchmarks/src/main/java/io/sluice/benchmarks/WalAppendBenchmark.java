package io.sluice.benchmarks;

import io.sluice.internal.storage.wal.ChronicleWriteAheadLog;
import io.sluice.internal.storage.wal.Durability;
import io.sluice.internal.storage.wal.WalHandle;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Append throughput of {@link ChronicleWriteAheadLog}, the receivers' write-ahead log: one
 * block per append, for both {@link Durability} levels and two block sizes, from one thread
 * and from four threads sharing one log (with {@code fsync} the four share syncs: group
 * commit).
 *
 * <p>The score is appends per second; times the block size it is the log's bandwidth, which
 * {@link RunStorageBenchmarks} reports in MB/s next to the raw write speed of the same disk
 * measured by {@link DiskWriteBaseline}, the physical limit of the log. That class is this
 * one's baseline: a log cannot write faster than its disk, nor sync faster than a bare
 * {@code FileChannel.force}.
 *
 * <p>The log lives under {@code java.io.tmpdir} (or {@code -Dsluice.bench.dir}). Every
 * iteration appends to a fresh log that is deleted when the iteration ends, so a run never
 * holds more than one iteration's worth of blocks on disk (a few GB at most for 64 KiB blocks
 * without sync), and every iteration pays for its segment file's first writes, as a long
 * running log does once a minute when it rolls.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
@State(Scope.Benchmark)
public class WalAppendBenchmark {

    /** {@code process}: in the page cache on return; {@code fsync}: on the device. */
    @Param({"process", "fsync"})
    public String durability;

    /** Bytes per appended block (record). */
    @Param({"1024", "65536"})
    public int blockBytes;

    private Path root;
    private Path logDir;
    private int iteration;
    private ChronicleWriteAheadLog wal;
    private byte[] block;

    @Setup(Level.Trial)
    public void createRoot() {
        root = ScratchDirectory.create("wal");
        block = new byte[blockBytes];
        new SplittableRandom(42).nextBytes(block);
    }

    @Setup(Level.Iteration)
    public void openLog() {
        logDir = root.resolve("log-" + iteration++);
        wal = ChronicleWriteAheadLog.open(logDir, Durability.parse(durability));
    }

    @TearDown(Level.Iteration)
    public void deleteLog() {
        wal.close();
        ScratchDirectory.delete(logDir);
    }

    @TearDown(Level.Trial)
    public void deleteRoot() {
        ScratchDirectory.delete(root);
    }

    /** One thread appending: with {@code fsync}, one sync per append. */
    @Benchmark
    @Threads(1)
    public WalHandle append() {
        return wal.append(block);
    }

    /** Four threads appending to one log: with {@code fsync}, waiting appends share a sync. */
    @Benchmark
    @Threads(4)
    public WalHandle append4Threads() {
        return wal.append(block);
    }

    /*
     * How to run (from the project root, after mvn -pl benchmarks -am package -DskipTests):
     *
     *   java -cp benchmarks/target/benchmarks.jar io.sluice.benchmarks.RunStorageBenchmarks WalAppendBenchmark
     *
     * or with plain JMH, which needs Chronicle's flags passed to the forked JVM:
     *
     *   java -jar benchmarks/target/benchmarks.jar WalAppendBenchmark -jvmArgsAppend "<sluice.jvm.flags of the root pom>"
     *
     * What to expect: with process durability an append is a copy into a memory-mapped file,
     * so 1 KiB blocks run at hundreds of thousands per second and 64 KiB blocks at memory
     * bandwidth until the kernel's dirty-page limit throttles the writer to the disk's speed.
     * With fsync one thread is bounded by the device's sync latency (DiskWriteBaseline's
     * writeAndForce): about one append per sync whatever the block size; four threads do
     * more appends per second than one, because each sync covers every append waiting for it.
     * Measured figures: benchmarks/results/storage-latest.md.
     */
}
