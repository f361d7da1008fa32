package io.sluice;

import io.sluice.function.FlatMapFunction;
import io.sluice.function.Function;
import io.sluice.function.Function2;
import io.sluice.internal.dstream.HadoopFileOutput;
import io.sluice.internal.dstream.NewAPIHadoopFileOutput;
import io.sluice.internal.dstream.TransformedDStream;
import io.sluice.internal.state.StateDStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapred.JobConf;

/**
 * A stream of key-value pairs, as Spark's {@code JavaPairDStream}, with the by-key operations.
 *
 * <p>By-key operations shuffle each batch by the hash of the key into the given number of
 * partitions (default: {@code sluice.default.parallelism}, the number of task threads).
 */
public class PairDStream<K, V> extends DStream<Tuple2<K, V>> {
    private final DStream<Tuple2<K, V>> inner;

    private PairDStream(DStream<Tuple2<K, V>> inner) {
        super(inner.context());
        this.inner = inner;
    }

    /** Views a stream of pairs as a PairDStream. */
    public static <K, V> PairDStream<K, V> fromDStream(DStream<Tuple2<K, V>> stream) {
        return stream instanceof PairDStream<K, V> p ? p : new PairDStream<>(stream);
    }

    /** Names the stateful operator behind this stream; see {@link DStream#uid(String)}. */
    @Override
    public PairDStream<K, V> uid(String id) {
        inner.uid(id);
        return this;
    }

    @Override
    public Duration slideDuration() {
        return inner.slideDuration();
    }

    @Override
    public List<DStream<?>> dependencies() {
        return List.of(inner);
    }

    @Override
    protected Optional<RDD<Tuple2<K, V>>> compute(Time validTime) {
        return inner.getOrCompute(validTime);
    }

    private int defaultPartitions() {
        return ssc.runtime().env().defaultParallelism();
    }

    private <K2, V2> PairDStream<K2, V2> pairTransform(java.util.function.Function<PairRDD<K, V>, RDD<Tuple2<K2, V2>>> f) {
        return fromDStream(new TransformedDStream<Tuple2<K, V>, Tuple2<K2, V2>>(this,
                (rdd, t) -> f.apply(PairRDD.fromRDD(rdd))));
    }

    /** Applies {@code f} to each value. Stateless, no shuffle. */
    public <W> PairDStream<K, W> mapValues(Function<V, W> f) {
        return pairTransform(rdd -> rdd.mapValues(f));
    }

    /** Applies {@code f} to each value and flattens. Stateless, no shuffle. */
    public <W> PairDStream<K, W> flatMapValues(FlatMapFunction<V, W> f) {
        return pairTransform(rdd -> rdd.flatMapValues(f));
    }

    /** Groups the values of each key within each batch. Shuffles every record. */
    public PairDStream<K, Iterable<V>> groupByKey() {
        return groupByKey(defaultPartitions());
    }

    /** As {@link #groupByKey()}, into {@code numPartitions} partitions. */
    public PairDStream<K, Iterable<V>> groupByKey(int numPartitions) {
        return pairTransform(rdd -> rdd.groupByKey(numPartitions));
    }

    /**
     * Merges the values of each key within each batch with {@code f} (associative and
     * commutative). Shuffles, combining on the map side first.
     */
    public PairDStream<K, V> reduceByKey(Function2<V, V, V> f) {
        return reduceByKey(f, defaultPartitions());
    }

    /** As {@link #reduceByKey(Function2)}, into {@code numPartitions} partitions. */
    public PairDStream<K, V> reduceByKey(Function2<V, V, V> f, int numPartitions) {
        return pairTransform(rdd -> rdd.reduceByKey(f, numPartitions));
    }

    /** Combines the values of each key within each batch, as Spark's combineByKey. */
    public <C> PairDStream<K, C> combineByKey(Function<V, C> createCombiner, Function2<C, V, C> mergeValue,
                                              Function2<C, C, C> mergeCombiners, int numPartitions) {
        return pairTransform(rdd -> rdd.combineByKey(createCombiner, mergeValue, mergeCombiners, numPartitions));
    }

