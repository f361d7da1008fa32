package io.sluice.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * The physical limits of the disk under the benchmarks' scratch directory, measured with
 * plain {@link FileChannel} writes, so the WAL figures of {@link WalAppendBenchmark} can be
 * read against them.
 *
 * <ul>
 *   <li>{@link #writeFile} and {@link #writeFileAndForce}: a new file of {@value #FILE_MIB} MiB
 *       written sequentially in 1 MiB buffers, without and with an fdatasync
 *       ({@code force(false)}) at the end: the speed of the page cache, and the raw sequential
 *       write speed of the device. One shot per invocation.</li>
 *   <li>{@link #write} and {@link #writeAndForce}: one block appended to a file, without and
 *       with an fdatasync after it: the cost of one sync, the price a WAL append with
 *       {@code fsync} durability cannot go below. {@link #write} is the baseline.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class DiskWriteBaseline {

    /** Size of the file written by {@link #writeFile} and {@link #writeFileAndForce}. */
    static final int FILE_MIB = 1024;
    /** Bytes per write of the sequential file benchmarks. */
    static final int BUFFER_BYTES = 1 << 20;
    /** The appended file restarts at offset 0 once it reaches this size, to bound disk use. */
    static final long APPEND_FILE_LIMIT = 1L << 30;

    /** A directory for new files, and a 1 MiB buffer of random bytes. */
    @State(Scope.Benchmark)
    public static class SequentialFile {
        Path dir;
        Path file;
        ByteBuffer buffer;
        private int count;
        private long buffersWritten;

        @Setup(Level.Trial)
        public void create() {
            dir = ScratchDirectory.create("disk");
            buffer = randomDirectBuffer(BUFFER_BYTES);
        }

        @Setup(Level.Invocation)
        public void nextFile() {
            file = dir.resolve("sequential-" + count++);
        }

        @TearDown(Level.Invocation)
        public void deleteFile() throws IOException {
            Files.deleteIfExists(file);
        }

        @TearDown(Level.Trial)
        public void delete() {
            ScratchDirectory.delete(dir);
        }
    }

    /** A file open for appending {@code blockBytes} blocks; a new one every iteration. */
    @State(Scope.Benchmark)
    public static class AppendFile {
        /** Bytes per appended block. */
        @Param({"1024", "65536"})
        public int blockBytes;

        Path dir;
        FileChannel channel;
        ByteBuffer block;
        private int count;
        private long blocksAppended;
        private Path file;

        @Setup(Level.Trial)
        public void create() {
            dir = ScratchDirectory.create("disk");
            block = randomDirectBuffer(blockBytes);
        }

        @Setup(Level.Iteration)
        public void open() throws IOException {
            file = dir.resolve("append-" + count++);
            channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }

        void append() throws IOException {
            if (channel.position() >= APPEND_FILE_LIMIT) {
                channel.position(0);
            }
            stamp(block, ++blocksAppended);
            writeFully(channel, block);
        }

        @TearDown(Level.Iteration)
        public void close() throws IOException {
            channel.close();
            Files.deleteIfExists(file);
        }

        @TearDown(Level.Trial)
        public void delete() {
            ScratchDirectory.delete(dir);
        }
    }

    /** Writes a new {@value #FILE_MIB} MiB file; the bytes are in the page cache on return. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 1)
    @Measurement(iterations = 5)
    public long writeFile(SequentialFile target) throws IOException {
        return writeSequentially(target, false);
    }

    /** Writes a new {@value #FILE_MIB} MiB file and fdatasyncs it: the bytes are on the device. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 1)
    @Measurement(iterations = 5)
    public long writeFileAndForce(SequentialFile target) throws IOException {
        return writeSequentially(target, true);
    }

    /** Appends one block to the page cache: the baseline of {@link #writeAndForce}. */
    @Benchmark
    public long write(AppendFile target) throws IOException {
        target.append();
        return target.channel.position();
    }

    /** Appends one block and fdatasyncs the file, as a WAL append with fsync durability does. */
    @Benchmark
    public long writeAndForce(AppendFile target) throws IOException {
        target.append();
        target.channel.force(false);
        return target.channel.position();
    }

    private static long writeSequentially(SequentialFile target, boolean force) throws IOException {
        long written = 0;
        try (FileChannel channel = FileChannel.open(target.file, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            for (int i = 0; i < FILE_MIB; i++) {
                stamp(target.buffer, ++target.buffersWritten);
                written += writeFully(channel, target.buffer);
            }
            if (force) {
                channel.force(false);
            }
        }
        return written;
    }

    private static int writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        int written = 0;
        while (buffer.hasRemaining()) {
            written += channel.write(buffer);
        }
        return written;
    }

    /**
     * Writes {@code sequence} at the start of every 4 KiB page of {@code buffer} and rewinds it,
     * so that no two pages written are equal: a virtual disk that deduplicates or compresses
     * blocks would otherwise report a speed no log could reach.
     */
    private static void stamp(ByteBuffer buffer, long sequence) {
        buffer.clear();
        for (int page = 0; page < buffer.capacity(); page += 4096) {
            buffer.putLong(page, sequence);
        }
    }

    private static ByteBuffer randomDirectBuffer(int bytes) {
        byte[] random = new byte[bytes];
        new SplittableRandom(5).nextBytes(random);
        return ByteBuffer.allocateDirect(bytes).put(random).flip();
    }

    /*
     * How to run (from the project root, after mvn -pl benchmarks -am package -DskipTests):
     *
     *   java -cp benchmarks/target/benchmarks.jar io.sluice.benchmarks.RunStorageBenchmarks DiskWriteBaseline
     *
     * Point -Dsluice.bench.dir at the disk the WAL will use if it is not java.io.tmpdir's.
     *
     * What to expect: writeFile runs at memory speed (GB/s) because nothing waits for the
     * device; writeFileAndForce gives the device's sequential write speed (what dd with
     * conv=fdatasync reports); writeAndForce minus write is the cost of one fdatasync, a few
     * hundred microseconds on a virtual disk, more on a spinning one, and nearly the same for
     * 1 KiB and 64 KiB. Measured figures: benchmarks/results/storage-latest.md.
     */
}
