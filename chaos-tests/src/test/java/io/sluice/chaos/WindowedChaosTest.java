package io.sluice.chaos;

import io.sluice.examples.ReplayableLineServer;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills {@link WindowedChaosApp} (reduceByKeyAndWindow with an inverse function and a filter,
 * plus updateStateByKey) with SIGKILL at random moments and checks every batch's window against
 * the per-batch counts it was made of.
 *
 * <p>The test JVM runs a bounded {@link ReplayableLineServer} behind a
 * {@link PositionTaggingProxy}, so every line the child receives starts with its position; the
 * child keys lines by bucket {@code position / bucketSize}. The kill schedule is
 * {@link ChaosDriver}'s (the one of {@link WordCountChaosTest}).
 *
 * <p>Which lines fall into which batch depends on timing, so the checks are relations that hold
 * whatever the batch boundaries, over the <em>final history</em>: for every batch time, the
 * output of its latest run (a re-run batch rewrites its file). After every batch, as soon as
 * it is announced:
 * <ul>
 *   <li>the totals are exactly the bucket counts of the source lines {@code [0, n)}, n their sum
 *       (nothing lost, nothing counted twice, at every moment);</li>
 *   <li>the batch's own counts are the bucket counts of its range of positions, a contiguous
 *       range that ends at n;</li>
 *   <li>a batch run again after a recovery (its boundaries are then deterministic: the logged
 *       block allocation) writes exactly what its earlier run wrote;</li>
 *   <li>the window is the sum of the counts of the batch and the two before it (zeros dropped),
 *       when those were seen.</li>
 * </ul>
 * At the end, over the files on disk: the batch times are contiguous; the ranges tile the source
 * in order; for every batch, window(t) = count(t-2b) + count(t-b) + count(t) without zeros and
 * total(t) = total(t-b) + count(t); the last totals equal the oracle (bucketSize lines per bucket,
 * the last one partial) and the last window is empty (drained by idle batches).
 *
 * <p>Knobs (system properties): {@code chaos.seed}, {@code chaos.lines} (default 30000),
 * {@code chaos.kills} (default 5), {@code chaos.rate} (default 5000), {@code chaos.bucket}
 * (default 500), {@code chaos.childJvmArgs}. Child logs: {@code target/chaos-logs/windowed}.
 */