    /** As {@link #combineByKey(Function, Function2, Function2, int)} with the default partitions. */
    public <C> PairDStream<K, C> combineByKey(Function<V, C> createCombiner, Function2<C, V, C> mergeValue,
                                              Function2<C, C, C> mergeCombiners) {
        return combineByKey(createCombiner, mergeValue, mergeCombiners, defaultPartitions());
    }

    // ---------------------------------------------------------------- joins

    @SuppressWarnings("unchecked")
    private <W, R> PairDStream<K, R> withOther(PairDStream<K, W> other,
            java.util.function.BiFunction<PairRDD<K, V>, PairRDD<K, W>, RDD<Tuple2<K, R>>> f) {
        return fromDStream(new io.sluice.internal.dstream.MultiTransformedDStream<Tuple2<K, R>>(
                List.of(this, other), (rdds, t) -> f.apply(PairRDD.fromRDD((RDD<Tuple2<K, V>>) rdds.get(0)),
                        PairRDD.fromRDD((RDD<Tuple2<K, W>>) rdds.get(1)))));
    }

    /** The values of each key in both streams, per batch. Shuffles both. Same slide needed. */
    public <W> PairDStream<K, Tuple2<Iterable<V>, Iterable<W>>> cogroup(PairDStream<K, W> other) {
        return cogroup(other, defaultPartitions());
    }

    /** As {@link #cogroup(PairDStream)} into {@code numPartitions} partitions. */
    public <W> PairDStream<K, Tuple2<Iterable<V>, Iterable<W>>> cogroup(PairDStream<K, W> other, int numPartitions) {
        return withOther(other, (a, b) -> a.cogroup(b, numPartitions));
    }

    /** The inner join of each batch with the other stream's batch of the same time. Shuffles both. */
    public <W> PairDStream<K, Tuple2<V, W>> join(PairDStream<K, W> other) {
        return join(other, defaultPartitions());
    }

    /** As {@link #join(PairDStream)} into {@code numPartitions} partitions. */
    public <W> PairDStream<K, Tuple2<V, W>> join(PairDStream<K, W> other, int numPartitions) {
        return withOther(other, (a, b) -> a.join(b, numPartitions));
    }

    /** The left outer join, per batch: every pair of this stream, with the other's values if any. */
    public <W> PairDStream<K, Tuple2<V, Optional<W>>> leftOuterJoin(PairDStream<K, W> other) {
        return leftOuterJoin(other, defaultPartitions());
    }

    /** As {@link #leftOuterJoin(PairDStream)} into {@code numPartitions} partitions. */
    public <W> PairDStream<K, Tuple2<V, Optional<W>>> leftOuterJoin(PairDStream<K, W> other, int numPartitions) {
        return withOther(other, (a, b) -> a.leftOuterJoin(b, numPartitions));
    }

    /** The right outer join, per batch. */
    public <W> PairDStream<K, Tuple2<Optional<V>, W>> rightOuterJoin(PairDStream<K, W> other) {
        return rightOuterJoin(other, defaultPartitions());
    }

    /** As {@link #rightOuterJoin(PairDStream)} into {@code numPartitions} partitions. */
    public <W> PairDStream<K, Tuple2<Optional<V>, W>> rightOuterJoin(PairDStream<K, W> other, int numPartitions) {
        return withOther(other, (a, b) -> a.rightOuterJoin(b, numPartitions));
    }

    /** The full outer join, per batch. */
    public <W> PairDStream<K, Tuple2<Optional<V>, Optional<W>>> fullOuterJoin(PairDStream<K, W> other) {
        return fullOuterJoin(other, defaultPartitions());
    }

