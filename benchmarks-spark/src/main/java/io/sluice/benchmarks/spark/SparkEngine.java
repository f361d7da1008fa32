package io.sluice.benchmarks.spark;

import io.sluice.benchmarks.endtoend.BatchLog;
import io.sluice.benchmarks.endtoend.EngineUnderTest;
import io.sluice.benchmarks.endtoend.LineSource;
import io.sluice.benchmarks.endtoend.LinesProbe;
import io.sluice.benchmarks.endtoend.OverheadProbe;
import io.sluice.benchmarks.endtoend.RunSpec;
import io.sluice.benchmarks.endtoend.UpdateInput;
import io.sluice.benchmarks.endtoend.Workload;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.HashPartitioner;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.Optional;
import org.apache.spark.rdd.RDD;
import org.apache.spark.streaming.Durations;
import org.apache.spark.streaming.api.java.JavaDStream;
import org.apache.spark.streaming.api.java.JavaStreamingContext;
import org.apache.spark.streaming.scheduler.BatchInfo;
import org.apache.spark.streaming.scheduler.StreamingListener;
import org.apache.spark.streaming.scheduler.StreamingListenerBatchCompleted;
import scala.Tuple2;
import scala.collection.mutable.Queue;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * The workloads on Apache Spark Streaming, configured as their Sluice peers: two task threads
 * for processing, as Sluice's {@code local[2]}, plus one per receiver ({@link #master}), and
 * the same block interval, Kryo serialization, 2 partitions for shuffles and state, the
 * receiver write-ahead log ({@code spark.streaming.receiver.writeAheadLog.enable}) and
 * checkpointing where Sluice's are on. Driver bound to 127.0.0.1, UI off.
 *
 * <p>Queue streams go through the Scala API: the Java {@code queueStream} copies its queue
 * when the stream is created, so datasets queued later would never be seen.
 */
public final class SparkEngine implements EngineUnderTest {
    /** Where the last batch's action result goes, so that nothing is optimised away. */
    static final AtomicLong SINK = new AtomicLong();

