package io.sluice.chaos;

import io.sluice.PairRDD;
import io.sluice.StreamingContext;
import io.sluice.examples.RecoverableWordCount;
import io.sluice.examples.WordCountOracle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The file-stream pipeline the chaos tests kill: the stateful word count of
 * {@link RecoverableWordCount} over {@code textFileStream(inDir)}, 500 ms batches, a checkpoint
 * every second ({@link ChaosApps#conf}), recovered with {@link StreamingContext#getOrCreate} at
 * every start. The test driver moves files into {@code inDir} while the application runs and
 * while it is down.
 *
 * <pre>
 * FileWordCountChaosApp inDir checkpointDir outDir
 * </pre>
 *
 * <p>After every batch it writes the whole state ({@code word<TAB>count} lines, and
 * {@code __lines<TAB>n}) to the batch's file {@code outDir/batch-<timeMs>.txt}
 * ({@link ChaosApps#writeBatchFile}: atomic, a re-run batch rewrites it), then prints
 * {@code BATCH <timeMs> lines=<n>}. It prints {@code STARTING pid=<pid>} first.
 */
public final class FileWordCountChaosApp {
    /** The batch interval. */
    public static final Duration BATCH = Duration.ofMillis(500);

    private FileWordCountChaosApp() {
    }

    /** Runs the pipeline until killed: {@code inDir checkpointDir outDir}. */
    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: FileWordCountChaosApp inDir checkpointDir outDir");
            System.exit(2);
        }
        String inDir = args[0];
        String checkpointDir = args[1];
        Path outDir = Paths.get(args[2]);
        Files.createDirectories(outDir);
        ChaosApps.announce("STARTING pid=" + ProcessHandle.current().pid());

        StreamingContext ssc = StreamingContext.getOrCreate(checkpointDir, () -> {
            StreamingContext c = new StreamingContext(ChaosApps.conf("FileWordCountChaosApp"), BATCH);
            c.checkpoint(checkpointDir);
            RecoverableWordCount.countWords(c.textFileStream(inDir)).foreachRDD((rdd, time) -> {
                Map<String, Long> state = new TreeMap<>(PairRDD.fromRDD(rdd).collectAsMap());
                List<String> lines = new ArrayList<>(state.size());
                state.forEach((k, v) -> lines.add(k + "\t" + v));
                ChaosApps.writeBatchFile(outDir, time.milliseconds(), lines);
                ChaosApps.announce("BATCH " + time.milliseconds() + " lines="
                        + state.getOrDefault(WordCountOracle.LINES_KEY, 0L));
            });
            return c;
        });
        ssc.start();
        ssc.awaitTermination();
    }

    /** The state a batch file of this application holds, by word. */
    public static Map<String, Long> parseState(List<String> lines) {
        Map<String, Long> m = new TreeMap<>();
        for (String line : lines) {
            int tab = line.indexOf('\t');
            m.put(line.substring(0, tab), Long.parseLong(line.substring(tab + 1)));
        }
        return m;
    }
}