    /** As {@link #fullOuterJoin(PairDStream)} into {@code numPartitions} partitions. */
    public <W> PairDStream<K, Tuple2<Optional<V>, Optional<W>>> fullOuterJoin(PairDStream<K, W> other,
                                                                             int numPartitions) {
        return withOther(other, (a, b) -> a.fullOuterJoin(b, numPartitions));
    }

    // ---------------------------------------------------------------- windows

    /** The values of each key over the last {@code windowDuration}, every batch. Shuffles. */
    public PairDStream<K, Iterable<V>> groupByKeyAndWindow(Duration windowDuration) {
        return groupByKeyAndWindow(windowDuration, slideDuration(), defaultPartitions());
    }

    /** The values of each key over the window, every {@code slideDuration}. Shuffles. */
    public PairDStream<K, Iterable<V>> groupByKeyAndWindow(Duration windowDuration, Duration slideDuration) {
        return groupByKeyAndWindow(windowDuration, slideDuration, defaultPartitions());
    }

    /** As {@link #groupByKeyAndWindow(Duration, Duration)} into {@code numPartitions} partitions. */
    public PairDStream<K, Iterable<V>> groupByKeyAndWindow(Duration windowDuration, Duration slideDuration,
                                                          int numPartitions) {
        return fromDStream(window(windowDuration, slideDuration)).groupByKey(numPartitions);
    }

    /**
     * Merges the values of each key over the last {@code windowDuration}, every batch. Each batch
     * is reduced once; each window merges its batches' partial results (cost per slide
     * proportional to the window; see the overload with an inverse function for O(slide)).
     */
    public PairDStream<K, V> reduceByKeyAndWindow(Function2<V, V, V> f, Duration windowDuration) {
        return reduceByKeyAndWindow(f, windowDuration, slideDuration(), defaultPartitions());
    }

    /** As {@link #reduceByKeyAndWindow(Function2, Duration)}, every {@code slideDuration}. */
    public PairDStream<K, V> reduceByKeyAndWindow(Function2<V, V, V> f, Duration windowDuration,
                                                  Duration slideDuration) {
        return reduceByKeyAndWindow(f, windowDuration, slideDuration, defaultPartitions());
    }

    /** As {@link #reduceByKeyAndWindow(Function2, Duration, Duration)} into {@code numPartitions}. */
    public PairDStream<K, V> reduceByKeyAndWindow(Function2<V, V, V> f, Duration windowDuration,
                                                  Duration slideDuration, int numPartitions) {
        return fromDStream(reduceByKey(f, numPartitions).window(windowDuration, slideDuration))
                .reduceByKey(f, numPartitions);
    }

    /**
     * Merges the values of each key over the window incrementally: each slide applies the
     * batches entering the window with {@code reduceFunc} and removes those leaving it with
     * {@code invReduceFunc}, so its cost is proportional to the slide, not the window. The
     * window's values and the per-batch partial aggregates live in the state store (not on the
     * heap) and are checkpointed; needs a checkpoint directory. Keys stay in the window with
     * their reduced value (for counts, 0) unless dropped by the filter overload.
     */
    public PairDStream<K, V> reduceByKeyAndWindow(Function2<V, V, V> reduceFunc, Function2<V, V, V> invReduceFunc,
                                                  Duration windowDuration, Duration slideDuration) {
        return reduceByKeyAndWindow(reduceFunc, invReduceFunc, windowDuration, slideDuration, defaultPartitions(), null);
    }

    /**
     * As {@link #reduceByKeyAndWindow(Function2, Function2, Duration, Duration)}, in
     * {@code numPartitions} partitions, keeping only the (key, value) pairs for which
     * {@code filterFunc} is true (null keeps all).
     */
    public PairDStream<K, V> reduceByKeyAndWindow(Function2<V, V, V> reduceFunc, Function2<V, V, V> invReduceFunc,
                                                  Duration windowDuration, Duration slideDuration, int numPartitions,
                                                  Function<Tuple2<K, V>, Boolean> filterFunc) {
        return fromDStream(new io.sluice.internal.window.ReducedWindowedDStream<>(this, reduceFunc, invReduceFunc,
                windowDuration, slideDuration, numPartitions, filterFunc));
    }