class WindowedChaosTest {
    private static final long BATCH_MS = WindowedChaosApp.BATCH.toMillis();
    private static final long WINDOW_MS = WindowedChaosApp.WINDOW.toMillis();

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void windowsStayConsistentWithTheirBatchesAcrossKills(@TempDir Path dir) throws Exception {
        String seedProperty = System.getProperty("chaos.seed", "").trim();
        long seed = seedProperty.isEmpty() ? new SecureRandom().nextLong() : Long.parseLong(seedProperty);
        Random rnd = new Random(seed);
        long dataSeed = rnd.nextLong();
        int bound = Integer.getInteger("chaos.lines", 30_000);
        int kills = Integer.getInteger("chaos.kills", 5);
        long rate = Long.getLong("chaos.rate", 5_000);
        long bucket = Long.getLong("chaos.bucket", 500);
        List<String> extraJvmArgs = ChildJvm.extraJvmArgsFromSystemProperty();
        System.out.printf("WindowedChaosTest: seed %d (reproduce with -Dchaos.seed=%d), %,d lines, buckets of %d,"
                + " %d kills, %,d lines/s, child JVM args %s%n", seed, seed, bound, bucket, kills, rate, extraJvmArgs);

        Path checkpoint = dir.resolve("checkpoint");
        Path out = dir.resolve("out");
        Path logs = Paths.get("target", "chaos-logs", "windowed").toAbsolutePath();
        long testStart = System.nanoTime();
        ChaosDriver driver = null;
        Check check = new Check(out, bound, bucket);
        try (ReplayableLineServer server = new ReplayableLineServer(0, dataSeed, bound);
             PositionTaggingProxy proxy = new PositionTaggingProxy(server.host(), server.port())) {
            List<String> args = List.of(proxy.host(), Integer.toString(proxy.port()), checkpoint.toString(),
                    out.toString(), Long.toString(rate), Long.toString(bucket));
            driver = new ChaosDriver("WindowedChaosTest", seed, rnd, bound, WindowedChaosApp.class, args,
                    extraJvmArgs, dir, logs, BATCH_MS);
            List<ChaosDriver.Life> lives = driver.run(kills, check);
            driver.stopChild();
            try {
                check.finalHistory();
            } catch (AssertionError e) {
                driver.fail("in the final history: " + e.getMessage());
            }
            long totalMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - testStart);
            System.out.printf("WindowedChaosTest: seed %d passed in %,d ms: %d batch times in the final history"
                    + " (%d with data), %d batch runs checked, %d re-runs identical to their first run, across %d"
                    + " kills (SIGKILL)%n", seed, totalMs, check.historyBatches, check.historyDataBatches,
                    check.runsChecked, check.reruns, kills);
            driver.printLives(lives);
        } finally {
            if (driver != null) {
                driver.killChildIfAlive();
            }
        }
    }

    /** The parsed file of one batch. */
    record Output(long[] range, TreeMap<Long, Long> count, TreeMap<Long, Long> window, TreeMap<Long, Long> total) {
        static Output parse(List<String> lines) {
            long[] range = null;
            TreeMap<Long, Long> count = new TreeMap<>();
            TreeMap<Long, Long> window = new TreeMap<>();
            TreeMap<Long, Long> total = new TreeMap<>();
            for (String l : lines) {
                String[] f = l.split(" ");
                switch (f[0]) {
                    case "range" -> {
                        if (range != null) {
                            throw new AssertionError("two range lines");
                        }
                        range = new long[] {Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])};
                    }
                    case "count" -> put(count, f, l);
                    case "window" -> put(window, f, l);
                    case "total" -> put(total, f, l);
                    default -> throw new AssertionError("unexpected line [" + l + "]");
                }
            }
            return new Output(range, count, window, total);
        }

        private static void put(TreeMap<Long, Long> m, String[] f, String line) {
            if (m.put(Long.parseLong(f[1]), Long.parseLong(f[2])) != null) {
                throw new AssertionError("bucket " + f[1] + " twice in one section: [" + line + "]");
            }
        }

        long lines() {
            long n = 0;
            for (long v : total.values()) {
                n += v;
            }
            return n;
        }
    }

    /** The checks, after every batch and over the final history. */
    static final class Check implements ChaosDriver.Checker {
        private final Path out;
        private final long bound;
        private final long bucket;
        /** The latest output seen for each batch time, with the life that wrote it. */
        private final Map<Long, List<String>> seen = new HashMap<>();
        private final Map<Long, Integer> seenLife = new HashMap<>();
        private long linesSeen;
        private boolean finished;
        int runsChecked;
        int reruns;
        int historyBatches;
        int historyDataBatches;

        Check(Path out, long bound, long bucket) {
            this.out = out;
            this.bound = bound;
            this.bucket = bucket;
        }

        @Override
        public long linesSeen() {
            return linesSeen;
        }

        @Override
        public boolean finished() {
            return finished;
        }

        @Override
        public void onBatch(long t, String batchLine, int life) throws IOException {
            List<String> lines = ChaosApps.readBatchFile(out, t);
            Output o = Output.parse(lines);
            long n = o.lines();
            runsChecked++;
            if (!batchLine.endsWith(" lines=" + n)) {
                throw new AssertionError("the file of batch " + t + " has totals summing to " + n);
            }
            if (n > bound) {
                throw new AssertionError(n + " lines counted but the source has " + bound);
            }
            TreeMap<Long, Long> prefix = bucketCounts(0, n);
            if (!prefix.equals(o.total())) {
                throw new AssertionError("the totals are not the bucket counts of lines [0, " + n + "): "
                        + firstDifference(prefix, o.total()));
            }
            checkCountsMatchRange(t, o);
            if (o.range() != null && o.range()[1] + 1 != n) {
                throw new AssertionError("batch " + t + " has lines [" + o.range()[0] + ", " + o.range()[1]
                        + "] but its totals count lines [0, " + n + ")");
            }
            List<String> before = seen.get(t);
            if (before != null) {
                if (!before.equals(lines)) {
                    List<String> onlyNow = new ArrayList<>(lines);
                    onlyNow.removeAll(before);
                    List<String> onlyBefore = new ArrayList<>(before);
                    onlyBefore.removeAll(lines);
                    throw new AssertionError("batch " + t + " re-run in life " + life + " wrote other lines than its"
                            + " run in life " + seenLife.get(t) + ": only in the re-run " + onlyNow
                            + ", only in the first run " + onlyBefore);
                }
                reruns++;
            }
            seen.put(t, lines);
            seenLife.put(t, life);
            List<String> p1 = seen.get(t - BATCH_MS);
            List<String> p2 = seen.get(t - 2 * BATCH_MS);
            if (p1 != null && p2 != null) {
                TreeMap<Long, Long> expected = windowOf(List.of(Output.parse(p2).count(), Output.parse(p1).count(),
                        o.count()));
                if (!expected.equals(o.window())) {
                    throw new AssertionError("the window of batch " + t + " is not the sum of the counts of batches "
                            + (t - 2 * BATCH_MS) + ", " + (t - BATCH_MS) + " and " + t + ": "
                            + firstDifference(expected, o.window()) + " (window " + o.window() + ", counts "
                            + Output.parse(p2).count() + ", " + Output.parse(p1).count() + ", " + o.count() + ")");
                }
            }
            linesSeen = Math.max(linesSeen, n);
            finished = n == bound && o.window().isEmpty();
        }

        private void checkCountsMatchRange(long t, Output o) {
            if (o.range() == null) {
                if (!o.count().isEmpty()) {
                    throw new AssertionError("batch " + t + " has no lines but counts " + o.count());
                }
                return;
            }
            long[] r = o.range();
            if (r[2] != r[1] - r[0] + 1) {
                throw new AssertionError("batch " + t + " has " + r[2] + " lines between positions " + r[0] + " and "
                        + r[1] + ": not a contiguous range of the source, each line once");
            }
            TreeMap<Long, Long> expected = bucketCounts(r[0], r[1] + 1);
            if (!expected.equals(o.count())) {
                throw new AssertionError("the counts of batch " + t + " are not the bucket counts of its lines ["
                        + r[0] + ", " + r[1] + "]: " + firstDifference(expected, o.count()));
            }
        }

        /** The final history: the files on disk, the latest run of every batch. */
        void finalHistory() throws IOException {
            TreeMap<Long, List<String>> files = ChaosApps.readAllBatchFiles(out);
            if (files.isEmpty()) {
                throw new AssertionError("no batch files");
            }
            TreeMap<Long, Output> h = new TreeMap<>();
            files.forEach((t, lines) -> h.put(t, Output.parse(lines)));
            historyBatches = h.size();
            long first = h.firstKey();
            long expectedT = first;
            long next = 0;
            TreeMap<Long, Long> total = new TreeMap<>();
            for (Map.Entry<Long, Output> e : h.entrySet()) {
                long t = e.getKey();
                try {
                    next = checkInHistory(h, t, expectedT, next, total);
                } catch (AssertionError err) {
                    throw new AssertionError(err.getMessage() + " [" + lifeOf(t) + "]", err);
                }
                expectedT = t + BATCH_MS;
            }
            if (next != bound) {
                throw new AssertionError("the batches processed lines [0, " + next + ") of [0, " + bound + ")");
            }
            Output last = h.lastEntry().getValue();
            TreeMap<Long, Long> oracle = bucketCounts(0, bound);
            if (!oracle.equals(last.total())) {
                throw new AssertionError("the final totals differ from the oracle: "
                        + firstDifference(oracle, last.total()));
            }
            if (!last.window().isEmpty()) {
                throw new AssertionError("the last window is not empty: " + last.window());
            }
        }

        /**
         * Checks batch {@code t} of the final history {@code h}, given the lines the batches before
         * it processed ({@code [0, next)}) and their summed counts ({@code total}, updated);
         * returns the lines processed up to and including it.
         */
        private long checkInHistory(TreeMap<Long, Output> h, long t, long expectedT, long next,
                                    TreeMap<Long, Long> total) {
            Output o = h.get(t);
            if (t != expectedT) {
                throw new AssertionError("no file for batch " + expectedT + " (next file: batch " + t + ")");
            }
            checkCountsMatchRange(t, o);
            if (o.range() != null) {
                historyDataBatches++;
                if (o.range()[0] != next) {
                    throw new AssertionError("batch " + t + " starts at line " + o.range()[0] + " but the batches"
                            + " before it ended at line " + next + (o.range()[0] < next ? ": lines processed twice"
                            : ": lines lost"));
                }
                next = o.range()[1] + 1;
            }
            o.count().forEach((k, v) -> total.merge(k, v, Long::sum));
            if (!total.equals(o.total())) {
                throw new AssertionError("the totals of batch " + t + " are not the sum of the counts of the"
                        + " batches up to it: " + firstDifference(total, o.total()));
            }
            List<TreeMap<Long, Long>> parts = new ArrayList<>();
            for (long w = t - WINDOW_MS + BATCH_MS; w <= t; w += BATCH_MS) {
                Output p = h.get(w);
                if (p != null) {
                    parts.add(p.count());
                }
            }
            TreeMap<Long, Long> expected = windowOf(parts);
            if (!expected.equals(o.window())) {
                throw new AssertionError("the window of batch " + t + " is not the sum of the counts of the "
                        + WINDOW_MS / BATCH_MS + " batches up to it: " + firstDifference(expected, o.window())
                        + " (window " + o.window() + ")");
            }
            return next;
        }

        private String lifeOf(long t) {
            Integer life = seenLife.get(t);
            return life == null ? "batch " + t + " was never announced" : "batch " + t + " last announced by life "
                    + life;
        }

        /** The sum of per-batch counts, without zeros: what the window must hold. */
        private static TreeMap<Long, Long> windowOf(List<TreeMap<Long, Long>> parts) {
            TreeMap<Long, Long> w = new TreeMap<>();
            for (TreeMap<Long, Long> p : parts) {
                p.forEach((k, v) -> w.merge(k, v, Long::sum));
            }
            w.values().removeIf(v -> v == 0L);
            return w;
        }

        /** The oracle: lines per bucket among positions [from, to), computed from the positions alone. */
        private TreeMap<Long, Long> bucketCounts(long from, long to) {
            TreeMap<Long, Long> m = new TreeMap<>();
            for (long b = from / bucket; b * bucket < to; b++) {
                long lo = Math.max(from, b * bucket);
                long hi = Math.min(to, (b + 1) * bucket);
                if (hi > lo) {
                    m.put(b, hi - lo);
                }
            }
            return m;
        }
    }

    static String firstDifference(Map<Long, Long> expected, Map<Long, Long> actual) {
        for (Map.Entry<Long, Long> e : expected.entrySet()) {
            Long a = actual.get(e.getKey());
            if (!e.getValue().equals(a)) {
                return "bucket " + e.getKey() + ": expected " + e.getValue() + ", got " + a;
            }
        }
        for (Long k : actual.keySet()) {
            if (!expected.containsKey(k)) {
                return "unexpected bucket " + k + " = " + actual.get(k);
            }
        }
        return "none";
    }
}
