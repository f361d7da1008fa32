/*
 * Ported from Apache Spark's examples/src/main/java/org/apache/spark/examples/streaming/
 * JavaDirectKafkaWordCount.java (Apache License, Version 2.0,
 * http://www.apache.org/licenses/LICENSE-2.0). Changed for Sluice: imports and type names, and
 * the pipeline moved into countWords() so that a test can run it; see examples/PORTING.md.
 */

package io.sluice.examples.ported;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.sluice.Tuple2;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;

import io.sluice.SluiceConf;
import io.sluice.DStream;
import io.sluice.PairDStream;
import io.sluice.StreamingContext;
import io.sluice.kafka.ConsumerStrategies;
import io.sluice.kafka.KafkaUtils;
import io.sluice.kafka.LocationStrategies;
import java.time.Duration;

/**
 * Consumes messages from one or more topics in Kafka and does wordcount.
 * Usage: JavaDirectKafkaWordCount <brokers> <groupId> <topics>
 *   <brokers> is a list of one or more Kafka brokers
 *   <groupId> is a consumer group name to consume from topics
 *   <topics> is a list of one or more kafka topics to consume from
 *
 * Example (at the root of the project, after `mvn install -DskipTests`):
 *    $ mvn -q -pl examples exec:java -Dexec.mainClass=io.sluice.examples.ported.JavaDirectKafkaWordCount \
 *      -Dexec.args="127.0.0.1:9092 consumer-group topic1,topic2"
 */

public final class JavaDirectKafkaWordCount {
  private static final Pattern SPACE = Pattern.compile(" ");

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("Usage: JavaDirectKafkaWordCount <brokers> <groupId> <topics>\n" +
                         "  <brokers> is a list of one or more Kafka brokers\n" +
                         "  <groupId> is a consumer group name to consume from topics\n" +
                         "  <topics> is a list of one or more kafka topics to consume from\n\n");
      System.exit(1);
    }

    StreamingExamples.setStreamingLogLevels();

    String brokers = args[0];
    String groupId = args[1];
    String topics = args[2];

    // Create context with a 2 seconds batch interval
    SluiceConf sparkConf = new SluiceConf().setAppName("JavaDirectKafkaWordCount");
    StreamingContext jssc = new StreamingContext(sparkConf, Duration.ofSeconds(2));

    Set<String> topicsSet = new HashSet<>(Arrays.asList(topics.split(",")));
    Map<String, Object> kafkaParams = new HashMap<>();
    kafkaParams.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    kafkaParams.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    kafkaParams.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    kafkaParams.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);

    // Create direct kafka stream with brokers and topics
    DStream<ConsumerRecord<String, String>> messages = KafkaUtils.createDirectStream(
        jssc,
        LocationStrategies.PreferConsistent(),
        ConsumerStrategies.Subscribe(topicsSet, kafkaParams));

    countWords(messages);

    // Start the computation
    jssc.start();
    jssc.awaitTermination();
  }

  // The pipeline, from the input stream to the output operation (a test runs it on a stream of
  // its own)
  static void countWords(DStream<ConsumerRecord<String, String>> messages) {
    // Get the lines, split them into words, count the words and print
    DStream<String> lines = messages.map(ConsumerRecord::value);
    DStream<String> words = lines.flatMap(x -> Arrays.asList(SPACE.split(x)).iterator());
    PairDStream<String, Integer> wordCounts = words.mapToPair(s -> new Tuple2<>(s, 1))
        .reduceByKey((i1, i2) -> i1 + i2);
    wordCounts.print();
  }
}