    /**
     * Keeps a state per key and maps every record with it, as Spark's mapWithState: the spec's
     * function is called for each record of a batch with the record's key, its value and the
     * key's {@link State}, and the returned stream holds what it returns. With a timeout, a key
     * with no data for longer than the timeout is called once more with no value and
     * {@link State#isTimingOut()} (checked at every batch).
     *
     * <p>State lives in the state store (RocksDB) and is checkpointed; needs a checkpoint
     * directory. Cost per batch: proportional to the batch's records plus the keys that time
     * out, not to the size of the state.
     */
    public <S, T> MapWithStateDStream<K, V, S, T> mapWithState(StateSpec<K, V, S, T> spec) {
        return new MapWithStateDStream<>(new io.sluice.internal.state.MapWithStateOperator<>(this, spec,
                defaultPartitions()));
    }

    /**
     * Keeps a state per key across batches, as Spark's updateStateByKey: at every batch,
     * {@code updateFunc} is called for every key that has a state or new values, with the
     * batch's values of the key (possibly none) and its previous state (possibly none); its
     * result is the new state, and empty removes the key. The returned stream holds every
     * (key, state) after each batch.
     *
     * <p>State lives in the state store (RocksDB), is snapshotted at every checkpoint and
     * restored by {@link StreamingContext#getOrCreate}. Needs a checkpoint directory
     * ({@link StreamingContext#checkpoint}). Cost per batch: proportional to the number of keys
     * with state, as in Spark; the visit of a key without new values costs one read of its
     * state, one call and one compare (an unchanged state is not written again). Keys must have
     * a {@code hashCode()} stable across JVMs (no enums), and, as in {@link #mapWithState}, the
     * store identifies a key by its serialized bytes, so equal keys must serialize to equal
     * bytes (strings, boxed numbers, records and lists of these do; a {@code HashSet} key whose
     * equal copies were built in different orders may not).
     */
    public <S> PairDStream<K, S> updateStateByKey(Function2<List<V>, Optional<S>, Optional<S>> updateFunc) {
        return updateStateByKey(updateFunc, defaultPartitions());
    }

    /** As {@link #updateStateByKey(Function2)}, with the state in {@code numPartitions} partitions. */
    public <S> PairDStream<K, S> updateStateByKey(Function2<List<V>, Optional<S>, Optional<S>> updateFunc,
                                                  int numPartitions) {
        return fromDStream(new StateDStream<>(this, updateFunc, numPartitions, null));
    }

    /** As {@link #updateStateByKey(Function2, int)}, with Spark's partitioner argument. */
    public <S> PairDStream<K, S> updateStateByKey(Function2<List<V>, Optional<S>, Optional<S>> updateFunc,
                                                  HashPartitioner partitioner) {
        return updateStateByKey(updateFunc, partitioner.numPartitions());
    }

    /** As {@link #updateStateByKey(Function2, int, PairRDD)}, with Spark's partitioner argument. */
    public <S> PairDStream<K, S> updateStateByKey(Function2<List<V>, Optional<S>, Optional<S>> updateFunc,
                                                  HashPartitioner partitioner, PairRDD<K, S> initialRDD) {
        return updateStateByKey(updateFunc, partitioner.numPartitions(), initialRDD);
    }

    /**
     * As {@link #updateStateByKey(Function2, int)}, starting from the states in {@code initialRDD}
     * (used only on a fresh start; a recovered context restores its checkpointed state).
     */
    public <S> PairDStream<K, S> updateStateByKey(Function2<List<V>, Optional<S>, Optional<S>> updateFunc,
                                                  int numPartitions, PairRDD<K, S> initialRDD) {
        return fromDStream(new StateDStream<>(this, updateFunc, numPartitions, initialRDD));
    }

    // ---------------------------------------------------------------- output operations

