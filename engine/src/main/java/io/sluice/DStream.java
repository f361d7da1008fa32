package io.sluice;

import io.sluice.function.FlatMapFunction;
import io.sluice.function.Function;
import io.sluice.function.Function2;
import io.sluice.function.PairFlatMapFunction;
import io.sluice.function.PairFunction;
import io.sluice.function.VoidFunction;
import io.sluice.function.VoidFunction2;
import io.sluice.internal.dstream.DStreamGraph;
import io.sluice.internal.dstream.ForEachDStream;
import io.sluice.internal.dstream.ObjectFileOutput;
import io.sluice.internal.dstream.TextFileOutput;
import io.sluice.internal.dstream.TransactionalOutput;
import io.sluice.internal.dstream.TransformedDStream;
import io.sluice.internal.dstream.UnionDStream;
import io.sluice.internal.util.UserCodeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A discretized stream, as Spark's {@code JavaDStream}: a sequence of {@link RDD}s, one per
 * batch interval (or per slide, for windowed streams).
 *
 * <p>Transformations return new streams and are lazy; output operations ({@link #print},
 * {@link #foreachRDD}, {@link #saveAsTextFiles}) register a job that runs at every batch, in the
 * order they were declared. All operations must be declared before
 * {@link StreamingContext#start()}; declaring one afterwards throws
 * {@link IllegalStateException}.
 *
 * @param <T> the record type
 */
public abstract class DStream<T> {
    private static final Logger LOG = LoggerFactory.getLogger(DStream.class);

    protected final StreamingContext ssc;
    private final Map<Time, Optional<RDD<T>>> generated = new ConcurrentHashMap<>();
    private volatile Time zeroTime;
    private volatile Duration rememberDuration;
    private volatile Duration checkpointDuration;
    private volatile boolean cached;

    protected DStream(StreamingContext ssc) {
        this.ssc = ssc;
        ssc.graph().assertMutable();
    }

    // ---------------------------------------------------------------- for DStream implementations

    /** How often this stream produces an RDD. Internal. */
    public abstract Duration slideDuration();

    /** The streams this one is computed from. Internal. */
    public abstract List<DStream<?>> dependencies();

    /** Computes the RDD of batch {@code validTime}; empty when there is none. Internal. */
    protected abstract Optional<RDD<T>> compute(Time validTime);

    /** The context. */
    public StreamingContext context() {
        return ssc;
    }

    /**
     * The RDD of batch {@code time}, computed once and remembered for the remember duration.
     * Empty if {@code time} is not a batch time of this stream. Internal.
     */
    public final Optional<RDD<T>> getOrCompute(Time time) {
        Optional<RDD<T>> rdd = generated.get(time);
        if (rdd != null) {
            return rdd;
        }
        if (!isTimeValid(time)) {
            return Optional.empty();
        }
        synchronized (this) {
            rdd = generated.get(time);
            if (rdd == null) {
                rdd = compute(time);
                if (cached) {
                    rdd = rdd.map(r -> r instanceof io.sluice.internal.rdd.CachedRDD<T> ? r
                            : new io.sluice.internal.rdd.CachedRDD<>(r));
                }
                generated.put(time, rdd);
            }
            return rdd;
        }
    }

    /** Whether {@code time} is a time at which this stream produces an RDD. Internal. */
    public boolean isTimeValid(Time time) {
        Time z = zeroTime;
        if (z == null) {
            throw new IllegalStateException("Bug: stream " + this + " used before initialization");
        }
        long delta = time.milliseconds() - z.milliseconds();
        return delta > 0 && delta % slideDuration().toMillis() == 0;
    }

    /** Sets the zero time of this stream and its parents (at context start). Internal. */
    public void initialize(Time zero) {
        if (zeroTime != null && zeroTime.equals(zero)) {
            return;
        }
        zeroTime = zero;
        for (DStream<?> d : dependencies()) {
            d.initialize(zero);
        }
    }

    /** The zero time (the first batch time minus one batch duration). Internal. */
    public Time zeroTime() {
        return zeroTime;
    }

    /**
     * Makes this stream and its parents remember their RDDs for at least {@code d}. Internal:
     * users call {@link #remember} on the context.
     */
    public void rememberAtLeast(Duration d) {
        if (d != null && (rememberDuration == null || rememberDuration.compareTo(d) < 0)) {
            rememberDuration = d;
        }
        Duration forParents = parentRememberDuration();
        for (DStream<?> p : dependencies()) {
            p.rememberAtLeast(forParents);
        }
    }

    /** How long parents must remember their RDDs for this stream to compute. Internal. */
    protected Duration parentRememberDuration() {
        return rememberDuration;
    }

    /** How long this stream remembers its RDDs (at least its slide). Internal. */
    public Duration rememberDuration() {
        Duration d = rememberDuration;
        return d == null ? slideDuration() : d;
    }

    /** Forgets RDDs older than the remember duration before {@code time}. Internal. */
    public void clearMetadata(Time time) {
        Duration keep = rememberDuration == null ? slideDuration() : rememberDuration;
        long cutoff = time.milliseconds() - keep.toMillis();
        generated.keySet().removeIf(t -> t.milliseconds() <= cutoff);
        for (DStream<?> d : dependencies()) {
            d.clearMetadata(time);
        }
    }

    // ---------------------------------------------------------------- transformations

    /** Applies {@code f} to each record. Stateless, record by record. */
    public <R> DStream<R> map(Function<T, R> f) {
        return new TransformedDStream<>(this, (rdd, t) -> rdd.map(f));
    }

    /** Applies {@code f} to each record and flattens the results. Stateless. */
    public <R> DStream<R> flatMap(FlatMapFunction<T, R> f) {
        return new TransformedDStream<>(this, (rdd, t) -> rdd.flatMap(f));
    }

    /** Keeps the records for which {@code f} is true. Stateless. */
    public DStream<T> filter(Function<T, Boolean> f) {
        return new TransformedDStream<>(this, (rdd, t) -> rdd.filter(f));
    }

    /** Applies {@code f} to each partition of each batch. Stateless. */
    public <R> DStream<R> mapPartitions(FlatMapFunction<Iterator<T>, R> f) {
        return new TransformedDStream<>(this, (rdd, t) -> rdd.mapPartitions(f));
    }

    /** Turns each partition into a list. Stateless. */
    public DStream<List<T>> glom() {
        return new TransformedDStream<>(this, (rdd, t) -> rdd.glom());
    }

    /** Spreads each batch over {@code numPartitions} partitions. Shuffles. */
    public DStream<T> repartition(int numPartitions) {
        return new TransformedDStream<>(this, (rdd, t) -> rdd.repartition(numPartitions));
    }

    /** Turns each record into a key-value pair. Stateless. */
    public <K, V> PairDStream<K, V> mapToPair(PairFunction<T, K, V> f) {
        return PairDStream.fromDStream(new TransformedDStream<>(this, (rdd, t) -> rdd.mapToPair(f)));
    }

    /** Turns each record into zero or more key-value pairs. Stateless. */
    public <K, V> PairDStream<K, V> flatMapToPair(PairFlatMapFunction<T, K, V> f) {
        return PairDStream.fromDStream(new TransformedDStream<>(this, (rdd, t) -> rdd.flatMapToPair(f)));
    }

    /** Applies an arbitrary RDD-to-RDD function to each batch. */
    public <R> DStream<R> transform(Function<RDD<T>, RDD<R>> f) {
        return new TransformedDStream<>(this, (rdd, t) -> callUser(f, rdd));
    }

    /** Applies an arbitrary RDD-to-RDD function, given the batch time, to each batch. */
    public <R> DStream<R> transform(Function2<RDD<T>, Time, RDD<R>> f) {
        return new TransformedDStream<>(this, (rdd, t) -> {
            try {
                return f.call(rdd, t);
            } catch (Exception e) {
                throw UserCodeException.wrap(e);
            }
        });
    }

    /** Applies an arbitrary RDD-to-PairRDD function, given the batch time, to each batch. */
    public <K, V> PairDStream<K, V> transformToPair(Function2<RDD<T>, Time, PairRDD<K, V>> f) {
        return PairDStream.fromDStream(new TransformedDStream<T, Tuple2<K, V>>(this, (rdd, t) -> {
            try {
                return f.call(rdd, t);
            } catch (Exception e) {
                throw UserCodeException.wrap(e);
            }
        }));
    }

    /** Applies an arbitrary RDD-to-PairRDD function to each batch. */
    public <K, V> PairDStream<K, V> transformToPair(Function<RDD<T>, PairRDD<K, V>> f) {
        return PairDStream.fromDStream(new TransformedDStream<T, Tuple2<K, V>>(this,
                (rdd, t) -> callUser(f, rdd)));
    }

    /** The records of this stream and {@code other} in each batch. Both must have the same slide. */
    public DStream<T> union(DStream<T> other) {
        return new UnionDStream<>(List.of(this, other));
    }

    /**
     * A stream of one record per batch: the number of records in the batch (0 for an empty
     * batch). Lazy, like every transformation: the count runs with the batch's jobs.
     */
    public DStream<Long> count() {
        return new TransformedDStream<>(this, (rdd, t) -> PairRDD.fromRDD(rdd.map(x -> new Tuple2<>(0, 1L))
                        .union(ssc.parallelize(List.of(new Tuple2<>(0, 0L)), 1)))
                .reduceByKey(Long::sum, 1)
                .map(Tuple2::_2));
    }

    /**
     * A stream of one record per non-empty batch: the batch's records merged with {@code f}
     * (associative and commutative). Lazy: the reduce runs with the batch's jobs.
     */
    public DStream<T> reduce(Function2<T, T, T> f) {
        return new TransformedDStream<>(this, (rdd, t) -> rdd.mapToPair(x -> new Tuple2<>(0, x))
                .reduceByKey(f, 1)
                .map(Tuple2::_2));
    }

    // ---------------------------------------------------------------- windows

    /**
     * The records of the last {@code windowDuration} (a multiple of this stream's slide),
     * produced every slide of this stream. Window {@code (t - w, t]} at each time t.
     *
     * @throws IllegalArgumentException if the window is not a positive multiple of the slide
     */
    public DStream<T> window(Duration windowDuration) {
        return window(windowDuration, slideDuration());
    }

    /**
     * The records of the last {@code windowDuration}, produced every {@code slideDuration}; both
     * must be multiples of this stream's slide duration.
     *
     * @throws IllegalArgumentException naming the durations when they are not multiples
     */
    public DStream<T> window(Duration windowDuration, Duration slideDuration) {
        return new io.sluice.internal.window.WindowedDStream<>(this, windowDuration, slideDuration);
    }

    /**
     * One record per slide: the number of records in the window. Uses an inverse function, so
     * its cost per slide is proportional to the slide; needs a checkpoint directory.
     */
    public DStream<Long> countByWindow(Duration windowDuration, Duration slideDuration) {
        return map(x -> 1L).reduceByWindow(Long::sum, (a, b) -> a - b, windowDuration, slideDuration);
    }

    /**
     * One record per slide with data: the records of the window merged with {@code f}
     * (associative and commutative). Each batch is reduced once and the window merges the
     * batches' partial results.
     */
    public DStream<T> reduceByWindow(Function2<T, T, T> f, Duration windowDuration, Duration slideDuration) {
        return reduce(f).window(windowDuration, slideDuration).reduce(f);
    }

    /**
     * As {@link #reduceByWindow(Function2, Duration, Duration)}, incrementally: each slide adds
     * the batches entering the window and removes those leaving it with {@code invReduceFunc},
     * at a cost proportional to the slide; state lives in the state store (needs a checkpoint
     * directory).
     */
    public DStream<T> reduceByWindow(Function2<T, T, T> reduceFunc, Function2<T, T, T> invReduceFunc,
                                     Duration windowDuration, Duration slideDuration) {
        return mapToPair(x -> new Tuple2<>(0, x))
                .reduceByKeyAndWindow(reduceFunc, invReduceFunc, windowDuration, slideDuration, 1, null)
                .map(Tuple2::_2);
    }

    /**
     * The number of occurrences of each distinct record in the window, incrementally (an
     * inverse function; needs a checkpoint directory). Records whose count falls to 0 are
     * dropped.
     */
    public PairDStream<T, Long> countByValueAndWindow(Duration windowDuration, Duration slideDuration) {
        return countByValueAndWindow(windowDuration, slideDuration, ssc.runtime().env().defaultParallelism());
    }

    /** As {@link #countByValueAndWindow(Duration, Duration)} in {@code numPartitions} partitions. */
    public PairDStream<T, Long> countByValueAndWindow(Duration windowDuration, Duration slideDuration,
                                                      int numPartitions) {
        return mapToPair(x -> new Tuple2<>(x, 1L)).reduceByKeyAndWindow(Long::sum, (a, b) -> a - b,
                windowDuration, slideDuration, numPartitions, kv -> kv._2() != 0L);
    }

    /**
     * The RDDs of this stream for the batch times in {@code [from, to]} that it still remembers
     * (see {@link StreamingContext#remember}), oldest first.
     */
    public List<RDD<T>> slice(Time from, Time to) {
        if (zeroTime == null) {
            throw new IllegalStateException("slice() needs a started context: the stream has no batch times yet");
        }
        long step = slideDuration().toMillis();
        long first = zeroTime.milliseconds() + Math.max(1,
                (long) Math.ceil((from.milliseconds() - zeroTime.milliseconds()) / (double) step)) * step;
        List<RDD<T>> out = new ArrayList<>();
        for (long t = first; t <= to.milliseconds(); t += step) {
            Optional<RDD<T>> r = generated.get(new Time(t));
            if (r != null) {
                r.ifPresent(out::add);
            }
        }
        return out;
    }

    /** The number of occurrences of each distinct record in each batch. Shuffles. */
    public PairDStream<T, Long> countByValue() {
        return mapToPair(v -> new Tuple2<>(v, 1L)).reduceByKey(Long::sum);
    }

    /**
     * Keeps the records of each batch in memory once computed, so that several outputs reading
     * this stream compute it once per batch. Returns this stream.
     */
    public DStream<T> cache() {
        ssc.graph().assertMutable();
        cached = true;
        return this;
    }

    /**
     * As {@link #cache()}. The level is accepted for compatibility; cached batches are kept in
     * memory (recovery does not depend on them: it recomputes from the write-ahead log).
     */
    public DStream<T> persist(StorageLevel level) {
        return cache();
    }

    /** As {@link #cache()}. */
    public DStream<T> persist() {
        return this;
    }

    /**
     * Names the stateful operator that produces this stream ({@code updateStateByKey},
     * {@code mapWithState}, {@code reduceByKeyAndWindow} with an inverse function), as Flink's
     * {@code uid}. A checkpoint keeps state by operator id; without a name the id is derived from
     * the operator's kind and its place among the operators of that kind ({@code updateStateByKey-0},
     * ...), which survives changes to stateless steps but not adding or removing a stateful
     * operator of the same kind before it. A named operator keeps its state across any such change
     * as long as the name stays the same.
     *
     * <pre>{@code
     * pairs.updateStateByKey(update).uid("word-counts").print();
     * }</pre>
     *
     * @param id letters, digits, '.', '_' or '-'; unique among the context's stateful operators
     * @return this stream
     * @throws IllegalArgumentException if this stream is not produced by a stateful operator, or
     *     the id is malformed or taken
     * @throws IllegalStateException if the context has started
     */
    public DStream<T> uid(String id) {
        throw new IllegalArgumentException("uid(\"" + id + "\") names a stateful operator, and " + getClass().getSimpleName()
                + " keeps no state: call uid on the stream returned by updateStateByKey, mapWithState or"
                + " reduceByKeyAndWindow with an inverse function");
    }

    /**
     * Sets the interval at which this stream is checkpointed, as Spark's {@code checkpoint}: a
     * multiple of this stream's slide duration. Sluice snapshots all state in one checkpoint of
     * the context, taken at the smallest interval set on any stream or by {@code
     * sluice.streaming.checkpoint.interval} (default: 10 batches, at least 10 s, a multiple of
     * every stateful stream's slide). A recovery re-runs only the batches after the checkpoint it
     * restores, so at most one interval of batches.
     *
     * @throws IllegalArgumentException if {@code interval} is null, shorter than the slide
     *     duration, or not a multiple of it
     * @throws IllegalStateException if the context has already started
     */
    public DStream<T> checkpoint(Duration interval) {
        ssc.graph().assertMutable();
        if (interval == null || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("Checkpoint interval must be a positive duration, a multiple of the"
                    + " slide duration " + slideDuration() + ", got " + interval);
        }
        if (interval.compareTo(slideDuration()) < 0) {
            throw new IllegalArgumentException("Checkpoint interval " + interval + " is shorter than the slide duration "
                    + slideDuration() + ": use a multiple of the slide, at least one slide");
        }
        if (interval.toMillis() % slideDuration().toMillis() != 0) {
            throw new IllegalArgumentException("Checkpoint interval " + interval
                    + " must be a multiple of the slide duration " + slideDuration());
        }
        this.checkpointDuration = interval;
        return this;
    }

    /** The interval given to {@link #checkpoint(Duration)}, if any. Internal. */
    public Optional<Duration> checkpointDuration() {
        return Optional.ofNullable(checkpointDuration);
    }

    // ---------------------------------------------------------------- output operations

    /** Prints the first ten records of every batch to standard output, as Spark does. */
    public void print() {
        print(10);
    }

    /**
     * Prints the first {@code num} records of every batch to standard output, in Spark's format:
     * a line of dashes, {@code Time: <ms> ms}, a line of dashes, the records, {@code ...} if
     * there are more, and an empty line.
     */
    public void print(int num) {
        foreachRDD((rdd, time) -> {
            List<T> first = rdd.take(num + 1);
            StringBuilder sb = new StringBuilder();
            sb.append("-------------------------------------------\n");
            sb.append("Time: ").append(time.milliseconds()).append(" ms\n");
            sb.append("-------------------------------------------\n");
            for (int i = 0; i < Math.min(num, first.size()); i++) {
                sb.append(first.get(i)).append('\n');
            }
            if (first.size() > num) {
                sb.append("...\n");
            }
            sb.append('\n');
            System.out.print(sb);
            System.out.flush();
        });
    }

    /** Runs {@code f} on the RDD of every batch, on the job thread. */
    public void foreachRDD(VoidFunction<RDD<T>> f) {
        foreachRDD((rdd, time) -> f.call(rdd));
    }

    /** Runs {@code f} on the RDD and the time of every batch, on the job thread. */
    public void foreachRDD(VoidFunction2<RDD<T>, Time> f) {
        new ForEachDStream<>(this, f).register();
    }

    /**
     * Outputs every batch through a {@link TransactionalSink}, exactly once across crashes and
     * recoveries (DESIGN.md I6): for batch time {@code t} the sink is asked whether {@code t} is
     * already committed (a batch re-run after recovery whose commit happened before the crash is
     * then skipped); if not, the batch is written and committed. The batch counts as completed
     * only after the commit returned, so a crash before it makes the recovery write again,
     * replacing the uncommitted attempt. See {@link TransactionalSink} for the full argument and
     * what a sink must guarantee; {@link TransactionalFileSink} is a ready-made one.
     *
     * <p>Cost: the sink's; one extra {@code alreadyCommitted} check per batch.
     *
     * <pre>{@code
     * wordCounts.foreachRDDTransactional(new TransactionalFileSink<>("hdfs:///out/counts", ssc.hadoopConfiguration()));
     * }</pre>
     *
     * @throws IllegalArgumentException if {@code sink} is null
     * @throws IllegalStateException if the context has already started
     */
    public void foreachRDDTransactional(TransactionalSink<T> sink) {
        TransactionalOutput<T> out = new TransactionalOutput<>(sink);
        foreachRDD((rdd, time) -> out.output(rdd, time));
    }

    /**
     * Saves every batch as text files (one line per record, {@code toString()}) in the directory
     * {@code prefix-<batchTimeMs>.suffix} ({@code prefix-<batchTimeMs>} when the suffix is empty)
     * on any Hadoop filesystem, one {@code part-NNNNN} file per partition. The directory is
     * written under a temporary name and renamed, so a batch re-run after recovery replaces it
     * whole and never duplicates it.
     */
    public void saveAsTextFiles(String prefix, String suffix) {
        TextFileOutput out = new TextFileOutput(prefix, suffix, ssc.hadoopConfiguration());
        foreachRDD((rdd, time) -> out.write(rdd, time));
    }

    /**
     * Saves every batch as object files in the directory {@code prefix-<batchTimeMs>.suffix}
     * ({@code prefix-<batchTimeMs>} when the suffix is empty) on any Hadoop filesystem, as Spark's
     * {@code saveAsObjectFiles}; {@link StreamingContext#objectFile(String)} reads a directory
     * back.
     *
     * <p>Format: one uncompressed Hadoop SequenceFile {@code part-NNNNN} per partition (empty
     * partitions too), with {@code NullWritable} keys and {@code BytesWritable} values, each value
     * a block of up to ten consecutive records serialized with the context's serializer (Kryo,
     * with a leading format version byte; see {@code sluice.kryo.registrator}), then
     * {@code _SUCCESS}. The format is Sluice's: Spark writes Java-serialized arrays, so neither
     * reads the other's files.
     *
     * <p>Cost: one task per partition, each writing and syncing one file; the records are
     * serialized once. Guarantee: as {@link #saveAsTextFiles}, the directory is written under a
     * temporary name and renamed, so a batch re-run after recovery replaces it whole and never
     * duplicates it; a reader sees no directory or a complete one.
     *
     * <pre>{@code
     * events.saveAsObjectFiles("hdfs:///out/events", "bin");
     * // later, or in another application:
     * RDD<Event> batch = ssc.objectFile("hdfs:///out/events-1700000000000.bin");
     * }</pre>
     *
     * @throws IllegalArgumentException if {@code prefix} is null or empty
     * @throws IllegalStateException if the context has already started
     */
    public void saveAsObjectFiles(String prefix, String suffix) {
        ObjectFileOutput out = new ObjectFileOutput(prefix, suffix, ssc.hadoopConfiguration());
        foreachRDD((rdd, time) -> out.write(rdd, time));
    }

    // ---------------------------------------------------------------- internal helpers

    /** The graph this stream belongs to. Internal. */
    protected DStreamGraph graph() {
        return ssc.graph();
    }

    private static <A, R> R callUser(Function<A, R> f, A a) {
        try {
            return f.call(a);
        } catch (Exception e) {
            throw UserCodeException.wrap(e);
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "@" + Integer.toHexString(System.identityHashCode(this));
    }

    static Logger log() {
        return LOG;
    }
}
