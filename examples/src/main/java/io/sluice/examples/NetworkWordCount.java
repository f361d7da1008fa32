package io.sluice.examples;

import io.sluice.DStream;
import io.sluice.PairDStream;
import io.sluice.SluiceConf;
import io.sluice.StreamingContext;
import io.sluice.Tuple2;
import java.time.Duration;
import java.util.Arrays;

/**
 * Counts the words of the text received every second from a TCP server, as Spark's
 * {@code JavaNetworkWordCount}: {@code NetworkWordCount <host> <port>}.
 *
 * <p>To try it, run a server first, for example Netcat ({@code nc -lk 9999}), then
 * {@code NetworkWordCount localhost 9999}, and type lines into Netcat. Nothing is checkpointed:
 * the counts are per batch, and what was received is lost if the JVM dies (see
 * {@link RecoverableWordCount} for the fault-tolerant version).
 */
public final class NetworkWordCount {
    private NetworkWordCount() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length < 2) {
            System.err.println("Usage: NetworkWordCount <hostname> <port>");
            System.exit(1);
        }
        SluiceConf conf = new SluiceConf().setIfMissing("sluice.master", "local[2]").setAppName("NetworkWordCount");
        try (StreamingContext ssc = new StreamingContext(conf, Duration.ofSeconds(1))) {
            DStream<String> lines = ssc.socketTextStream(args[0], Integer.parseInt(args[1]));
            DStream<String> words = lines.flatMap(x -> Arrays.asList(x.split(" ")).iterator());
            PairDStream<String, Integer> wordCounts = words.mapToPair(s -> new Tuple2<>(s, 1))
                    .reduceByKey((i1, i2) -> i1 + i2);
            wordCounts.print();
            ssc.start();
            ssc.awaitTermination();
        }
    }
}
