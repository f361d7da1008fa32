package io.sluice.chaos;

import io.sluice.SluiceConf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What the chaos applications that write one output file per batch share: their configuration,
 * the atomic per-batch files and the positions carried by the lines they read.
 *
 * <p>Per-batch files are named {@code batch-<timeMs>.txt}; a batch re-run after a recovery
 * rewrites its file (temporary file, then {@code ATOMIC_MOVE}), so the directory always holds,
 * for every batch time, the output of the latest complete run of that batch: readers see a
 * whole file or none.
 */
public final class ChaosApps {
    /** The prefix of per-batch files. */
    public static final String BATCH_FILE_PREFIX = "batch-";
    /** The suffix of per-batch files. */
    public static final String BATCH_FILE_SUFFIX = ".txt";

    private ChaosApps() {
    }

    /**
     * The configuration of every chaos application: {@code local[2]}, a checkpoint every second,
     * {@code process} durability of the write-ahead logs, 100 ms blocks; {@code -Dsluice.*}
     * system properties override it (SluiceConf reads them).
     */
    public static SluiceConf conf(String appName) {
        return new SluiceConf()
                .setIfMissing("sluice.master", "local[2]")
                .setIfMissing("sluice.app.name", appName)
                .setIfMissing("sluice.streaming.checkpoint.interval", "1s")
                .setIfMissing("sluice.streaming.writeAheadLog.durability", "process")
                .setIfMissing("sluice.streaming.blockInterval", "100ms")
                .setIfMissing("sluice.streaming.receiverRestartDelay", "200ms");
    }

    /**
     * The source position of a line that carries it as its first space-separated token, as
     * {@code PositionTaggingProxy} (in this module's tests) serves them: {@code "<position> w1
     * ... w10"}.
     *
     * @throws IllegalArgumentException if the line does not start with a position
     */
    public static long position(String line) {
        int space = line.indexOf(' ');
        String token = space < 0 ? line : line.substring(0, space);
        try {
            return Long.parseLong(token);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a line without its position (is the source the tagging proxy?): ["
                    + line + "]");
        }
    }

    /** The file of batch {@code timeMs} in {@code outDir}. */
    public static Path batchFile(Path outDir, long timeMs) {
        return outDir.resolve(BATCH_FILE_PREFIX + timeMs + BATCH_FILE_SUFFIX);
    }

    /** Writes {@code lines} (one per line) as the file of batch {@code timeMs}, atomically. */
    public static void writeBatchFile(Path outDir, long timeMs, List<String> lines) {
        StringBuilder sb = new StringBuilder(lines.size() * 16);
        for (String l : lines) {
            sb.append(l).append('\n');
        }
        Path target = batchFile(outDir, timeMs);
        Path tmp = outDir.resolve(target.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, sb, StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the output of batch " + timeMs + " to " + outDir, e);
        }
    }

    /** Reads the file of batch {@code timeMs} (its non-empty lines). */
    public static List<String> readBatchFile(Path outDir, long timeMs) throws IOException {
        return nonEmpty(Files.readAllLines(batchFile(outDir, timeMs), StandardCharsets.UTF_8));
    }

    /**
     * Every batch file in {@code outDir}, by batch time: the outputs of the latest complete run
     * of every batch.
     */
    public static TreeMap<Long, List<String>> readAllBatchFiles(Path outDir) throws IOException {
        TreeMap<Long, List<String>> m = new TreeMap<>();
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(outDir)) {
            s.forEach(files::add);
        }
        for (Path p : files) {
            String name = p.getFileName().toString();
            if (name.startsWith(BATCH_FILE_PREFIX) && name.endsWith(BATCH_FILE_SUFFIX)) {
                long t = Long.parseLong(name.substring(BATCH_FILE_PREFIX.length(),
                        name.length() - BATCH_FILE_SUFFIX.length()));
                m.put(t, nonEmpty(Files.readAllLines(p, StandardCharsets.UTF_8)));
            }
        }
        return m;
    }

    private static List<String> nonEmpty(List<String> lines) {
        List<String> r = new ArrayList<>(lines.size());
        for (String l : lines) {
            if (!l.isEmpty()) {
                r.add(l);
            }
        }
        return r;
    }

    /** Prints a line on stdout and flushes (the test reads the child's stdout line by line). */
    static void announce(String line) {
        System.out.println(line);
        System.out.flush();
    }

    /** Formats a map as {@code <tag> <key> <value>} lines, in key order. */
    static <K extends Comparable<K>> void appendTagged(List<String> out, String tag, Map<K, Long> m) {
        new TreeMap<>(m).forEach((k, v) -> out.add(tag + " " + k + " " + v));
    }
}
