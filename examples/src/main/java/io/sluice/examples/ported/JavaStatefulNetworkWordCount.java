/*
 * Ported from Apache Spark's examples/src/main/java/org/apache/spark/examples/streaming/
 * JavaStatefulNetworkWordCount.java (Apache License, Version 2.0,
 * http://www.apache.org/licenses/LICENSE-2.0). Changed for Sluice: imports and type names, and the pipeline moved into countWords() so
 * that a test can run it; see examples/PORTING.md.
 */

package io.sluice.examples.ported;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

import io.sluice.Tuple2;

import io.sluice.SluiceConf;
import io.sluice.function.*;
import io.sluice.PairRDD;
import java.util.Optional;
import io.sluice.StorageLevel;
import java.time.Duration;
import io.sluice.State;
import io.sluice.StateSpec;
import io.sluice.*;

/**
 * Counts words cumulatively in UTF8 encoded, '\n' delimited text received from the network every
 * second starting with initial value of word count.
 * Usage: JavaStatefulNetworkWordCount <hostname> <port>
 * <hostname> and <port> describe the TCP server that Sluice would connect to receive
 * data.
 * <p>
 * To run this on your local machine, you need to first run a Netcat server
 * `$ nc -lk 9999`
 * and then run the example (at the root of the project, after `mvn install -DskipTests`; the
 * write-ahead log needs the JVM flags of the root pom's sluice.jvm.flags, given in MAVEN_OPTS)
 * `$ mvn -q -pl examples exec:java
 * -Dexec.mainClass=io.sluice.examples.ported.JavaStatefulNetworkWordCount -Dexec.args="localhost 9999"`
 */
public class JavaStatefulNetworkWordCount {
  private static final Pattern SPACE = Pattern.compile(" ");

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("Usage: JavaStatefulNetworkWordCount <hostname> <port>");
      System.exit(1);
    }

    StreamingExamples.setStreamingLogLevels();

    // Create the context with a 1 second batch size
    SluiceConf sparkConf = new SluiceConf().setAppName("JavaStatefulNetworkWordCount");
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
    // Initial state RDD input to mapWithState
    @SuppressWarnings("unchecked")
    List<Tuple2<String, Integer>> tuples =
        Arrays.asList(new Tuple2<>("hello", 1), new Tuple2<>("world", 1));
    PairRDD<String, Integer> initialRDD = ssc.sparkContext().parallelizePairs(tuples);

    DStream<String> words = lines.flatMap(x -> Arrays.asList(SPACE.split(x)).iterator());

    PairDStream<String, Integer> wordsDstream = words.mapToPair(s -> new Tuple2<>(s, 1));

    // Update the cumulative count function
    Function3<String, Optional<Integer>, State<Integer>, Tuple2<String, Integer>> mappingFunc =
        (word, one, state) -> {
          int sum = one.orElse(0) + (state.exists() ? state.get() : 0);
          Tuple2<String, Integer> output = new Tuple2<>(word, sum);
          state.update(sum);
          return output;
        };

    // DStream made of get cumulative counts that get updated in every batch
    MapWithStateDStream<String, Integer, Integer, Tuple2<String, Integer>> stateDstream =
        wordsDstream.mapWithState(StateSpec.function(mappingFunc).initialState(initialRDD));

    stateDstream.print();
  }
}