    /**
     * Saves every batch with an old-API Hadoop output format, as Spark's
     * {@code saveAsHadoopFiles}, with the context's {@link StreamingContext#hadoopConfiguration()}
     * (as it is when each batch is written). See
     * {@link #saveAsHadoopFiles(String, String, Class, Class, Class, JobConf)}.
     *
     * @throws IllegalArgumentException if {@code prefix} is empty or the output format is abstract
     *     or has no constructor without arguments
     * @throws NullPointerException if a class is null
     * @throws IllegalStateException if the context has already started
     */
    @SuppressWarnings("rawtypes")
    public void saveAsHadoopFiles(String prefix, String suffix, Class<?> keyClass, Class<?> valueClass,
                                  Class<? extends org.apache.hadoop.mapred.OutputFormat> outputFormatClass) {
        HadoopFileOutput out = new HadoopFileOutput(prefix, suffix, keyClass, valueClass, outputFormatClass,
                ssc.hadoopConfiguration());
        foreachRDD((rdd, time) -> out.write(rdd, time));
    }

    /**
     * Saves every batch with an old-API ({@code org.apache.hadoop.mapred}) output format, as
     * Spark's {@code saveAsHadoopFiles}, in the directory {@code prefix-<batchTimeMs>.suffix}
     * ({@code prefix-<batchTimeMs>} when the suffix is empty) on any Hadoop filesystem.
     *
     * <p>Keys and values are handed to the output format as they are: map them to the types it
     * expects first (Writables for {@code SequenceFileOutputFormat}; {@code TextOutputFormat}
     * writes {@code key<TAB>value} with {@code toString()}). {@code keyClass} and
     * {@code valueClass} are set as the job's output key and value classes.
     *
     * <p>Each batch runs as a Hadoop job with its output path in a temporary directory: the
     * format's {@code checkOutputSpecs}, the committer's {@code setupJob}, one task per partition
     * (record writer, {@code close}, {@code commitTask}), {@code commitJob}; then the directory
     * is renamed to its final name, replacing the directory of an earlier run of the batch. Files
     * are named {@code part-NNNNN}, as Spark names them, plus the committer's {@code _SUCCESS}.
     *
     * <p>Cost: one task per partition writing one file, plus the committer's renames (two per
     * file with the default {@code FileOutputCommitter}, cheap on HDFS and local disks, copies on
     * object stores). Guarantee: a batch re-run after recovery replaces its directory whole and
     * never duplicates it; a reader sees no directory or a complete one. The contents are as
     * durable as the format's writer makes them on close (not {@code hsync}ed).
     *
     * <pre>{@code
     * counts.mapToPair(kv -> new Tuple2<>(new Text(kv._1()), new IntWritable(kv._2())))
     *       .saveAsHadoopFiles("hdfs:///out/counts", "", Text.class, IntWritable.class,
     *               org.apache.hadoop.mapred.TextOutputFormat.class, new JobConf());
     * }</pre>
     *
     * @param conf the job configuration, copied now; each batch starts from a copy of the copy
     * @throws IllegalArgumentException if {@code prefix} is empty or the output format is abstract
     *     or has no constructor without arguments
     * @throws NullPointerException if a class or {@code conf} is null
     * @throws IllegalStateException if the context has already started
     * @throws SluiceException (from the batch, ending the context) naming the batch, the
     *     directory and the fix when the directory cannot be written or the format refuses a
     *     record
     */
    @SuppressWarnings("rawtypes")
    public void saveAsHadoopFiles(String prefix, String suffix, Class<?> keyClass, Class<?> valueClass,
                                  Class<? extends org.apache.hadoop.mapred.OutputFormat> outputFormatClass,
                                  JobConf conf) {
        java.util.Objects.requireNonNull(conf, "saveAsHadoopFiles: conf");
        HadoopFileOutput out = new HadoopFileOutput(prefix, suffix, keyClass, valueClass, outputFormatClass,
                new JobConf(conf));
        foreachRDD((rdd, time) -> out.write(rdd, time));
    }

