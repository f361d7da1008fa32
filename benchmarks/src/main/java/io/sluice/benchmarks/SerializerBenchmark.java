package io.sluice.benchmarks;

import io.sluice.internal.storage.serde.KryoSerializer;
import java.util.ArrayList;
import java.util.List;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link KryoSerializer}: a block of {@value #RECORDS} records, as a receiver writes one to the
 * WAL, and a single value, as a state update writes one, each way.
 *
 * <p>Two kinds of record: {@code strings}, 100 ASCII characters each (about 100 KB a block),
 * and {@code tuples}, a small record of a string, a long and a double (a {@link Reading}).
 * {@link #baselineCopy} copies the serialized block: the cost of touching its bytes once,
 * which no serializer can beat. {@link RunStorageBenchmarks} turns block ops/s into MB/s of
 * serialized bytes.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class SerializerBenchmark {

    /** Records per block. */
    static final int RECORDS = 1000;
    /** Characters per string record. */
    static final int STRING_CHARS = 100;

    /** A small record, the shape of a typical keyed measurement. */
    public record Reading(String sensor, long timestampMs, double value) {
    }

    /** {@code strings} or {@code tuples}. */
    @Param({"strings", "tuples"})
    public String records;

    private KryoSerializer serializer;
    private List<Object> block;
    private byte[] blockBytes;
    private Object value;
    private byte[] valueBytes;

    @Setup(Level.Trial)
    public void prepare() {
        serializer = new KryoSerializer();
        block = block(records);
        blockBytes = serializer.serializeBlock(block);
        value = block.get(0);
        valueBytes = serializer.serialize(value);
        if (!serializer.deserializeBlock(blockBytes).equals(block)
                || !serializer.deserialize(valueBytes).equals(value)) {
            throw new IllegalStateException("KryoSerializer does not read back what it wrote: a bug");
        }
    }

    @Benchmark
    public byte[] baselineCopy() {
        return blockBytes.clone();
    }

    @Benchmark
    public byte[] serializeBlock() {
        return serializer.serializeBlock(block);
    }

    @Benchmark
    public List<Object> deserializeBlock() {
        return serializer.deserializeBlock(blockBytes);
    }

    @Benchmark
    public byte[] serializeValue() {
        return serializer.serialize(value);
    }

    @Benchmark
    public Object deserializeValue() {
        return serializer.deserialize(valueBytes);
    }

    /** The block of {@code kind} ({@code strings} or {@code tuples}); the same on every call. */
    static List<Object> block(String kind) {
        SplittableRandom random = new SplittableRandom(3);
        List<Object> block = new ArrayList<>(RECORDS);
        for (int i = 0; i < RECORDS; i++) {
            switch (kind) {
                case "strings" -> {
                    char[] chars = new char[STRING_CHARS];
                    for (int c = 0; c < chars.length; c++) {
                        chars[c] = (char) ('a' + random.nextInt(26));
                    }
                    block.add(new String(chars));
                }
                case "tuples" -> block.add(new Reading("sensor-" + random.nextInt(100_000),
                        1_700_000_000_000L + i, random.nextDouble()));
                default -> throw new IllegalArgumentException("Unknown record kind [" + kind
                        + "]: use strings or tuples");
            }
        }
        return block;
    }

    /** The serialized size of the block of {@code kind}, to turn block ops/s into bytes/s. */
    static int serializedBlockBytes(String kind) {
        return new KryoSerializer().serializeBlock(block(kind)).length;
    }

    /*
     * How to run (from the project root, after mvn -pl benchmarks -am package -DskipTests):
     *
     *   java -cp benchmarks/target/benchmarks.jar io.sluice.benchmarks.RunStorageBenchmarks SerializerBenchmark
     *
     * What to expect: the copy baseline runs at memory bandwidth (GB/s); a block of strings
     * serializes and deserializes at up to about half of that, a block of tuples several times
     * slower per byte, because every record is an object graph of its own; a single value
     * costs around a microsecond or less, mostly the pooling and the class header around it.
     * Measured figures: benchmarks/results/storage-latest.md.
     */
}
