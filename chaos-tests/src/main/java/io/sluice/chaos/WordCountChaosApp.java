package io.sluice.chaos;

import io.sluice.DStream;
import io.sluice.PairRDD;
import io.sluice.SluiceConf;
import io.sluice.StreamingContext;
import io.sluice.examples.RecoverableWordCount;
import io.sluice.examples.ReplayableLineReceiver;
import io.sluice.examples.WordCountOracle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * The pipeline the chaos tests kill: the stateful word count of {@link RecoverableWordCount}
 * over a {@link io.sluice.examples.ReplayableLineServer}, with 500 ms batches and a checkpoint
 * every second, recovered with {@link StreamingContext#getOrCreate} at every start.
 *
 * <pre>
 * WordCountChaosApp host port checkpointDir outDir [maxLinesPerSecond]
 * </pre>
 *
 * <p>After every batch it writes the whole state (one {@code word<TAB>count} line per word, and
 * {@code __lines<TAB>n}) to {@code outDir/state-latest.txt}, atomically (temporary file, then
 * rename), and then prints {@code BATCH <timeMs> lines=<n>} on stdout. It prints
 * {@code STARTING pid=<pid>} first. Configuration keys can be overridden with
 * {@code -Dsluice.<key>=<value>} (for example
 * {@code -Dsluice.streaming.receiver.writeAheadLog.enable=false}).
 */
public final class WordCountChaosApp {
    /** The batch interval. */
    public static final Duration BATCH = Duration.ofMillis(500);
    /** The file holding the state after the latest batch. */
    public static final String STATE_FILE = "state-latest.txt";

    private WordCountChaosApp() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: WordCountChaosApp host port checkpointDir outDir [maxLinesPerSecond]");
            System.exit(2);
        }
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String checkpointDir = args[2];
        Path outDir = Paths.get(args[3]);
        long rate = args.length > 4 ? Long.parseLong(args[4]) : 0;
        Files.createDirectories(outDir);
        System.out.println("STARTING pid=" + ProcessHandle.current().pid());
        System.out.flush();

        StreamingContext ssc = StreamingContext.getOrCreate(checkpointDir, () -> {
            SluiceConf conf = new SluiceConf()
                    .setIfMissing("sluice.master", "local[2]")
                    .setIfMissing("sluice.app.name", "WordCountChaosApp")
                    .setIfMissing("sluice.streaming.checkpoint.interval", "1s")
                    .setIfMissing("sluice.streaming.writeAheadLog.durability", "process")
                    .setIfMissing("sluice.streaming.blockInterval", "100ms")
                    .setIfMissing("sluice.streaming.receiverRestartDelay", "200ms");
            StreamingContext c = new StreamingContext(conf, BATCH);
            c.checkpoint(checkpointDir);
            DStream<String> lines = c.receiverStream(new ReplayableLineReceiver(host, port, 2_000, 50, rate));
            RecoverableWordCount.countWords(lines).foreachRDD((rdd, time) -> {
                Map<String, Long> state = new TreeMap<>(PairRDD.fromRDD(rdd).collectAsMap());
                writeAtomically(outDir, state);
                System.out.println("BATCH " + time.milliseconds() + " lines="
                        + state.getOrDefault(WordCountOracle.LINES_KEY, 0L));
                System.out.flush();
            });
            return c;
        });
        ssc.start();
        ssc.awaitTermination();
    }

    private static void writeAtomically(Path outDir, Map<String, Long> state) {
        StringBuilder sb = new StringBuilder(state.size() * 12);
        state.forEach((k, v) -> sb.append(k).append('\t').append(v).append('\n'));
        Path tmp = outDir.resolve(STATE_FILE + ".tmp");
        try {
            Files.writeString(tmp, sb, StandardCharsets.UTF_8);
            Files.move(tmp, outDir.resolve(STATE_FILE), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the state to " + outDir, e);
        }
    }

    /** Reads a state file written by this application. */
    public static Map<String, Long> readState(Path file) throws IOException {
        Map<String, Long> m = new TreeMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isEmpty()) {
                continue;
            }
            int tab = line.indexOf('\t');
            m.put(line.substring(0, tab), Long.parseLong(line.substring(tab + 1)));
        }
        return m;
    }
}
