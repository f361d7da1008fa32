package io.sluice.chaos;

import io.sluice.DStream;
import io.sluice.StreamingContext;
import io.sluice.Tuple2;
import io.sluice.kafka.CanCommitOffsets;
import io.sluice.kafka.ConsumerStrategies;
import io.sluice.kafka.HasOffsetRanges;
import io.sluice.kafka.KafkaUtils;
import io.sluice.kafka.LocationStrategies;
import io.sluice.kafka.OffsetRange;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The Kafka pipeline the chaos tests kill: a direct Kafka stream of lines, counted per batch
 * (every word, and {@code __lines} for the number of lines) and written with
 * {@code saveAsTextFiles}, which commits each batch's directory by batch time, with 500 ms
 * batches, a checkpoint every second and at most {@code maxRatePerPartition} lines per second
 * per partition; recovered with {@link StreamingContext#getOrCreate} at every start.
 *
 * <pre>
 * KafkaWordCountChaosApp bootstrapServers topic checkpointDir outDir maxRatePerPartition
 * </pre>
 *
 * <p>Batch t's counts go to {@code outDir/counts-<t>.txt/part-*} as {@code word<TAB>count}
 * lines. After they are committed it prints {@code BATCH <t> <topic>-<p>:<from>-<until> ...}
 * (the batch's offset ranges, from the stream's own RDD) and commits the ranges to Kafka under
 * the group {@code chaos-wordcount}. It prints {@code STARTING pid=<pid>} first.
 */
public final class KafkaWordCountChaosApp {
    /** The batch interval. */
    public static final Duration BATCH = Duration.ofMillis(500);
    /** The prefix of the per-batch output directories in the output directory. */
    public static final String OUTPUT_PREFIX = "counts";
    /** The key whose count is the number of lines of a batch. */
    public static final String LINES_KEY = "__lines";

    private KafkaWordCountChaosApp() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: KafkaWordCountChaosApp bootstrapServers topic checkpointDir outDir"
                    + " maxRatePerPartition");
            System.exit(2);
        }
        String servers = args[0];
        String topic = args[1];
        String checkpointDir = args[2];
        Path outDir = Paths.get(args[3]);
        String rate = args[4];
        ChaosApps.announce("STARTING pid=" + ProcessHandle.current().pid());

        StreamingContext ssc = StreamingContext.getOrCreate(checkpointDir, () -> {
            StreamingContext c = new StreamingContext(ChaosApps.conf("KafkaWordCountChaosApp")
                    .setIfMissing("sluice.streaming.kafka.maxRatePerPartition", rate)
                    .setIfMissing("sluice.streaming.kafka.consumer.poll.ms", "30s"), BATCH);
            c.checkpoint(checkpointDir);
            Map<String, Object> kafkaParams = Map.of(
                    "bootstrap.servers", servers,
                    "key.deserializer", StringDeserializer.class,
                    "value.deserializer", StringDeserializer.class,
                    "group.id", "chaos-wordcount",
                    "auto.offset.reset", "earliest");
            DStream<ConsumerRecord<String, String>> stream = KafkaUtils.createDirectStream(c,
                    LocationStrategies.PreferConsistent(),
                    ConsumerStrategies.<String, String>Subscribe(List.of(topic), kafkaParams));
            stream.map(ConsumerRecord::value)
                    .flatMap(line -> {
                        List<String> words = new ArrayList<>(Arrays.asList(line.split(" ")));
                        words.add(LINES_KEY);
                        return words.iterator();
                    })
                    .mapToPair(w -> new Tuple2<>(w, 1L))
                    .reduceByKey(Long::sum)
                    .map(kv -> kv._1() + "\t" + kv._2())
                    .saveAsTextFiles(outDir.resolve(OUTPUT_PREFIX).toString(), "txt");
            stream.foreachRDD((rdd, time) -> {
                OffsetRange[] ranges = ((HasOffsetRanges) rdd).offsetRanges();
                StringBuilder sb = new StringBuilder("BATCH ").append(time.milliseconds());
                for (OffsetRange r : ranges) {
                    sb.append(' ').append(r.topic()).append('-').append(r.partition()).append(':')
                            .append(r.fromOffset()).append('-').append(r.untilOffset());
                }
                ChaosApps.announce(sb.toString());
                ((CanCommitOffsets) stream).commitAsync(ranges);
            });
            return c;
        });
        long starting = System.nanoTime();
        ssc.start();
        ChaosApps.announce("STARTED in " + (System.nanoTime() - starting) / 1_000_000 + " ms, "
                + java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() + " ms after the JVM started");
        ssc.awaitTermination();
    }
}
