/*
 * Written for Sluice after Apache Spark's streaming examples (Apache License, Version 2.0,
 * http://www.apache.org/licenses/LICENSE-2.0), together with its Spark version. See
 * examples/PORTING.md for how it was ported and for the lines that differ from the Spark version
 * besides imports and type names.
 */

package io.sluice.examples.ported;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

import io.sluice.Tuple2;

import io.sluice.HashPartitioner;
import io.sluice.SluiceConf;
import io.sluice.function.*;
import io.sluice.PairRDD;
import java.util.Optional;
import io.sluice.StorageLevel;
import java.time.Duration;
import io.sluice.*;

/**
 * Counts words cumulatively in UTF8 encoded, '\n' delimited text received from the network every
 * second starting with initial value of word count, keeping the counts with updateStateByKey.
 * Usage: JavaUpdateStateNetworkWordCount <hostname> <port>
 * <hostname> and <port> describe the TCP server that Sluice would connect to receive
 * data.
 * <p>
 * This is JavaStatefulNetworkWordCount as it was up to Spark 1.5, before it moved to
 * mapWithState, written with the Java API of Spark 2 and later.
 * <p>
 * To run this on your local machine, you need to first run a Netcat server
 * `$ nc -lk 9999`
 * and then run the example (at the root of the project, after `mvn install -DskipTests`; the
 * write-ahead log needs the JVM flags of the root pom's sluice.jvm.flags, given in MAVEN_OPTS)
 *    `$ mvn -q -pl examples exec:java -Dexec.mainClass=io.sluice.examples.ported.JavaUpdateStateNetworkWordCount -Dexec.args="localhost 9999"`
 */
public class JavaUpdateStateNetworkWordCount {
  private static final Pattern SPACE = Pattern.compile(" ");

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("Usage: JavaUpdateStateNetworkWordCount <hostname> <port>");
      System.exit(1);
    }

    StreamingExamples.setStreamingLogLevels();

    // Create the context with a 1 second batch size
    SluiceConf sparkConf = new SluiceConf().setAppName("JavaUpdateStateNetworkWordCount");
    StreamingContext ssc = new StreamingContext(sparkConf, Duration.ofSeconds(1));
    ssc.checkpoint(".");

    DStream<String> lines = ssc.socketTextStream(
            args[0], Integer.parseInt(args[1]), StorageLevel.MEMORY_AND_DISK_SER_2);

    countWords(ssc, lines);
    ssc.start();
    ssc.awaitTermination();
  }

  // The pipeline, from the input stream to the output operation (a test runs it on a stream of
  // its own)
  static void countWords(StreamingContext ssc, DStream<String> lines) {
    // Update the cumulative count function
    Function2<List<Integer>, Optional<Integer>, Optional<Integer>> updateFunction =
        (values, state) -> {
          Integer newSum = state.orElse(0);
          for (Integer value : values) {
            newSum += value;
          }
          return Optional.of(newSum);
        };

    // Initial RDD input to updateStateByKey
    @SuppressWarnings("unchecked")
    List<Tuple2<String, Integer>> tuples =
        Arrays.asList(new Tuple2<>("hello", 1), new Tuple2<>("world", 1));
    PairRDD<String, Integer> initialRDD = ssc.sparkContext().parallelizePairs(tuples);

    DStream<String> words = lines.flatMap(x -> Arrays.asList(SPACE.split(x)).iterator());

    PairDStream<String, Integer> wordsDstream = words.mapToPair(s -> new Tuple2<>(s, 1));

    // This will give a Dstream made of state (which is the cumulative count of the words)
    PairDStream<String, Integer> stateDstream = wordsDstream.updateStateByKey(updateFunction,
            new HashPartitioner(ssc.sparkContext().defaultParallelism()), initialRDD);

    stateDstream.print();
  }
}
