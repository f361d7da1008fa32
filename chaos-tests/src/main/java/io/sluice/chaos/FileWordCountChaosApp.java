package io.sluice.chaos;

import io.sluice.PairRDD;
import io.sluice.StreamingContext;
import io.sluice.examples.RecoverableWordCount;
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
 * {@code __lines<TAB>n}) to {@code outDir/state-latest.txt} atomically (temporary file, then
 * rename), then prints {@code BATCH <timeMs> lines=<n>}. It prints {@code STARTING pid=<pid>}
 * first.
 */
public final class FileWordCountChaosApp {
    /** The batch interval. */
    public static final Duration BATCH = Duration.ofMillis(500);
    /** The file holding the state after the latest batch. */
    public static final String STATE_FILE = "state-latest.txt";

    private FileWordCountChaosApp() {
    }

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
                writeAtomically(outDir, state);
                ChaosApps.announce("BATCH " + time.milliseconds() + " lines="
                        + state.getOrDefault(WordCountOracle.LINES_KEY, 0L));
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
}