    /**
     * Saves every batch with a new-API Hadoop output format, as Spark's
     * {@code saveAsNewAPIHadoopFiles}, with the context's
     * {@link StreamingContext#hadoopConfiguration()} (as it is when each batch is written). See
     * {@link #saveAsNewAPIHadoopFiles(String, String, Class, Class, Class, Configuration)}.
     *
     * @throws IllegalArgumentException if {@code prefix} is empty or the output format is abstract
     *     or has no constructor without arguments
     * @throws NullPointerException if a class is null
     * @throws IllegalStateException if the context has already started
     */
    @SuppressWarnings("rawtypes")
    public void saveAsNewAPIHadoopFiles(String prefix, String suffix, Class<?> keyClass, Class<?> valueClass,
                                        Class<? extends org.apache.hadoop.mapreduce.OutputFormat> outputFormatClass) {
        NewAPIHadoopFileOutput out = new NewAPIHadoopFileOutput(prefix, suffix, keyClass, valueClass,
                outputFormatClass, ssc.hadoopConfiguration());
        foreachRDD((rdd, time) -> out.write(rdd, time));
    }

    /**
     * Saves every batch with a new-API ({@code org.apache.hadoop.mapreduce}) output format, as
     * Spark's {@code saveAsNewAPIHadoopFiles}, in the directory {@code prefix-<batchTimeMs>.suffix}
     * ({@code prefix-<batchTimeMs>} when the suffix is empty) on any Hadoop filesystem.
     *
     * <p>Keys and values are handed to the output format as they are: map them to the types it
     * expects first. {@code keyClass} and {@code valueClass} are set as the job's output key and
     * value classes (the header of a SequenceFile, say).
     *
     * <p>Each batch runs as a Hadoop job with its output path in a temporary directory, driven as
     * the MapReduce framework drives it: {@code checkOutputSpecs}, the committer's
     * {@code setupJob}, one task per partition (task attempt context, record writer,
     * {@code close}, {@code commitTask}), {@code commitJob}; then the directory is renamed to its
     * final name, replacing the directory of an earlier run of the batch. Tasks are reduce tasks,
     * so files are named {@code part-r-NNNNN}, as Spark names them, plus the committer's
     * {@code _SUCCESS}.
     *
     * <p>Cost and guarantee: as
     * {@link #saveAsHadoopFiles(String, String, Class, Class, Class, JobConf)}.
     *
     * <pre>{@code
     * counts.mapToPair(kv -> new Tuple2<>(new Text(kv._1()), new IntWritable(kv._2())))
     *       .saveAsNewAPIHadoopFiles("hdfs:///out/counts", "seq", Text.class, IntWritable.class,
     *               SequenceFileOutputFormat.class, new Configuration());
     * }</pre>
     *
     * @param conf the configuration, copied now; each batch starts from a copy of the copy
     * @throws IllegalArgumentException if {@code prefix} is empty or the output format is abstract
     *     or has no constructor without arguments
     * @throws NullPointerException if a class or {@code conf} is null
     * @throws IllegalStateException if the context has already started
     * @throws SluiceException (from the batch, ending the context) naming the batch, the
     *     directory and the fix when the directory cannot be written or the format refuses a
     *     record
     */
    @SuppressWarnings("rawtypes")
    public void saveAsNewAPIHadoopFiles(String prefix, String suffix, Class<?> keyClass, Class<?> valueClass,
                                        Class<? extends org.apache.hadoop.mapreduce.OutputFormat> outputFormatClass,
                                        Configuration conf) {
        java.util.Objects.requireNonNull(conf, "saveAsNewAPIHadoopFiles: conf");
        NewAPIHadoopFileOutput out = new NewAPIHadoopFileOutput(prefix, suffix, keyClass, valueClass,
                outputFormatClass, new Configuration(conf));
        foreachRDD((rdd, time) -> out.write(rdd, time));
    }
}
