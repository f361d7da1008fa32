package io.sluice.chaos;

import io.sluice.examples.WordCountOracle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a file-stream word count ({@link FileWordCountChaosApp}) with SIGKILL at seeded random
 * moments (the schedule of {@link ChaosDriver}) while the test moves files into its directory,
 * during its lives and while it is down, and checks that every file is counted exactly once.
 *
 * <p>Every line of file i starts with the token {@code file-<i>}, so the state's count of that
 * token is the number of lines of file i the application has counted. After every batch the
 * state in the batch's file must be exactly the word counts of a set of whole files (each present file counted with
 * all its lines, once: a file read twice or in part fails at once); at the end, every file.
 * Files are written in a staging directory and moved in atomically ({@code ATOMIC_MOVE}),
 * keeping the modification time they were written with, from the first completed batch on
 * (the stream reads new files only).
 *
 * <p>Knobs: {@code chaos.seed}, {@code chaos.kills} (default 5), {@code chaos.files} (120),
 * {@code chaos.linesPerFile} (200), {@code chaos.fileIntervalMs} (mean pause between two
 * moves, 250), {@code chaos.childJvmArgs}. Child logs: {@code target/chaos-logs/files}.
 */
class FileWordCountChaosTest {
    private static final String[] VOCABULARY = new String[50];