    private JavaStreamingContext jssc;
    private final Queue<RDD<String>> lines = new Queue<>();
    private final Map<Integer, List<String>> prebuilt = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return "spark";
    }

    @Override
    public String version() {
        return org.apache.spark.package$.MODULE$.SPARK_VERSION();
    }

    @Override
    public void start(RunSpec spec, BatchLog log) {
        SparkConf conf = new SparkConf().setMaster(master(spec)).setAppName("bench-" + spec.workload().id())
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.local.dir", spec.dataDir().resolve("spark-local").toString())
                .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .set("spark.default.parallelism", "2")
                .set("spark.streaming.blockInterval", spec.blockIntervalMs() + "ms")
                .set("spark.streaming.receiver.writeAheadLog.enable", Boolean.toString(spec.wal()))
                .set("spark.streaming.stopGracefullyOnShutdown", "false");
        jssc = new JavaStreamingContext(conf, Durations.milliseconds(spec.batchMs()));
        jssc.sparkContext().setLogLevel("WARN");
        if (spec.checkpointed()) {
            jssc.checkpoint(spec.dataDir().resolve("checkpoint").toString());
        }
        jssc.addStreamingListener(new StreamingListener() {
            @Override
            public void onBatchCompleted(StreamingListenerBatchCompleted event) {
                BatchInfo b = event.batchInfo();
                long t = b.batchTime().milliseconds();
                long records = spec.workload() == Workload.QUEUE_WORD_COUNT ? LinesProbe.linesOf(t) : b.numRecords();
                log.completed(t, records, b.submissionTime(),
                        (Long) b.processingStartTime().get(), (Long) b.processingEndTime().get());
            }
        });
        JavaSparkContext sc = jssc.sparkContext();
        switch (spec.workload()) {
            case RECEIVER_WORD_COUNT -> wordCount(jssc.receiverStream(new SparkLineReceiver(spec.blockIntervalMs())));
            case WINDOWED_COUNT -> jssc.receiverStream(new SparkLineReceiver(spec.blockIntervalMs()))
                    .flatMap(l -> Arrays.asList(l.split(" ")).iterator())
                    .mapToPair(w -> new Tuple2<>(w, 1L))
                    .reduceByKeyAndWindow(Long::sum, (a, b) -> a - b, Durations.milliseconds(spec.windowMs()),
                            Durations.milliseconds(spec.batchMs()), 2, kv -> kv._2() != 0L)
                    .foreachRDD(rdd -> {
                        SINK.set(rdd.count());
                    });
            case QUEUE_WORD_COUNT -> queueStream(sc)
                    .flatMap(l -> {
                        LinesProbe.line();
                        return Arrays.asList(l.split(" ")).iterator();
                    })
                    .mapToPair(w -> new Tuple2<>(w, 1))
                    .reduceByKey(Integer::sum)
                    .foreachRDD((rdd, time) -> {
                        SINK.set(rdd.count());
                        LinesProbe.batchDone(time.milliseconds());
                    });
            case SCHEDULING_OVERHEAD -> queueStream(sc)
                    .flatMap(l -> {
                        long t0 = System.nanoTime();
                        List<String> words = Arrays.asList(l.split(" "));
                        OverheadProbe.addWork(System.nanoTime() - t0);
                        return words.iterator();
                    })
                    .mapToPair(w -> new Tuple2<>(w, 1))
                    .reduceByKey(Integer::sum)
                    .foreachRDD((rdd, time) -> {
                        long w0 = OverheadProbe.workNanos();
                        long c0 = OverheadProbe.workCalls();
                        SINK.set(rdd.count());
                        OverheadProbe.batchDone(time.milliseconds(), OverheadProbe.workNanos() - w0,
                                OverheadProbe.workCalls() - c0);
                    });
            case UPDATE_STATE_1M -> {
                List<Tuple2<Long, Long>> initial = new ArrayList<>(UpdateInput.KEYS);
                for (long k = 0; k < UpdateInput.KEYS; k++) {
                    initial.add(new Tuple2<>(k, 0L));
                }
                JavaPairRDD<Long, Long> initialRdd = sc.parallelizePairs(initial, 2);
                double perSecond = spec.updatesPerBatch() * 1000.0 / spec.batchMs();
                jssc.receiverStream(new SparkKeyReceiver(spec.blockIntervalMs(), perSecond))
                        .mapToPair(k -> new Tuple2<>(k, 1L))
                        .updateStateByKey((List<Long> vs, Optional<Long> s) -> {
                            long sum = s.orElse(0L);
                            for (Long v : vs) {
                                sum += v;
                            }
                            return Optional.of(sum);
                        }, new HashPartitioner(2), initialRdd)
                        .foreachRDD(rdd -> {
                            SINK.set(rdd.count());
                        });
            }
            default -> throw new IllegalStateException("no Spark pipeline for " + spec.workload());
        }
        jssc.start();
    }

    /**
     * Spark's master: {@code local[2 + receivers]} unless {@code sluice.bench.sparkMaster} says
     * otherwise. A Spark receiver holds a task thread for as long as it runs; Sluice runs
     * receivers on threads of their own beside its two task threads, so Spark gets one more
     * thread per receiver to keep two for processing on both sides (the machine's cores are the
     * same for both).
     */
    static String master(RunSpec spec) {
        String configured = System.getProperty("sluice.bench.sparkMaster", "");
        if (!configured.isBlank()) {
            return configured;
        }
        int receivers = switch (spec.workload()) {
            case RECEIVER_WORD_COUNT, WINDOWED_COUNT, UPDATE_STATE_1M -> 1;
            default -> 0;
        };
        return "local[" + (2 + receivers) + "]";
    }

    private JavaDStream<String> queueStream(JavaSparkContext sc) {
        ClassTag<String> tag = ClassTag$.MODULE$.apply(String.class);
        RDD<String> empty = sc.<String>emptyRDD().rdd();
        return new JavaDStream<>(jssc.ssc().queueStream(lines, true, empty, tag), tag);
    }

    private static void wordCount(JavaDStream<String> in) {
        in.flatMap(l -> Arrays.asList(l.split(" ")).iterator())
                .mapToPair(w -> new Tuple2<>(w, 1))
                .reduceByKey(Integer::sum)
                .foreachRDD(rdd -> {
                    SINK.set(rdd.count());
                });
    }

    @Override
    public void enqueue(int n) {
        List<String> l = prebuilt.computeIfAbsent(n, LineSource.shared()::lines);
        RDD<String> rdd = jssc.sparkContext().parallelize(l, 2).rdd();
        synchronized (lines) {
            lines.$plus$eq(rdd);
        }
    }

    @Override
    public int queued() {
        synchronized (lines) {
            return lines.size();
        }
    }

    @Override
    public void stop() {
        if (jssc != null) {
            jssc.stop(true, false);
        }
    }
}
