package io.sluice;

import io.sluice.function.Function;
import io.sluice.function.Function0;
import io.sluice.internal.ContextRuntime;
import io.sluice.internal.SluiceEnv;
import io.sluice.internal.checkpoint.CheckpointStore;
import io.sluice.internal.checkpoint.HadoopCheckpointStore;
import io.sluice.internal.config.StreamingConfig;
import io.sluice.internal.dstream.DStreamGraph;
import io.sluice.internal.dstream.DirectInputDStream;
import io.sluice.internal.dstream.FileInputDStream;
import io.sluice.internal.dstream.InputDStream;
import io.sluice.internal.dstream.ObjectFileRDD;
import io.sluice.internal.dstream.QueueInputDStream;
import io.sluice.internal.dstream.RateInputDStream;
import io.sluice.internal.dstream.ReceiverInputDStream;
import io.sluice.internal.dstream.StatefulDStream;
import io.sluice.internal.dstream.UnionDStream;
import io.sluice.internal.rate.RateFeed;
import io.sluice.internal.rdd.ParallelCollectionRDD;
import io.sluice.internal.receiver.ReceivedBlockStore;
import io.sluice.internal.receiver.ReceivedBlockTracker;
import io.sluice.internal.receiver.ReceiverSettings;
import io.sluice.internal.receiver.ReceiverSupervisor;
import io.sluice.internal.receiver.ReceiverTracker;
import io.sluice.internal.receiver.SocketReceiver;
import io.sluice.internal.recovery.BackgroundCall;
import io.sluice.internal.recovery.CheckpointMetadata;
import io.sluice.internal.recovery.Checkpointer;
import io.sluice.internal.recovery.LocalDirs;
import io.sluice.internal.scheduler.JobGenerator;
import io.sluice.internal.scheduler.JobScheduler;
import io.sluice.internal.scheduler.ListenerBus;
import io.sluice.internal.storage.state.RocksDBStateStore;
import io.sluice.internal.storage.state.StateStore;
import io.sluice.internal.storage.state.StateStoreOptions;
import io.sluice.internal.storage.wal.ChronicleWriteAheadLog;
import io.sluice.internal.storage.wal.Durability;
import io.sluice.internal.storage.wal.WriteAheadLog;
import io.sluice.internal.util.Clock;
import io.sluice.internal.util.SystemClock;
import io.sluice.testing.ManualClock;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Optional;
import java.util.Queue;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point of a Sluice application, as Spark's {@code JavaStreamingContext}: creates
 * input streams, holds the DStream graph, and runs it every batch interval once started.
 *
 * <h2>Lifecycle</h2>
 * INITIALIZED (declare inputs, transformations and outputs), then {@link #start()} makes it
 * ACTIVE, then {@link #stop()} makes it STOPPED. As in Spark: no operation may be added after
 * start, only one context may be active per JVM, and a stopped context cannot be started
 * again; each rule throws {@link IllegalStateException} with the cause and the fix.
 *
 * <h2>Recovery</h2>
 * With a checkpoint directory ({@link #checkpoint(String)}), received blocks go to a
 * write-ahead log before their receiver's store call returns, block allocations are logged, and
 * checkpoints of the state are taken every {@code sluice.streaming.checkpoint.interval}.
 * {@link #getOrCreate} runs the setup function again and restores the newest valid checkpoint
 * onto the graph it built, by operator id: no user code is ever serialized.
 */
public final class StreamingContext implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamingContext.class);
    private static final Object ACTIVATION_LOCK = new Object();
    private static StreamingContext active;

    private final SluiceConf conf;
    private final Duration batchDuration;
    private final SluiceEnv env;
    private final ContextRuntime runtime;
    private final DStreamGraph graph;
    private final ListenerBus bus = new ListenerBus();
    private final SharedVariables shared = new SharedVariables();
    private final Clock clock;
    private final Configuration hadoopConf;
    private final CountDownLatch terminated = new CountDownLatch(1);
    private volatile StreamingContextState state = StreamingContextState.INITIALIZED;
    private volatile String checkpointDir;
    private volatile CheckpointMetadata recoverFrom;
    private volatile Throwable error;
    private String startSite;

    private CheckpointStore checkpointStore;
    private StateStore stateStore;
    private ReceivedBlockTracker tracker;
    private ReceivedBlockStore blockStore;
    private ReceiverTracker receiverTracker;
    private JobScheduler jobScheduler;
    private JobGenerator jobGenerator;
    private Checkpointer checkpointer;
    private Runnable shutdownHook;

    /**
     * A context running batches every {@code batchDuration} with the given configuration.
     *
     * @throws IllegalArgumentException if the batch duration is not positive
     */
    public StreamingContext(SluiceConf conf, Duration batchDuration) {
        if (batchDuration == null || batchDuration.toMillis() <= 0) {
            throw new IllegalArgumentException("The batch duration must be at least 1 ms, got " + batchDuration);
        }
        this.conf = conf.copy();
        this.batchDuration = batchDuration;
        this.env = new SluiceEnv(this.conf);
        this.runtime = new ContextRuntime(env);
        this.graph = new DStreamGraph(batchDuration, this::assertMutable);
        this.clock = this.conf.getRequired(StreamingConfig.CLOCK).equals("manual") ? new ManualClock() : new SystemClock();
        this.hadoopConf = new Configuration();
    }

    /** A context for {@code master} (such as {@code local[2]}) and {@code appName}. */
    public StreamingContext(String master, String appName, Duration batchDuration) {
        this(new SluiceConf().setMaster(master).setAppName(appName), batchDuration);
    }

    // ---------------------------------------------------------------- recovery

    /**
     * Recreates a context from the newest valid checkpoint in {@code checkpointDir}, or creates
     * one with {@code creatingFunc} if there is none. {@code creatingFunc} runs in both cases: it
     * declares the whole graph (and should set the checkpoint directory); on recovery, the
     * checkpoint's state, pending batches and source positions are restored onto that graph
     * when the context starts.
     *
     * @throws SluiceException if the checkpoint cannot be read (the checkpoint is read while
     *     {@code creatingFunc} runs, so this comes after it ran), or its stateful operators or
     *     batch duration differ from the graph {@code creatingFunc} built (the message lists the
     *     differences and how to start fresh)
     */
    public static StreamingContext getOrCreate(String checkpointDir, Function0<StreamingContext> creatingFunc) {
        return getOrCreate(checkpointDir, creatingFunc, new Configuration(), false);
    }

    /**
     * As {@link #getOrCreate(String, Function0)}, reading with {@code hadoopConf}; with
     * {@code createOnError}, a checkpoint that cannot be read makes a fresh context instead of
     * an error. The checkpoint is read on another thread while {@code creatingFunc} runs, so
     * {@code creatingFunc} must not change {@code hadoopConf} (the context's own
     * {@link #hadoopConfiguration()} is a separate object, free to change before start).
     */
    public static StreamingContext getOrCreate(String checkpointDir, Function0<StreamingContext> creatingFunc,
                                               Configuration hadoopConf, boolean createOnError) {
        // The checkpoint is read on a thread of its own while the setup function builds the
        // graph: on a cold JVM both are mostly class loading (Hadoop's filesystem on one side,
        // the engine and its serializer on the other), which two cores do side by side.
        BackgroundCall<Optional<CheckpointStore.Checkpoint>> reading = BackgroundCall.start(
                "sluice-checkpoint-read", () -> {
                    try (CheckpointStore s = HadoopCheckpointStore.open(checkpointDir, hadoopConf, Integer.MAX_VALUE)) {
                        return s.readLatestValid();
                    }
                });
        StreamingContext ctx;
        try {
            ctx = creatingFunc.call();
        } catch (Exception e) {
            throw new SluiceException("The setup function given to getOrCreate threw: " + e, e);
        }
        Optional<CheckpointStore.Checkpoint> latest;
        try {
            latest = reading.get();
        } catch (IOException | RuntimeException e) {
            if (!createOnError) {
                throw new SluiceException("Cannot read checkpoints from [" + checkpointDir + "]: " + e.getMessage()
                        + "; fix the directory's access, or pass createOnError=true to start fresh", e);
            }
            LOG.warn("Cannot read checkpoints from [{}], creating a fresh context: {}", checkpointDir, e.toString());
            latest = Optional.empty();
        }
        if (ctx.checkpointDir == null) {
            ctx.checkpoint(checkpointDir);
        }
        if (latest.isPresent()) {
            CheckpointMetadata meta;
            try {
                meta = ctx.env.serializer().deserialize(latest.get().metadata());
            } catch (RuntimeException e) {
                if (!createOnError) {
                    throw new SluiceException("Cannot decode checkpoint " + latest.get().timeMs() + " in ["
                            + checkpointDir + "]: " + e.getMessage(), e);
                }
                LOG.warn("Cannot decode checkpoint in [{}], creating a fresh context: {}", checkpointDir, e.toString());
                return ctx;
            }
            ctx.validateAgainst(meta, checkpointDir);
            ctx.recoverFrom = meta;
            ctx.shared.restore(meta.accumulators(), meta.broadcasts());
            LOG.info("Recovering from the checkpoint of batch {} ms in {}", meta.checkpointTimeMs(), checkpointDir);
        }
        return ctx;
    }

    private void validateAgainst(CheckpointMetadata meta, String dir) {
        if (meta.batchDurationMs() != batchDuration.toMillis()) {
            throw new SluiceException("The checkpoint in [" + dir + "] has a batch duration of "
                    + meta.batchDurationMs() + " ms but the application declares " + batchDuration.toMillis()
                    + " ms: keep the batch duration to recover, or start fresh with another checkpoint directory");
        }
        Map<String, String> mine = graph.describeStateful();
        Map<String, String> theirs = meta.statefulOperators();
        if (!mine.equals(theirs)) {
            TreeSet<String> onlyCheckpoint = new TreeSet<>(theirs.keySet());
            onlyCheckpoint.removeAll(mine.keySet());
            TreeSet<String> onlyCode = new TreeSet<>(mine.keySet());
            onlyCode.removeAll(theirs.keySet());
            TreeMap<String, String> changed = new TreeMap<>();
            for (String id : mine.keySet()) {
                if (theirs.containsKey(id) && !theirs.get(id).equals(mine.get(id))) {
                    changed.put(id, theirs.get(id) + " -> " + mine.get(id));
                }
            }
            throw new SluiceException("Cannot recover from the checkpoint in [" + dir + "]: its stateful operators"
                    + " differ from those the setup function declared. Only in the checkpoint: " + onlyCheckpoint
                    + "; only in the code: " + onlyCode + "; changed: " + changed + ". Keep the stateful operators"
                    + " (their kinds, order and partitions) unchanged to recover, or start fresh deliberately with"
                    + " an empty checkpoint directory.");
        }
    }

    /** The active context, if any. */
    public static Optional<StreamingContext> getActive() {
        synchronized (ACTIVATION_LOCK) {
            return Optional.ofNullable(active);
        }
    }

    /** The active context, or a new one from {@code creatingFunc}. */
    public static StreamingContext getActiveOrCreate(Function0<StreamingContext> creatingFunc) {
        synchronized (ACTIVATION_LOCK) {
            if (active != null) {
                return active;
            }
        }
        try {
            return creatingFunc.call();
        } catch (Exception e) {
            throw new SluiceException("The setup function threw: " + e, e);
        }
    }

    /** The active context, or one from {@link #getOrCreate(String, Function0, Configuration, boolean)}. */
    public static StreamingContext getActiveOrCreate(String checkpointDir, Function0<StreamingContext> creatingFunc,
                                                     Configuration hadoopConf, boolean createOnError) {
        synchronized (ACTIVATION_LOCK) {
            if (active != null) {
                return active;
            }
        }
        return getOrCreate(checkpointDir, creatingFunc, hadoopConf, createOnError);
    }

    // ---------------------------------------------------------------- configuration

    /**
     * Sets the directory (any Hadoop filesystem URI) for checkpoints. Turns on the write-ahead
     * log of received data (unless {@code sluice.streaming.receiver.writeAheadLog.enable=false})
     * and is required by stateful operations.
     */
    public void checkpoint(String directory) {
        assertMutable();
        if (directory == null || directory.isBlank()) {
            throw new IllegalArgumentException("The checkpoint directory must not be empty");
        }
        this.checkpointDir = directory;
    }

    /** Makes every stream remember its RDDs for at least {@code duration}. */
    public void remember(Duration duration) {
        graph.setRememberDuration(duration);
    }

    /** The configuration (a copy taken at construction). */
    public SluiceConf conf() {
        return conf;
    }

    /** The Hadoop configuration used for checkpoints and file outputs; change it before start. */
    public Configuration hadoopConfiguration() {
        return hadoopConf;
    }

    /** The batch duration. */
    public Duration batchDuration() {
        return batchDuration;
    }

    // ---------------------------------------------------------------- inputs

    /**
     * This context, for code ported from Spark that reaches batch-dataset methods through
     * {@code ssc.sparkContext()} ({@code parallelize}, {@code parallelizePairs},
     * {@code defaultParallelism}, {@code broadcast}, {@code longAccumulator}, ...): in Sluice they
     * are on the streaming context itself.
     */
    public StreamingContext sparkContext() {
        return this;
    }

    /** The default number of partitions of shuffles and state ({@code sluice.default.parallelism}). */
    public int defaultParallelism() {
        return env.defaultParallelism();
    }

    /** An RDD of {@code data} in {@code sluice.default.parallelism} partitions. */
    public <T> RDD<T> parallelize(List<T> data) {
        return parallelize(data, env.defaultParallelism());
    }

    /** An RDD of {@code data} in {@code numSlices} partitions. */
    public <T> RDD<T> parallelize(List<T> data, int numSlices) {
        return new ParallelCollectionRDD<>(env, data, numSlices);
    }

    /** An RDD of pairs, as a PairRDD. */
    public <K, V> PairRDD<K, V> parallelizePairs(List<Tuple2<K, V>> data) {
        return PairRDD.fromRDD(parallelize(data));
    }

    /**
     * The records of object files written by {@link DStream#saveAsObjectFiles}, as Spark's
     * {@code objectFile}: {@code path} is one batch's directory ({@code prefix-<timeMs>[.suffix]}),
     * a glob ({@code prefix-*}) or a comma-separated list of them, on any Hadoop filesystem,
     * read with {@link #hadoopConfiguration()}. One partition per part file (a file larger than a
     * filesystem block is split), in path order, so one batch's directory reads back its
     * records in the order they were written. Files whose names start with {@code _} or
     * {@code .} are skipped. Records are deserialized with this context's serializer, so a
     * {@code sluice.kryo.registrator} used to write them must be configured here too.
     *
     * <p>Cost: the input is listed now (one listing per directory); the files are read lazily by
     * each action, one block of ten records at a time. Unlike Spark, whose default asks for at
     * least two partitions, this gives exactly one partition per part file; see
     * {@link #objectFile(String, int)}.
     *
     * <pre>{@code
     * RDD<Event> batch = ssc.objectFile("/data/out/events-1700000000000.bin");
     * RDD<Event> all = ssc.objectFile("/data/out/events-*.bin");
     * }</pre>
     *
     * @throws IllegalArgumentException if {@code path} is null or empty
     * @throws SluiceException naming the path if it does not exist or cannot be listed; (from an
     *     action) naming the file if it is not an object file or cannot be read
     */
    public <T> RDD<T> objectFile(String path) {
        return objectFile(path, 1);
    }

    /**
     * As {@link #objectFile(String)}, splitting files further (at SequenceFile sync marks, as
     * Hadoop's input formats do) to give about {@code minPartitions} partitions when the part
     * files are fewer; a hint, as in Spark: a file is not split into pieces smaller than the
     * SequenceFile sync interval (100 KB), so small files stay one partition each.
     *
     * @throws IllegalArgumentException if {@code path} is empty or {@code minPartitions < 1}
     * @throws SluiceException naming the path if it does not exist or cannot be listed
     */
    public <T> RDD<T> objectFile(String path, int minPartitions) {
        return new ObjectFileRDD<>(env, hadoopConf, path, minPartitions);
    }

    /**
     * A generator stream for demos, tests and benchmarks: the numbers 0, 1, 2, ... at
     * {@code rowsPerSecond}, counted from the start of the stream, in the default number of
     * partitions. It needs no receiver thread, and it is replayable: with a checkpoint directory
     * a recovered application continues the sequence with no number missing or repeated (the
     * batches of down time get the numbers due meanwhile).
     *
     * @throws IllegalArgumentException if {@code rowsPerSecond} is not positive
     * @throws IllegalStateException if the context has started
     */
    public DStream<Long> rateStream(long rowsPerSecond) {
        return rateStream(rowsPerSecond, defaultParallelism());
    }

    /** {@link #rateStream(long)} in {@code numPartitions} partitions. */
    public DStream<Long> rateStream(long rowsPerSecond, int numPartitions) {
        return new RateInputDStream(this, rowsPerSecond, numPartitions);
    }

    // ---------------------------------------------------------------- file streams

    /**
     * A stream of the lines (UTF-8, without line terminators) of the files that appear in
     * {@code directory}, on any Hadoop filesystem ({@code file://} or a plain local path,
     * {@code hdfs://}, ...), as Spark's {@code textFileStream}: {@link #fileStream(String, Class,
     * Class, Class)} with {@code TextInputFormat}, keeping the values. Files present when the
     * stream starts are ignored.
     *
     * <p>Semantics, in short (details in {@link #fileStream(String, Class, Class, Class,
     * Function, boolean, Configuration)}): files must be <em>moved</em> into the directory
     * atomically, with the modification time they were written with, and not change afterwards;
     * each is read once, by the first batch whose time is at or after its modification time.
     * Names starting with {@code .} or {@code _} or ending with {@code ._COPYING_} or
     * {@code .tmp} are ignored, and so are files whose modification time is older than
     * {@code sluice.streaming.fileStream.minRememberDuration} (60 s) when they appear. With a
     * checkpoint directory, recovery neither skips nor re-reads a file, including files moved in
     * while the application was down. No receiver thread is used.
     *
     * <pre>{@code
     * ssc.textFileStream("hdfs://namenode:8020/logs/incoming")
     *    .flatMap(line -> Arrays.asList(line.split(" ")).iterator())
     *    .countByValue()
     *    .print();
     * }</pre>
     *
     * @throws IllegalArgumentException if {@code directory} is empty
     * @throws SluiceException (from {@link #start()}) naming the directory if it does not exist
     *     or a glob matches no directory
     */
    public DStream<String> textFileStream(String directory) {
        return fileStream(directory, null, true);
    }

    /**
     * As {@link #textFileStream(String)}, reading only the files {@code filter} accepts (in
     * addition to the hidden and temporary names always ignored), and with
     * {@code newFilesOnly = false} also the files already in the directory at the start whose
     * modification time is within the remember window. The shape of Spark's
     * {@code fileStream(directory, filter, newFilesOnly)} with {@code TextInputFormat}.
     *
     * @param filter accepts the paths to read; null accepts every file
     */
    public DStream<String> fileStream(String directory, Function<org.apache.hadoop.fs.Path, Boolean> filter,
                                      boolean newFilesOnly) {
        return new FileInputDStream<org.apache.hadoop.io.LongWritable, org.apache.hadoop.io.Text, String>(this,
                directory, org.apache.hadoop.mapreduce.lib.input.TextInputFormat.class, filter, newFilesOnly, null,
                (k, v, c) -> v.toString());
    }

    /**
     * A stream of the key-value pairs that the new-API Hadoop input format {@code fClass} reads
     * from the files that appear in {@code directory}, as Spark's
     * {@code fileStream(directory, kClass, vClass, fClass)}: new files only, no filter beyond
     * the hidden and temporary names, the context's {@link #hadoopConfiguration()}.
     *
     * <p>Keys and values that are Hadoop {@code Writable}s are copied per record (readers
     * reuse their objects, so an uncopied record would change under a collect, a shuffle or a
     * window); for text, {@link #textFileStream(String)} avoids the copy.
     *
     * @throws IllegalArgumentException if {@code directory} is empty or {@code fClass} null
     */
    public <K, V, F extends org.apache.hadoop.mapreduce.InputFormat<K, V>> PairDStream<K, V> fileStream(
            String directory, Class<K> kClass, Class<V> vClass, Class<F> fClass) {
        return fileStream(directory, kClass, vClass, fClass, null, true);
    }

    /** As {@link #fileStream(String, Class, Class, Class)} with a filter and {@code newFilesOnly}. */
    public <K, V, F extends org.apache.hadoop.mapreduce.InputFormat<K, V>> PairDStream<K, V> fileStream(
            String directory, Class<K> kClass, Class<V> vClass, Class<F> fClass,
            Function<org.apache.hadoop.fs.Path, Boolean> filter, boolean newFilesOnly) {
        return fileStream(directory, kClass, vClass, fClass, filter, newFilesOnly, null);
    }

    /**
     * The general file stream, as Spark's
     * {@code fileStream(directory, kClass, vClass, fClass, filter, newFilesOnly, conf)}.
     *
     * <h2>Which files are read</h2>
     * Every batch lists {@code directory} once (a glob such as {@code /in/*} lists every
     * directory it matches; subdirectories are not descended into). Batch t reads each file that
     * is not hidden or temporary (names starting with {@code .} or {@code _}, ending with
     * {@code ._COPYING_} or {@code .tmp}), that {@code filter} accepts, that no earlier batch
     * read, and whose modification time m satisfies {@code threshold < m <= t}: the threshold is
     * {@code t - R}, R being {@code sluice.streaming.fileStream.minRememberDuration} (default
     * 60 s) rounded up to whole batches, and with {@code newFilesOnly} at least the stream's zero
     * time (its start, rounded down to a batch boundary), so files written before the start are
     * ignored. A file with {@code m > t} is read by a later batch. Hence, as in Spark:
     * <ul>
     *   <li>write files elsewhere and <em>move</em> (rename) them into the directory, on the same
     *       filesystem; a rename keeps the modification time, a file written in place could be
     *       read half-written;</li>
     *   <li>a file must not change once moved: a re-run batch checks each file's length and fails
     *       naming the file if it vanished or changed;</li>
     *   <li>a file moved in more than R after it was last modified is never read (raise
     *       {@code minRememberDuration}, or touch the file with {@code FileSystem.setTimes}).</li>
     * </ul>
     *
     * <h2>Recovery</h2>
     * The set of files read within the window is the stream's position, logged with every
     * batch's plan and kept in every checkpoint: a re-run batch reads the files of its first run,
     * and the batches of the time the application was down read the files moved in meanwhile,
     * each file once.
     *
     * <h2>Cost</h2>
     * One directory listing per batch on the job generator's thread, plus a status call and the
     * format's split computation per new file; one partition per split, so a file larger than the
     * split size (the filesystem's block size, or
     * {@code mapreduce.input.fileinputformat.split.maxsize}) is read in parallel.
     *
     * @param filter accepts the paths to read; null accepts every file
     * @param conf the Hadoop configuration to list and read with; null for {@link #hadoopConfiguration()}
     * @throws IllegalArgumentException if {@code directory} is empty or {@code fClass} null
     * @throws IllegalStateException if the context has started
     */
    public <K, V, F extends org.apache.hadoop.mapreduce.InputFormat<K, V>> PairDStream<K, V> fileStream(
            String directory, Class<K> kClass, Class<V> vClass, Class<F> fClass,
            Function<org.apache.hadoop.fs.Path, Boolean> filter, boolean newFilesOnly, Configuration conf) {
        FileInputDStream<K, V, Tuple2<K, V>> in = new FileInputDStream<>(this, directory, fClass, filter,
                newFilesOnly, conf, (k, v, c) -> new Tuple2<>(copyWritable(k, c), copyWritable(v, c)));
        return PairDStream.fromDStream(in);
    }

    @SuppressWarnings("unchecked")
    private static <X> X copyWritable(X x, Configuration conf) {
        if (x instanceof org.apache.hadoop.io.Writable w && !(x instanceof org.apache.hadoop.io.NullWritable)) {
            return (X) org.apache.hadoop.io.WritableUtils.clone(w, conf);
        }
        return x;
    }

    /**
     * A stream of the fixed-length binary records of the files that appear in
     * {@code directory}, as Spark's {@code binaryRecordsStream}: every file is cut into records of
     * {@code recordLength} bytes (a file whose length is not a multiple fails its batch). Same
     * file semantics as {@link #textFileStream(String)}. Reads with a copy of
     * {@link #hadoopConfiguration()} taken when this method is called.
     *
     * @throws IllegalArgumentException if {@code recordLength} is not positive
     */
    public DStream<byte[]> binaryRecordsStream(String directory, int recordLength) {
        if (recordLength <= 0) {
            throw new IllegalArgumentException("recordLength must be > 0, got " + recordLength);
        }
        Configuration c = new Configuration(hadoopConf);
        org.apache.hadoop.mapreduce.lib.input.FixedLengthInputFormat.setRecordLength(c, recordLength);
        return new FileInputDStream<org.apache.hadoop.io.LongWritable, org.apache.hadoop.io.BytesWritable, byte[]>(
                this, directory, org.apache.hadoop.mapreduce.lib.input.FixedLengthInputFormat.class, null, true, c,
                (k, v, cf) -> v.copyBytes());
    }

    /**
     * A stream of the RDDs pushed into {@code queue}, one per batch. The queue's contents are
     * not recovered from checkpoints (a warning is logged when a checkpoint directory is set).
     */
    public <T> DStream<T> queueStream(Queue<RDD<T>> queue) {
        return queueStream(queue, true);
    }

    /** As {@link #queueStream(Queue)}; all queued RDDs per batch unless {@code oneAtATime}. */
    public <T> DStream<T> queueStream(Queue<RDD<T>> queue, boolean oneAtATime) {
        return queueStream(queue, oneAtATime, null);
    }

    /** As {@link #queueStream(Queue, boolean)}; {@code defaultRDD} when the queue is empty. */
    public <T> DStream<T> queueStream(Queue<RDD<T>> queue, boolean oneAtATime, RDD<T> defaultRDD) {
        return new QueueInputDStream<>(this, queue, oneAtATime, defaultRDD);
    }

    /**
     * A stream of UTF-8 lines read from a TCP socket. The receiver reconnects after errors with
     * a growing delay; a line longer than {@code sluice.streaming.socket.maxLineLength} bytes is
     * skipped, counted and reported to listeners, and reading goes on.
     */
    public DStream<String> socketTextStream(String host, int port) {
        return socketTextStream(host, port, StorageLevel.MEMORY_AND_DISK_SER_2);
    }

    /** As {@link #socketTextStream(String, int)} with a storage level. */
    public DStream<String> socketTextStream(String host, int port, StorageLevel level) {
        return receiverStream(SocketReceiver.textLines(host, port,
                conf.getRequired(StreamingConfig.SOCKET_MAX_LINE_LENGTH), level));
    }

    /**
     * A stream of the records {@code converter} reads from a TCP socket's input stream. A record
     * the converter's iterator fails to produce (an exception other than an I/O error) or
     * returns as null is skipped, counted and reported to listeners; the receiver keeps going,
     * and reconnects after I/O errors with a growing delay.
     */
    public <T> DStream<T> socketStream(String host, int port, Function<InputStream, Iterable<T>> converter,
                                       StorageLevel level) {
        return receiverStream(new SocketReceiver<>(host, port, converter, level));
    }

    /** A stream fed by a custom {@link Receiver}. */
    public <T> DStream<T> receiverStream(Receiver<T> receiver) {
        return new ReceiverInputDStream<>(this, receiver);
    }

    /** The union of streams with the same slide duration. */
    @SafeVarargs
    public final <T> DStream<T> union(DStream<T>... streams) {
        if (streams.length == 0) {
            throw new IllegalArgumentException("union needs at least one stream");
        }
        return new UnionDStream<>(Arrays.asList(streams));
    }

    /**
     * A stream whose RDD at each batch is {@code f} of the RDDs of {@code streams} at that
     * batch (an empty RDD for a stream without one), as Spark's {@code transform} over several
     * streams. The streams must have the same slide duration.
     */
    public <T> DStream<T> transform(List<DStream<?>> streams, io.sluice.function.Function2<List<RDD<?>>, Time, RDD<T>> f) {
        if (streams == null || streams.isEmpty()) {
            throw new IllegalArgumentException("transform needs at least one stream");
        }
        return new io.sluice.internal.dstream.MultiTransformedDStream<>(streams, (rdds, t) -> {
            try {
                return f.call(rdds, t);
            } catch (Exception e) {
                throw io.sluice.internal.util.UserCodeException.wrap(e);
            }
        });
    }

    /** As {@link #transform(List, io.sluice.function.Function2)}, producing a pair stream. */
    public <K, V> PairDStream<K, V> transformToPair(List<DStream<?>> streams,
            io.sluice.function.Function2<List<RDD<?>>, Time, PairRDD<K, V>> f) {
        DStream<Tuple2<K, V>> d = transform(streams, (rdds, t) -> f.call(rdds, t));
        return PairDStream.fromDStream(d);
    }

    // ---------------------------------------------------------------- shared variables

    /**
     * A long accumulator named {@code name}; each batch's additions count once, even when the
     * batch is re-run after recovery, and its value is kept in checkpoints (see
     * {@link Accumulator}). Names must be unique in a context.
     */
    public LongAccumulator longAccumulator(String name) {
        return shared.register(new LongAccumulator(name));
    }

    /** A long accumulator named {@code accumulator-<n>} by creation order. */
    public LongAccumulator longAccumulator() {
        return longAccumulator(shared.nextAccumulatorName());
    }

    /** A double accumulator named {@code name} (see {@link #longAccumulator(String)}). */
    public DoubleAccumulator doubleAccumulator(String name) {
        return shared.register(new DoubleAccumulator(name));
    }

    /** A double accumulator named by creation order. */
    public DoubleAccumulator doubleAccumulator() {
        return doubleAccumulator(shared.nextAccumulatorName());
    }

    /** An accumulator collecting elements, named {@code name}. */
    public <T> CollectionAccumulator<T> collectionAccumulator(String name) {
        return shared.register(new CollectionAccumulator<>(name));
    }

    /** An accumulator collecting elements, named by creation order. */
    public <T> CollectionAccumulator<T> collectionAccumulator() {
        return collectionAccumulator(shared.nextAccumulatorName());
    }

    /**
     * Shares {@code value} with every task. Its value is kept in checkpoints: after
     * {@link #getOrCreate} recovers, the broadcast holds the checkpointed value (matched by
     * creation order), not the value passed again by the setup function.
     */
    public <T> Broadcast<T> broadcast(T value) {
        return broadcast(shared.nextBroadcastName(), value);
    }

    /** As {@link #broadcast(Object)}, matched in checkpoints by {@code name}. */
    public <T> Broadcast<T> broadcast(String name, T value) {
        return shared.register(new Broadcast<>(name, value));
    }

    /** Adds a listener of batch and receiver events. */
    public void addStreamingListener(StreamingListener listener) {
        bus.add(listener);
    }

    // ---------------------------------------------------------------- lifecycle

    /** The lifecycle state. */
    public StreamingContextState getState() {
        return state;
    }

    private void assertMutable() {
        StreamingContextState s = state;
        if (s == StreamingContextState.ACTIVE) {
            throw new IllegalStateException("Adding new inputs, transformations, and output operations after "
                    + "starting a context is not supported: declare every operation before start()");
        }
        if (s == StreamingContextState.STOPPED) {
            throw new IllegalStateException("Adding new inputs, transformations, and output operations after "
                    + "stopping a context is not supported: create a new StreamingContext");
        }
    }

    /**
     * Starts receiving and processing. On a context from {@link #getOrCreate} with a
     * checkpoint, first restores the state and re-runs the batches after the checkpoint.
     *
     * @throws IllegalStateException if the context was stopped, or another context is active
     * @throws IllegalArgumentException if there is no output operation, or a stateful operation
     *     has no checkpoint directory
     */
    public synchronized void start() {
        if (state == StreamingContextState.ACTIVE) {
            LOG.warn("StreamingContext has already been started");
            return;
        }
        if (state == StreamingContextState.STOPPED) {
            throw new IllegalStateException("StreamingContext has already been stopped: a stopped context "
                    + "cannot be started again; create a new one (or use getOrCreate to recover)");
        }
        synchronized (ACTIVATION_LOCK) {
            if (active != null) {
                throw new IllegalStateException("Only one StreamingContext may be started in this JVM. "
                        + "Currently running StreamingContext was started at " + active.startSite
                        + " ; stop it before starting another");
            }
            // The hook is in place before any receiver starts, so that a SIGTERM at any moment
            // after a receiver could acknowledge data stops the context (see registerShutdownHook).
            registerShutdownHook();
            try {
                validate();
                doStart();
            } catch (RuntimeException | Error e) {
                boolean shuttingDown = jvmShuttingDown();
                if (shuttingDown) {
                    // A SIGTERM (or System.exit) during start-up: libraries that register hooks of
                    // their own when first used (Chronicle does) then fail with "Shutdown in
                    // progress", whatever the cause looks like. Nothing acknowledged is lost: it is
                    // in the write-ahead log, and the next start processes it.
                    startAbortedByShutdown = true;
                    LOG.warn(START_ABORTED_BY_SHUTDOWN + " ({}): nothing acknowledged is lost, the next start recovers"
                            + " it from the checkpoint and the write-ahead log", e.toString());
                } else {
                    LOG.error("Cannot start the context: {}", e.toString());
                }
                state = StreamingContextState.STOPPED;
                removeShutdownHook();
                releaseResources(false);
                terminated.countDown();
                if (shuttingDown) {
                    throw new IllegalStateException(START_ABORTED_BY_SHUTDOWN + ": the context did not start (the"
                            + " error below is what start-up hit once the JVM was exiting; nothing acknowledged is"
                            + " lost, start the application again to recover)", e);
                }
                throw e;
            }
            startSite = callSite();
            active = this;
            state = StreamingContextState.ACTIVE;
        }
        LOG.info("StreamingContext started (batch {} ms, {} task threads)", batchDuration.toMillis(),
                env.scheduler().threads());
    }

    /** What start() and the shutdown hook log when the JVM began exiting while the context started. */
    static final String START_ABORTED_BY_SHUTDOWN = "The JVM began shutting down while the context was starting";

    /** Set when start() failed because the JVM began shutting down meanwhile (read by the hook). */
    private volatile boolean startAbortedByShutdown;

    /*
     * The shutdown hook, and why it is registered the way it is.
     *
     * Invariant (with sluice.streaming.stopGracefullyOnShutdown): a process that receives SIGTERM
     * at any moment after start() began, and whose hook runs to its end, has processed every
     * block a receiver acknowledged before the signal, unless the graceful stop logs
     * "Graceful stop incomplete" (its time bound expired: the blocks are in the write-ahead log
     * and the next getOrCreate processes them).
     *
     * - Registered first thing in start(), before any receiver starts. Registered at the end of
     *   start(), a SIGTERM during start-up or recovery found no hook, and blocks acknowledged
     *   meanwhile were left for the next start. The hook calls stopInternal, which synchronizes
     *   on this context: a SIGTERM during start() waits for start() to finish (a recovery has
     *   queued its re-run batches by then), then stops, gracefully if configured.
     * - Registered with Hadoop's ShutdownHookManager at a priority above FileSystem's, not as a
     *   JVM hook of its own: JVM hooks run concurrently, and Hadoop's closes every cached
     *   FileSystem (an HDFS client then fails every call with "Filesystem closed") while the
     *   graceful stop still writes checkpoints and outputs. Hadoop's manager runs its hooks one
     *   after the other, highest priority first.
     * - A JVM already shutting down refuses start(): nothing may begin receiving that no hook
     *   will stop.
     * - A SIGTERM while start() runs: the hook waits for start() to finish (both hold the
     *   context's lock), then stops it. If start() failed meanwhile because the JVM was exiting
     *   (libraries refuse to initialise during shutdown), start() throws and logs
     *   START_ABORTED_BY_SHUTDOWN, and so does the hook: there was nothing to stop, and what
     *   was acknowledged before is in the write-ahead log for the next start.
     */
    private static final int SHUTDOWN_HOOK_PRIORITY = org.apache.hadoop.fs.FileSystem.SHUTDOWN_HOOK_PRIORITY + 20;

    private void registerShutdownHook() {
        // Loading Hadoop's manager registers its JVM hook, unless the JVM is already shutting
        // down: then it would accept hooks it never runs, hence the probe of the JVM itself.
        org.apache.hadoop.util.ShutdownHookManager hooks = org.apache.hadoop.util.ShutdownHookManager.get();
        IllegalStateException refused = null;
        if (!jvmShuttingDown() && !hooks.isShutdownInProgress()) {
            Runnable hook = () -> {
                boolean graceful = conf.getRequired(StreamingConfig.STOP_GRACEFULLY_ON_SHUTDOWN);
                LOG.info("JVM shutting down: stopping the context (graceful={})", graceful);
                stopInternal(graceful, true);
                if (startAbortedByShutdown) {
                    LOG.info("Shutdown hook: " + START_ABORTED_BY_SHUTDOWN + "; there was nothing to stop");
                }
            };
            try {
                hooks.addShutdownHook(hook, SHUTDOWN_HOOK_PRIORITY, shutdownHookTimeout().toMillis(),
                        TimeUnit.MILLISECONDS);
                shutdownHook = hook;
                return;
            } catch (IllegalStateException e) {
                refused = e;
            }
        }
        state = StreamingContextState.STOPPED;
        env.close();
        terminated.countDown();
        throw new IllegalStateException("The JVM is shutting down: the context is not started, since no shutdown "
                + "hook could stop it (start contexts before the JVM begins to exit)", refused);
    }

    /** Whether the JVM has begun to run its shutdown hooks (it then refuses new ones). */
    private static boolean jvmShuttingDown() {
        Thread probe = new Thread(() -> { }, "sluice-shutdown-probe");
        try {
            Runtime.getRuntime().addShutdownHook(probe);
        } catch (IllegalStateException e) {
            return true;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(probe);
        } catch (IllegalStateException e) {
            return true;
        }
        return false;
    }

    private void removeShutdownHook() {
        Runnable hook = shutdownHook;
        if (hook != null) {
            try {
                org.apache.hadoop.util.ShutdownHookManager.get().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // the JVM is already shutting down: the hook runs and finds the context stopped
            }
        }
    }

    /** The longest the shutdown hook may run: every bound of a graceful stop, with room to spare. */
    private Duration shutdownHookTimeout() {
        Duration receivers = conf.getRequired(StreamingConfig.RECEIVER_STOP_TIMEOUT).multipliedBy(2).plusSeconds(5);
        return receivers.plus(gracefulStopTimeout().multipliedBy(3)).plusSeconds(30);
    }

    /**
     * How long a graceful stop waits for the received data to be allocated, and then for the
     * queued batches: {@code sluice.streaming.gracefulStopTimeout}, else max(10 batches, 10 s).
     */
    private Duration gracefulStopTimeout() {
        return conf.get(StreamingConfig.GRACEFUL_STOP_TIMEOUT)
                .orElse(Duration.ofMillis(Math.max(10 * batchDuration.toMillis(), 10_000)));
    }

    private static String callSite() {
        StackTraceElement[] st = new Throwable().getStackTrace();
        for (StackTraceElement e : st) {
            if (!e.getClassName().startsWith("io.sluice.StreamingContext")) {
                return e.toString();
            }
        }
        return "unknown";
    }

    private void validate() {
        if (graph.outputs().isEmpty()) {
            throw new IllegalArgumentException("No output operations registered, so nothing to execute: "
                    + "add print(), foreachRDD(...) or saveAsTextFiles(...) before start()");
        }
        if (!graph.statefulOperators().isEmpty() && checkpointDir == null) {
            throw new IllegalArgumentException("The checkpoint directory has not been set. Please set it by "
                    + "StreamingContext.checkpoint(): stateful operators " + graph.statefulOperators().keySet()
                    + " keep their state in the state store and need checkpoints to recover it");
        }
    }

    private void doStart() {
        boolean checkpointing = checkpointDir != null;
        boolean wal = checkpointing && conf.getRequired(StreamingConfig.WAL_ENABLE);
        Durability durability = Durability.parse(conf.getRequired(StreamingConfig.WAL_DURABILITY));
        Path local = LocalDirs.resolve(conf, checkpointDir);
        if (checkpointing && graph.inputs().stream().anyMatch(i -> i instanceof QueueInputDStream<?>)) {
            LOG.warn("Queue streams are not recovered from checkpoints: their queued RDDs are lost on restart");
        }
        if (checkpointing && recoverFrom == null) {
            LocalDirs.wipeForFreshStart(local);
        }
        boolean stateful = !graph.statefulOperators().isEmpty();
        StateStoreOptions opts = stateful
                ? new StateStoreOptions(conf.getRequired(StreamingConfig.STATE_BLOCK_CACHE_BYTES),
                        StateStoreOptions.DEFAULT_WRITE_BUFFER_BYTES)
                : null;
        Path working = local.resolve("state");
        // A recovery with state opens the checkpoint store and restores the state store on a
        // thread of its own while this one opens the write-ahead logs: on a cold JVM each is
        // mostly the class loading and native start-up of another library (Hadoop and RocksDB
        // there, Chronicle Queue here), which two cores do side by side. The two touch
        // different directories (the state's and the logs') and nothing else until joined.
        BackgroundCall<StoreAndState> restoring = null;
        if (checkpointing && stateful && recoverFrom != null && recoverFrom.hasState()) {
            long cpTimeMs = recoverFrom.checkpointTimeMs();
            int retained = conf.getRequired(StreamingConfig.CHECKPOINT_RETAINED);
            restoring = BackgroundCall.start("sluice-state-restore",
                    () -> openStoreAndRestoreState(local, working, opts, cpTimeMs, retained));
        } else if (checkpointing) {
            checkpointStore = HadoopCheckpointStore.open(checkpointDir, hadoopConf,
                    conf.getRequired(StreamingConfig.CHECKPOINT_RETAINED));
        }
        Throwable logsFailure = null;
        try {
            boolean direct = graph.inputs().stream().anyMatch(i -> i instanceof DirectInputDStream<?, ?>);
            // Direct inputs log each batch's plan even without a block WAL: their sources are replayable.
            WriteAheadLog trackerLog = wal || (checkpointing && direct)
                    ? ChronicleWriteAheadLog.open(local.resolve("tracker"), durability) : null;
            tracker = new ReceivedBlockTracker(trackerLog, env.serializer(), wal);
            blockStore = new ReceivedBlockStore(env.serializer(), tracker,
                    wal ? id -> ChronicleWriteAheadLog.open(local.resolve("wal").resolve("stream-" + id), durability)
                            : null);
            runtime.setReceiving(tracker, blockStore);
        } catch (RuntimeException | Error e) {
            logsFailure = e;
            throw e;
        } finally {
            if (restoring != null) {
                // Collected even when the logs failed to open, so that releaseResources closes
                // what the restore opened; the first failure is the one reported.
                try {
                    StoreAndState restored = joinRestore(restoring);
                    checkpointStore = restored.store();
                    stateStore = restored.state();
                } catch (RuntimeException | Error e) {
                    if (logsFailure == null) {
                        throw e;
                    }
                    logsFailure.addSuppressed(e);
                }
            }
        }
        if (stateful) {
            if (stateStore == null) {
                LocalDirs.delete(working);
                stateStore = RocksDBStateStore.open(working, opts);
            }
            runtime.setStateStore(stateStore);
        }
        int concurrentJobs = conf.getRequired(StreamingConfig.CONCURRENT_JOBS);
        List<ReceiverInputDStream<?>> receiverInputs = new ArrayList<>();
        for (InputDStream<?> in : graph.inputs()) {
            if (in instanceof ReceiverInputDStream<?> r) {
                receiverInputs.add(r);
            }
        }
        boolean manual = clock instanceof ManualClock;
        receiverTracker = new ReceiverTracker(receiverInputs, blockStore, tracker, batchDuration.toMillis(),
                ReceiverSettings.from(conf, !manual), receiverEvents());
        jobScheduler = new JobScheduler(graph, runtime, env.scheduler(), bus,
                rateFeed(),
                concurrentJobs, this::afterBatch, this::fail);
        jobGenerator = new JobGenerator(clock, batchDuration, graph, tracker, receiverTracker, jobScheduler, this::fail);
        if (checkpointing) {
            checkpointer = new Checkpointer(checkpointStore, env.serializer(), graph, local,
                    conf.getRequired(StreamingConfig.APP_NAME), batchDuration, checkpointInterval(),
                    shared::accumulatorSnapshot, shared::broadcastSnapshot);
        }
        if (recoverFrom != null) {
            Time zero = new Time(recoverFrom.zeroTimeMs());
            Time cpTime = new Time(recoverFrom.checkpointTimeMs());
            graph.start(zero);
            tracker.seedPositions(recoverFrom.sourcePositions());
            tracker.recover(cpTime.milliseconds() - graph.maxInputRememberDuration().toMillis());
            for (StatefulDStream s : graph.statefulOperators().values()) {
                s.restoredAt(cpTime);
            }
            jobScheduler.markCompleted(cpTime);
            resumeDirectInputs(true);
            graph.inputs().forEach(InputDStream::start);
            jobGenerator.startRecovered(cpTime,
                    conf.getRequired(StreamingConfig.RECOVERY_DOWN_TIME_BATCHES).equals("skip"),
                    conf.getRequired(StreamingConfig.RECOVERY_MAX_DOWN_TIME_BATCHES));
            receiverTracker.start();
        } else {
            Time zero = jobGenerator.freshZeroTime();
            graph.start(zero);
            resumeDirectInputs(false);
            if (checkpointer != null) {
                // A checkpoint before any data is received: a restart always finds a checkpoint
                // that the tracker log and WAL of acknowledged data can be replayed onto.
                checkpointer.checkpoint(zero, zero, stateStore, tracker, blockStore);
            }
            graph.inputs().forEach(InputDStream::start);
            receiverTracker.start();
            jobGenerator.startFresh(zero);
        }
    }

    /** The checkpoint store and the state store a recovery restored into it. */
    private record StoreAndState(CheckpointStore store, StateStore state) {
    }

    /**
     * Opens the checkpoint store and restores checkpoint {@code cpTimeMs}'s state (local
     * recovery: the local copy of the snapshot is made to match the checkpoint's manifest,
     * downloading only what it lacks, then opened through hard links). Closes the store if the
     * restore fails.
     */
    private StoreAndState openStoreAndRestoreState(Path local, Path working, StateStoreOptions opts, long cpTimeMs,
                                                   int retained) throws IOException {
        CheckpointStore store = HadoopCheckpointStore.open(checkpointDir, hadoopConf, retained);
        try {
            Path snapshot = Checkpointer.prepareLocalRestore(local, cpTimeMs);
            store.restoreState(cpTimeMs, snapshot);
            return new StoreAndState(store, RocksDBStateStore.restore(snapshot, working, opts));
        } catch (IOException | RuntimeException | Error e) {
            try {
                store.close();
            } catch (IOException closeFailure) {
                e.addSuppressed(closeFailure);
            }
            throw e;
        }
    }

    private StoreAndState joinRestore(BackgroundCall<StoreAndState> restoring) {
        try {
            return restoring.get();
        } catch (IOException e) {
            throw new SluiceException("Cannot restore the state of checkpoint " + recoverFrom.checkpointTimeMs()
                    + " from [" + checkpointDir + "]: " + e.getMessage(), e);
        }
    }

    /**
     * Backpressure's feedback loop over every stream that adapts its rate: receivers (their
     * limiters) and direct inputs (their plans read the controller), counted per batch from the
     * allocated blocks or the logged plan.
     */
    private RateFeed rateFeed() {
        List<RateFeed.Fed> feeds = new ArrayList<>(receiverTracker.rateFeeds());
        for (InputDStream<?> in : graph.inputs()) {
            if (in instanceof DirectInputDStream<?, ?> d && d.rateController().isPresent()) {
                int id = d.id();
                feeds.add(new RateFeed.Fed(id, d.rateController().get(), time -> tracker.planOf(time, id)
                        .map(p -> OptionalLong.of(p.records())).orElse(OptionalLong.empty()), rate -> { }));
            }
        }
        return new RateFeed(feeds);
    }

    private void resumeDirectInputs(boolean recovered) {
        for (InputDStream<?> in : graph.inputs()) {
            if (in instanceof DirectInputDStream<?, ?> d) {
                d.resume(recovered ? tracker.lastAllocatedPosition(d.id()).orElse(null) : null);
            }
        }
    }

    private Duration checkpointInterval() {
        return io.sluice.internal.recovery.CheckpointInterval.of(conf.get(StreamingConfig.CHECKPOINT_INTERVAL),
                batchDuration, graph);
    }

    private ReceiverSupervisor.Events receiverEvents() {
        return new ReceiverSupervisor.Events() {
            @Override
            public void receiverStarted(ReceiverInfo info) {
                bus.post(l -> l.onReceiverStarted(info));
            }

            @Override
            public void receiverError(ReceiverInfo info) {
                bus.post(l -> l.onReceiverError(info));
            }

            @Override
            public void receiverStopped(ReceiverInfo info) {
                bus.post(l -> l.onReceiverStopped(info));
            }

            @Override
            public void fatalError(Throwable error) {
                fail(error);
            }
        };
    }

    private void afterBatch(Time time) {
        // The batch's accumulator updates count now, before a checkpoint of this batch saves them.
        shared.commit(time.milliseconds());
        graph.clearMetadata(time);
        Time zero = graph.zeroTime().orElseThrow();
        if (checkpointer != null && checkpointer.isDue(time, zero)) {
            checkpointer.checkpoint(time, zero, stateStore, tracker, blockStore);
        } else if (checkpointer == null && tracker != null) {
            // Nothing is recovered without a checkpoint directory: the allocations (with the
            // direct inputs' plans and positions) of batches no window reaches back to can go.
            tracker.cleanupUpTo(time.milliseconds() - graph.maxInputRememberDuration().toMillis());
        }
    }

    private void fail(Throwable e) {
        if (error == null) {
            error = e;
        }
        JobScheduler js = jobScheduler;
        if (js != null) {
            js.fail(e);
        }
        Thread t = new Thread(() -> stopInternal(false, false), "sluice-stop-on-error");
        t.setDaemon(true);
        t.start();
    }

    /** Waits until the context stops; rethrows the error that stopped it, if any. */
    public void awaitTermination() throws InterruptedException {
        terminated.await();
        rethrowError();
    }

    /**
     * Waits at most {@code timeoutMs} for the context to stop; returns whether it stopped.
     * Rethrows the error that stopped it, if any.
     */
    public boolean awaitTerminationOrTimeout(long timeoutMs) throws InterruptedException {
        boolean done = terminated.await(timeoutMs, TimeUnit.MILLISECONDS);
        rethrowError();
        return done;
    }

    private void rethrowError() {
        Throwable e = error;
        if (e != null) {
            throw new SluiceException("The streaming context stopped because of an error: " + e, e);
        }
    }

    /** Stops the context at once: queued batches are dropped (a recovery re-runs them). */
    public void stop() {
        stop(false);
    }

    /**
     * Stops the context. Graceful: receivers stop, the data they already stored is allocated to
     * batches and processed, then the context stops. Else queued batches are dropped (received
     * data stays in the write-ahead log and is processed by a recovery).
     */
    public void stop(boolean stopGracefully) {
        stopInternal(stopGracefully, false);
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop(false);
    }

    private void stopInternal(boolean graceful, boolean fromHook) {
        synchronized (this) {
            if (state == StreamingContextState.STOPPED) {
                awaitStopByOtherThread();
                return;
            }
            if (state == StreamingContextState.INITIALIZED) {
                state = StreamingContextState.STOPPED;
                env.close();
                terminated.countDown();
                return;
            }
            state = StreamingContextState.STOPPED;
        }
        if (!fromHook) {
            removeShutdownHook();
        }
        boolean complete = releaseResources(graceful);
        synchronized (ACTIVATION_LOCK) {
            if (active == this) {
                active = null;
            }
        }
        terminated.countDown();
        LOG.info("StreamingContext stopped{}", !graceful ? "" : complete ? " gracefully"
                : " (graceful stop incomplete: see the warning above)");
    }

    /**
     * A stop already in progress on another thread (say, after a batch failed): a user's stop
     * returns only once it is done, so the next context may start. Engine threads do not wait:
     * the stop in progress may itself be waiting for them.
     */
    private void awaitStopByOtherThread() {
        if (terminated.getCount() == 0 || Thread.currentThread().getName().startsWith("sluice-")) {
            return;
        }
        try {
            if (!terminated.await(60, java.util.concurrent.TimeUnit.SECONDS)) {
                LOG.warn("The stop in progress on another thread did not finish within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops and closes everything; returns false if a graceful stop ran out of time. */
    private boolean releaseResources(boolean graceful) {
        Duration timeout = gracefulStopTimeout();
        boolean complete = true;
        if (receiverTracker != null) {
            receiverTracker.stop(graceful);
        }
        if (graceful && jobGenerator != null && !(clock instanceof ManualClock) && error == null) {
            // Let the timer allocate what the receivers stored before they stopped.
            long target = clock.getTimeMillis();
            long deadline = System.currentTimeMillis() + timeout.toMillis();
            while (jobGenerator.lastGeneratedMs() < target && System.currentTimeMillis() < deadline) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (jobGenerator.lastGeneratedMs() < target) {
                complete = false;
                LOG.warn("Graceful stop incomplete: no batch took the data received before the stop within {}"
                        + " (the last batch generated is {} ms, the stop began at {} ms); it stays in the write-ahead"
                        + " log and a restart with getOrCreate processes it", timeout,
                        jobGenerator.lastGeneratedMs(), target);
            }
        }
        if (jobGenerator != null) {
            jobGenerator.stop();
        }
        boolean batchesEnded = true;
        if (jobScheduler != null) {
            batchesEnded = jobScheduler.stop(graceful, timeout);
            complete &= !jobScheduler.stopCutShort();
        }
        graph.inputs().forEach(InputDStream::stop);
        closeQuietly(blockStore);
        closeQuietly(tracker);
        if (batchesEnded) {
            closeQuietly(stateStore);
        } else {
            // Closing RocksDB under a running update would crash the JVM; the working copy is
            // never trusted after a stop anyway (recovery restores a checkpoint).
            LOG.warn("A batch is still running after the stop timeout: the state store is left open");
        }
        if (checkpointStore != null) {
            try {
                checkpointStore.close();
            } catch (IOException e) {
                LOG.warn("Cannot close the checkpoint store: {}", e.toString());
            }
        }
        env.close();
        return complete;
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("Cannot close {}: {}", c, e.toString());
        }
    }

    // ---------------------------------------------------------------- test kit

    /**
     * The manual clock, with {@code sluice.streaming.clock=manual}.
     *
     * @throws IllegalStateException if the context runs on the system clock
     */
    public ManualClock manualClock() {
        if (clock instanceof ManualClock m) {
            return m;
        }
        throw new IllegalStateException("This context runs on the system clock: set sluice.streaming.clock=manual "
                + "in its SluiceConf to drive it with a ManualClock");
    }

    /**
     * Waits until batch {@code time} has completed (its outputs ran and its checkpoint, if due,
     * is written); returns false on timeout.
     *
     * @throws SluiceException if a batch failed
     */
    public boolean awaitBatchCompletion(Time time, Duration timeout) throws InterruptedException {
        JobScheduler js = jobScheduler;
        if (js == null) {
            throw new IllegalStateException("The context has not been started");
        }
        return js.awaitCompletion(time, timeout);
    }

    /** The latest completed batch time, if any. */
    public Optional<Time> lastCompletedBatch() {
        JobScheduler js = jobScheduler;
        return js == null ? Optional.empty() : js.lastCompleted();
    }

    // ---------------------------------------------------------------- internal

    /** The DStream graph. Internal. */
    public DStreamGraph graph() {
        return graph;
    }

    /** The runtime services of this context. Internal. */
    public ContextRuntime runtime() {
        return runtime;
    }

    /** Positions of a recovered checkpoint, for tests. Internal. */
    Map<Integer, Serializable> recoveredPositions() {
        return recoverFrom == null ? Map.of() : recoverFrom.sourcePositions();
    }
}