    static {
        for (int i = 0; i < VOCABULARY.length; i++) {
            VOCABULARY[i] = String.format("w%02d", i);
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void filesMovedInAcrossKillsAreEachCountedExactlyOnce(@TempDir Path dir) throws Exception {
        String seedProperty = System.getProperty("chaos.seed", "").trim();
        long seed = seedProperty.isEmpty() ? new SecureRandom().nextLong() : Long.parseLong(seedProperty);
        Random rnd = new Random(seed);
        long dataSeed = rnd.nextLong();
        int kills = Integer.getInteger("chaos.kills", 5);
        int files = Integer.getInteger("chaos.files", 120);
        int linesPerFile = Integer.getInteger("chaos.linesPerFile", 200);
        long intervalMs = Long.getLong("chaos.fileIntervalMs", 250);
        List<String> extraJvmArgs = ChildJvm.extraJvmArgsFromSystemProperty();
        System.out.printf("FileWordCountChaosTest: seed %d (reproduce with -Dchaos.seed=%d), %d files of %d lines,"
                + " one every ~%d ms, %d kills, child JVM args %s%n", seed, seed, files, linesPerFile, intervalMs,
                kills, extraJvmArgs);

        Path in = Files.createDirectories(dir.resolve("in"));
        Path staging = Files.createDirectories(dir.resolve("staging"));
        Path out = dir.resolve("out");
        List<List<String>> contents = generate(dataSeed, files, linesPerFile);
        List<Map<String, Long>> oracle = new ArrayList<>();
        for (List<String> lines : contents) {
            oracle.add(counts(lines));
        }
        long bound = (long) files * linesPerFile;
        Mover mover = new Mover(in, staging, contents, intervalMs, new Random(rnd.nextLong()));

        ChaosDriver driver = new ChaosDriver("FileWordCountChaosTest", seed, rnd, bound, FileWordCountChaosApp.class,
                List.of(in.toUri().toString(), dir.resolve("checkpoint").toString(), out.toString()), extraJvmArgs,
                dir, Paths.get("target", "chaos-logs", "files").toAbsolutePath(),
                FileWordCountChaosApp.BATCH.toMillis());
        long testStart = System.nanoTime();
        long[] linesSeen = {0};
        try {
            List<ChaosDriver.Life> lives = driver.run(kills, new ChaosDriver.Checker() {
                @Override
                public void onBatch(long timeMs, String batchLine, int life) throws Exception {
                    mover.startOnce();    // new files only: the first is moved in after the stream started
                    Map<String, Long> state;
                    try {
                        state = FileWordCountChaosApp.parseState(ChaosApps.readBatchFile(out, timeMs));
                    } catch (NoSuchFileException e) {
                        throw new AssertionError("the child printed [" + batchLine + "] but wrote no batch file");
                    }
                    linesSeen[0] = Math.max(linesSeen[0], checkWholeFiles(state, oracle, linesPerFile, mover.moved()));
                }

                @Override
                public long linesSeen() {
                    return linesSeen[0];
                }

                @Override
                public boolean finished() {
                    return linesSeen[0] == bound;
                }
            });
            Map<String, Long> state = FileWordCountChaosApp.parseState(
                    ChaosApps.readAllBatchFiles(out).lastEntry().getValue());
            Map<String, Long> expected = new TreeMap<>();
            oracle.forEach(m -> m.forEach((k, v) -> expected.merge(k, v, Long::sum)));
            if (!expected.equals(state)) {
                driver.fail("the final state differs from the oracle of all " + files + " files");
            }
            driver.stopChild();
            long totalMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - testStart);
            System.out.printf("FileWordCountChaosTest: seed %d passed in %,d ms: %d files (%,d lines) counted exactly"
                    + " once across %d kills (SIGKILL)%n", seed, totalMs, files, bound, kills);
            driver.printLives(lives);
        } finally {
            mover.stop();
            driver.killChildIfAlive();
        }
    }

    /**
     * Checks that {@code state} is exactly the counts of the files whose token it holds, each
     * with all its lines, and that only files already moved in appear; returns its line count.
     */
    private static long checkWholeFiles(Map<String, Long> state, List<Map<String, Long>> oracle, int linesPerFile,
                                        int moved) {
        Map<String, Long> expected = new HashMap<>();
        for (Map.Entry<String, Long> e : state.entrySet()) {
            if (!e.getKey().startsWith("file-")) {
                continue;
            }
            int i = Integer.parseInt(e.getKey().substring(5));
            if (i >= moved) {
                throw new AssertionError("file " + i + " is counted but only " + moved + " files were moved in");
            }
            if (e.getValue() != linesPerFile) {
                throw new AssertionError("file " + i + " has " + e.getValue() + " of its " + linesPerFile
                        + " lines counted: " + (e.getValue() > linesPerFile ? "read more than once" : "read in part"));
            }
            oracle.get(i).forEach((k, v) -> expected.merge(k, v, Long::sum));
        }
        if (!expected.equals(state)) {
            throw new AssertionError("the state is not the exact count of the files it holds: " + difference(expected,
                    state));
        }
        return state.getOrDefault(WordCountOracle.LINES_KEY, 0L);
    }

    private static String difference(Map<String, Long> expected, Map<String, Long> actual) {
        for (Map.Entry<String, Long> e : new TreeMap<>(expected).entrySet()) {
            if (!e.getValue().equals(actual.get(e.getKey()))) {
                return "[" + e.getKey() + "] expected " + e.getValue() + ", got " + actual.get(e.getKey());
            }
        }
        for (String k : actual.keySet()) {
            if (!expected.containsKey(k)) {
                return "unexpected key [" + k + "] = " + actual.get(k);
            }
        }
        return "none";
    }

    private static List<List<String>> generate(long seed, int files, int linesPerFile) {
        Random r = new Random(seed);
        List<List<String>> all = new ArrayList<>(files);
        for (int i = 0; i < files; i++) {
            List<String> lines = new ArrayList<>(linesPerFile);
            String id = String.format("file-%04d", i);
            for (int l = 0; l < linesPerFile; l++) {
                StringBuilder sb = new StringBuilder(id);
                int words = 1 + r.nextInt(10);
                for (int w = 0; w < words; w++) {
                    sb.append(' ').append(VOCABULARY[r.nextInt(VOCABULARY.length)]);
                }
                lines.add(sb.toString());
            }
            all.add(lines);
        }
        return all;
    }

    /** The word counts of one file as the application counts them (with its line marker). */
    private static Map<String, Long> counts(List<String> lines) {
        Map<String, Long> m = new HashMap<>();
        for (String line : lines) {
            for (String w : line.split(" ")) {
                if (!w.isEmpty()) {
                    m.merge(w, 1L, Long::sum);
                }
            }
            m.merge(WordCountOracle.LINES_KEY, 1L, Long::sum);
        }
        return m;
    }

    /** Writes file after file into the staging directory and moves each into the input directory. */
    private static final class Mover {
        private final Path in;
        private final Path staging;
        private final List<List<String>> contents;
        private final long intervalMs;
        private final Random rnd;
        private final AtomicInteger moved = new AtomicInteger();
        private volatile boolean stopped;
        private volatile Throwable error;
        private Thread thread;

        Mover(Path in, Path staging, List<List<String>> contents, long intervalMs, Random rnd) {
            this.in = in;
            this.staging = staging;
            this.contents = contents;
            this.intervalMs = intervalMs;
            this.rnd = rnd;
        }

        synchronized void startOnce() {
            if (error != null) {
                throw new AssertionError("moving files failed: " + error, error);
            }
            if (thread != null) {
                return;
            }
            thread = new Thread(this::run, "chaos-file-mover");
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            try {
                for (int i = 0; i < contents.size() && !stopped; i++) {
                    String name = String.format("part-%04d.txt", i);
                    Path staged = staging.resolve(name);
                    Files.write(staged, contents.get(i), StandardCharsets.UTF_8);
                    Files.move(staged, in.resolve(name), StandardCopyOption.ATOMIC_MOVE);
                    moved.incrementAndGet();
                    Thread.sleep(intervalMs / 2 + (long) (rnd.nextDouble() * intervalMs));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException | RuntimeException e) {
                error = e;
            }
        }

        /** How many files are in the input directory (a file counted is one of them). */
        int moved() {
            return moved.get();
        }

        void stop() throws InterruptedException {
            stopped = true;
            Thread t;
            synchronized (this) {
                t = thread;
            }
            if (t != null) {
                t.interrupt();
                t.join(5_000);
            }
        }
    }
}
