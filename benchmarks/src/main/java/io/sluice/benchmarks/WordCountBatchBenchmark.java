package io.sluice.benchmarks;

import io.sluice.RDD;
import io.sluice.SluiceConf;
import io.sluice.StreamingContext;
import io.sluice.Tuple2;
import io.sluice.benchmarks.endtoend.LineSource;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
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
 * One batch of the end-to-end word count, without the streaming machinery around it: the
 * {@code flatMap -> mapToPair -> reduceByKey -> count} job of the queue workload over a
 * pre-built dataset of {@link #lines} lines ({@link LineSource}: 100 bytes, 10 words, a
 * 10,000-word vocabulary) in 2 partitions, on {@code local[2]}. The score is milliseconds per
 * batch, so a change to the shuffle, the scheduler or the action shows up without the noise of
 * a sustained-rate search.
 *
 * <p>{@link #baselineLoop} runs the same user functions in a plain single-threaded loop into a
 * {@code HashMap}: the cost of the user code alone, which no engine can beat on one core.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar WordCountBatchBenchmark}. Both
 * numbers are printed in ms/op; a batch on two task threads should cost less than the loop.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@State(Scope.Benchmark)
public class WordCountBatchBenchmark {

    /** Lines per batch. */
    @Param({"200000"})
    public int lines;

    private StreamingContext ssc;
    private List<String> data;
    private RDD<String> input;
    private long expectedKeys;

    @Setup(Level.Trial)
    public void prepare() {
        SluiceConf conf = new SluiceConf().setMaster("local[2]").setAppName("word-count-batch");
        ssc = new StreamingContext(conf, Duration.ofSeconds(1));
        data = LineSource.shared().lines(lines);
        input = ssc.parallelize(data, 2);
        expectedKeys = baselineLoop();
        long got = batch();
        if (got != expectedKeys) {
            throw new IllegalStateException("Sluice counted " + got + " distinct words, the loop "
                    + expectedKeys + ": a bug in the shuffle");
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        ssc.stop(false);
    }

    /** The queue workload's job on one batch: the number of distinct words. */
    @Benchmark
    public long batch() {
        return input.flatMap(l -> Arrays.asList(l.split(" ")).iterator())
                .mapToPair(w -> new Tuple2<>(w, 1))
                .reduceByKey(Integer::sum)
                .count();
    }

    /** The same user functions in one thread, into a {@code HashMap}. */
    @Benchmark
    public long baselineLoop() {
        java.util.HashMap<String, Integer> counts = new java.util.HashMap<>();
        for (String l : data) {
            for (String w : Arrays.asList(l.split(" "))) {
                Tuple2<String, Integer> kv = new Tuple2<>(w, 1);
                counts.merge(kv._1(), kv._2(), Integer::sum);
            }
        }
        return counts.size();
    }
}
