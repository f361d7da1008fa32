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
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills {@link MapWithStateChaosApp} (mapWithState with a timeout) with SIGKILL at random moments
 * and replays the whole history of its emissions, timeouts included, against a model of
 * mapWithState.
 *
 * <p>The test JVM runs a bounded {@link ReplayableLineServer} behind a
 * {@link PositionTaggingProxy}, so every line the child receives starts with its position. Every
 * line p is a record of a short-lived key {@code b<p / bucketSize>} and of a long-lived key
 * {@code m<p % modKeys>}; the state is a count per key; every record emits
 * {@code key:p:count} and a timeout emits {@code key:timeout:count}. The kill schedule is
 * {@link ChaosDriver}'s (the one of {@link WordCountChaosTest}).
 *
 * <p>Which lines fall into which batch depends on timing, and so do the timeouts: a key times out
 * whenever it gets no data for longer than the timeout, which a restart (several seconds of
 * batches without data) causes for every long-lived key. So the check is a model, run over the
 * <em>final history</em> (for every batch time, the output of its latest run: a re-run batch
 * rewrites its file): given the positions each batch processed, as its emissions show them, and
 * the batch times, the model computes exactly what mapWithState must emit at every batch (counts
 * {@code s+1 .. s+c} for a key with c records and count s, then a timeout with the count for
 * every untouched key whose last data is older than the timeout), and every batch must match it.
 *
 * <p>Checks after every batch, as soon as it is announced: the emissions name each position once
 * per key family, with the right keys, as a contiguous range; a batch run again after a recovery
 * (with its logged block allocation, so the same lines) emits exactly what its earlier run did.
 * At the end, over the files on disk: the batch times are contiguous; the batches' positions
 * tile the source in order, each line once (nothing lost or doubled); every batch's emissions
 * equal the model's; the model's state is empty (every key timed out, the last emission of every
 * key is its timeout); for every key, its timeout counts add up to the oracle's count of the key
 * (computed from the positions alone), and a key that never paused for longer than the timeout
 * timed out exactly once, with the oracle's count.
 *
 * <p>Knobs (system properties): {@code chaos.seed}, {@code chaos.lines} (default 30000),
 * {@code chaos.kills} (default 5), {@code chaos.rate} (default 5000), {@code chaos.bucket}
 * (default 500), {@code chaos.modKeys} (default 7), {@code chaos.childJvmArgs}. Child logs:
 * {@code target/chaos-logs/mapwithstate}.
 */
class MapWithStateChaosTest {
    private static final long BATCH_MS = MapWithStateChaosApp.BATCH.toMillis();
    private static final long TIMEOUT_MS = MapWithStateChaosApp.TIMEOUT.toMillis();

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void everyEmissionAndTimeoutMatchesTheModelAcrossKills(@TempDir Path dir) throws Exception {
        String seedProperty = System.getProperty("chaos.seed", "").trim();
        long seed = seedProperty.isEmpty() ? new SecureRandom().nextLong() : Long.parseLong(seedProperty);
        Random rnd = new Random(seed);
        long dataSeed = rnd.nextLong();
        int bound = Integer.getInteger("chaos.lines", 30_000);
        int kills = Integer.getInteger("chaos.kills", 5);
        long rate = Long.getLong("chaos.rate", 5_000);
        long bucket = Long.getLong("chaos.bucket", 500);
        long modKeys = Long.getLong("chaos.modKeys", 7);
        List<String> extraJvmArgs = ChildJvm.extraJvmArgsFromSystemProperty();
        System.out.printf("MapWithStateChaosTest: seed %d (reproduce with -Dchaos.seed=%d), %,d lines, buckets of %d,"
                + " %d long-lived keys, timeout %d ms, %d kills, %,d lines/s, child JVM args %s%n", seed, seed, bound,
                bucket, modKeys, TIMEOUT_MS, kills, rate, extraJvmArgs);

        Path checkpoint = dir.resolve("checkpoint");
        Path out = dir.resolve("out");
        Path logs = Paths.get("target", "chaos-logs", "mapwithstate").toAbsolutePath();
        long testStart = System.nanoTime();
        ChaosDriver driver = null;
        Check check = new Check(out, bound, bucket, modKeys);
        try (ReplayableLineServer server = new ReplayableLineServer(0, dataSeed, bound);
             PositionTaggingProxy proxy = new PositionTaggingProxy(server.host(), server.port())) {
            List<String> args = List.of(proxy.host(), Integer.toString(proxy.port()), checkpoint.toString(),
                    out.toString(), Long.toString(rate), Long.toString(bucket), Long.toString(modKeys));
            driver = new ChaosDriver("MapWithStateChaosTest", seed, rnd, bound, MapWithStateChaosApp.class, args,
                    extraJvmArgs, dir, logs, BATCH_MS);
            List<ChaosDriver.Life> lives = driver.run(kills, check);
            driver.stopChild();
            try {
                check.finalHistory();
            } catch (AssertionError e) {
                driver.fail("in the final history: " + e.getMessage());
            }
            long totalMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - testStart);
            System.out.printf("MapWithStateChaosTest: seed %d passed in %,d ms: %d batch times in the final history"
                    + " (%d with data), %d batch runs checked, %d re-runs identical to their first run; %,d"
                    + " emissions, %d timeouts of %d keys (%d keys timed out more than once, after pauses longer"
                    + " than the timeout), across %d kills (SIGKILL)%n", seed, totalMs, check.historyBatches,
                    check.historyDataBatches, check.runsChecked, check.reruns, check.emissions, check.timeouts,
                    check.keys, check.keysTimedOutMoreThanOnce, kills);
            driver.printLives(lives);
        } finally {
            if (driver != null) {
                driver.killChildIfAlive();
            }
        }
    }

    /**
     * The emissions of one batch, in a canonical form: per key, its records' positions and counts
     * (each sorted: which record of a key gets which count within a batch is the engine's
     * choice), and its timeout counts.
     */
    record Output(TreeMap<String, List<Long>> positions, TreeMap<String, List<Long>> counts,
                  TreeMap<String, List<Long>> timeouts) {
        static Output parse(List<String> lines) {
            TreeMap<String, List<Long>> positions = new TreeMap<>();
            TreeMap<String, List<Long>> counts = new TreeMap<>();
            TreeMap<String, List<Long>> timeouts = new TreeMap<>();
            for (String l : lines) {
                String[] f = l.split(":");
                if (f.length != 3) {
                    throw new AssertionError("malformed emission [" + l + "]");
                }
                long n = Long.parseLong(f[2]);
                if (f[1].equals(MapWithStateChaosApp.TIMEOUT_MARK)) {
                    timeouts.computeIfAbsent(f[0], k -> new ArrayList<>()).add(n);
                } else {
                    positions.computeIfAbsent(f[0], k -> new ArrayList<>()).add(Long.parseLong(f[1]));
                    counts.computeIfAbsent(f[0], k -> new ArrayList<>()).add(n);
                }
            }
            positions.values().forEach(v -> v.sort(null));
            counts.values().forEach(v -> v.sort(null));
            timeouts.values().forEach(v -> v.sort(null));
            return new Output(positions, counts, timeouts);
        }

        int size() {
            int n = 0;
            for (List<Long> v : positions.values()) {
                n += v.size();
            }
            for (List<Long> v : timeouts.values()) {
                n += v.size();
            }
            return n;
        }
    }

    /** The checks, after every batch and over the final history. */
    static final class Check implements ChaosDriver.Checker {
        private final Path out;
        private final long bound;
        private final long bucket;
        private final long modKeys;
        private final Map<Long, Output> seen = new HashMap<>();
        private final Map<Long, Integer> seenLife = new HashMap<>();
        private long linesSeen;
        private long lastDataBatch = -1;
        private long latestBatch = Long.MIN_VALUE;
        /** The batch the final-history replay is at, for failure messages. */
        private long currentBatch = Long.MIN_VALUE;
        int runsChecked;
        int reruns;
        int historyBatches;
        int historyDataBatches;
        long emissions;
        long timeouts;
        int keys;
        int keysTimedOutMoreThanOnce;

        Check(Path out, long bound, long bucket, long modKeys) {
            this.out = out;
            this.bound = bound;
            this.bucket = bucket;
            this.modKeys = modKeys;
        }

        @Override
        public long linesSeen() {
            return linesSeen;
        }

        /** Every line processed, and batches past the timeout of the keys of the last lines. */
        @Override
        public boolean finished() {
            return linesSeen == bound && lastDataBatch >= 0
                    && latestBatch >= lastDataBatch + TIMEOUT_MS + 2 * BATCH_MS;
        }

        @Override
        public void onBatch(long t, String batchLine, int life) throws IOException {
            Output o = Output.parse(ChaosApps.readBatchFile(out, t));
            runsChecked++;
            if (!batchLine.contains(" records=" + o.size() + " ")) {
                throw new AssertionError("the file of batch " + t + " has " + o.size() + " emissions");
            }
            long[] range = positionsOf(t, o);
            Output before = seen.get(t);
            if (before != null) {
                if (!before.equals(o)) {
                    throw new AssertionError("batch " + t + " re-run in life " + life + " emitted other records"
                            + " than its run in life " + seenLife.get(t) + ": records "
                            + firstDifference(before.positions(), o.positions()) + "; counts "
                            + firstDifference(before.counts(), o.counts()) + "; timeouts "
                            + firstDifference(before.timeouts(), o.timeouts()) + " (first run first)");
                }
                reruns++;
            }
            seen.put(t, o);
            seenLife.put(t, life);
            latestBatch = Math.max(latestBatch, t);
            if (range != null) {
                linesSeen = Math.max(linesSeen, range[1] + 1);
                if (range[1] == bound - 1) {
                    lastDataBatch = t;
                }
            }
        }

        /**
         * Checks that the batch's records name a contiguous range of positions, each once per key
         * family and under the right keys; returns {first, last}, or null for a batch without data.
         */
        private long[] positionsOf(long t, Output o) {
            TreeSet<Long> b = new TreeSet<>();
            TreeSet<Long> m = new TreeSet<>();
            int bRecords = 0;
            int mRecords = 0;
            for (Map.Entry<String, List<Long>> e : o.positions().entrySet()) {
                String key = e.getKey();
                for (long p : e.getValue()) {
                    if (!key.equals(keyOf(key.charAt(0), p))) {
                        throw new AssertionError("batch " + t + ": position " + p + " emitted under key " + key);
                    }
                    if (key.charAt(0) == 'b') {
                        b.add(p);
                        bRecords++;
                    } else {
                        m.add(p);
                        mRecords++;
                    }
                }
            }
            if (b.size() != bRecords || m.size() != mRecords) {
                throw new AssertionError("batch " + t + " emitted a position twice for the same key family");
            }
            if (!b.equals(m)) {
                throw new AssertionError("batch " + t + ": the positions of the b keys and of the m keys differ");
            }
            if (b.isEmpty()) {
                return null;
            }
            long first = b.first();
            long last = b.last();
            if (last - first + 1 != b.size()) {
                throw new AssertionError("batch " + t + " processed " + b.size() + " lines between positions "
                        + first + " and " + last + ": not a contiguous range of the source");
            }
            if (last >= bound) {
                throw new AssertionError("batch " + t + " processed position " + last + " but the source has "
                        + bound + " lines");
            }
            return new long[] {first, last};
        }

        private String keyOf(char family, long p) {
            return family == 'b' ? "b" + p / bucket : "m" + p % modKeys;
        }

        /** The oracle: how many records key {@code key} gets from the whole source. */
        private long oracleCount(String key) {
            long k = Long.parseLong(key.substring(1));
            if (key.charAt(0) == 'b') {
                return Math.max(0, Math.min(bucket, bound - k * bucket));
            }
            return bound / modKeys + (k < bound % modKeys ? 1 : 0);
        }

        /** The final history against the model. */
        void finalHistory() throws IOException {
            try {
                replayFinalHistory();
            } catch (AssertionError e) {
                Integer life = seenLife.get(currentBatch);
                throw new AssertionError(e.getMessage() + (currentBatch == Long.MIN_VALUE ? "" : life == null
                        ? " [batch " + currentBatch + " was never announced]"
                        : " [batch " + currentBatch + " last announced by life " + life + "]"), e);
            }
        }

        private void replayFinalHistory() throws IOException {
            TreeMap<Long, List<String>> files = ChaosApps.readAllBatchFiles(out);
            if (files.isEmpty()) {
                throw new AssertionError("no batch files");
            }
            historyBatches = files.size();
            long expectedT = files.firstKey();
            long next = 0;
            // The model: key -> {count, time of last data}.
            Map<String, long[]> state = new HashMap<>();
            Map<String, Long> timeoutSum = new TreeMap<>();
            Map<String, Integer> timeoutCount = new TreeMap<>();
            Map<String, Long> lastEmission = new HashMap<>(); // batch of a key's last data or timeout
            Map<String, Boolean> lastWasTimeout = new HashMap<>();
            // Independently of the model: per key, the batch of its latest data and its long pauses
            // (no data in a batch more than the timeout after its last data: it must time out then).
            Map<String, Long> lastData = new HashMap<>();
            Map<String, Integer> pauses = new HashMap<>();
            for (Map.Entry<Long, List<String>> e : files.entrySet()) {
                long t = e.getKey();
                currentBatch = t;
                if (t != expectedT) {
                    throw new AssertionError("no file for batch " + expectedT + " (next file: batch " + t + ")");
                }
                expectedT += BATCH_MS;
                Output o = Output.parse(e.getValue());
                emissions += o.size();
                long[] range = positionsOf(t, o);
                // What the model emits for the batch's records.
                TreeMap<String, List<Long>> expPositions = new TreeMap<>();
                if (range != null) {
                    historyDataBatches++;
                    if (range[0] != next) {
                        throw new AssertionError("batch " + t + " starts at line " + range[0] + " but the batches"
                                + " before it ended at line " + next + (range[0] < next ? ": lines processed twice"
                                : ": lines lost"));
                    }
                    next = range[1] + 1;
                    for (long p = range[0]; p <= range[1]; p++) {
                        expPositions.computeIfAbsent(keyOf('b', p), k -> new ArrayList<>()).add(p);
                        expPositions.computeIfAbsent(keyOf('m', p), k -> new ArrayList<>()).add(p);
                    }
                }
                if (!expPositions.equals(o.positions())) {
                    throw new AssertionError("batch " + t + ": the records' keys differ from the model's");
                }
                TreeMap<String, List<Long>> expCounts = new TreeMap<>();
                for (Map.Entry<String, List<Long>> k : expPositions.entrySet()) {
                    long[] s = state.get(k.getKey());
                    long from = s == null ? 0 : s[0];
                    Long previous = lastData.put(k.getKey(), t);
                    if (previous != null && t - BATCH_MS - previous > TIMEOUT_MS) {
                        pauses.merge(k.getKey(), 1, Integer::sum);
                    }
                    List<Long> c = new ArrayList<>();
                    for (int i = 1; i <= k.getValue().size(); i++) {
                        c.add(from + i);
                    }
                    expCounts.put(k.getKey(), c);
                    state.put(k.getKey(), new long[] {from + k.getValue().size(), t});
                    lastEmission.put(k.getKey(), t);
                    lastWasTimeout.put(k.getKey(), false);
                }
                if (!expCounts.equals(o.counts())) {
                    throw new AssertionError("batch " + t + ": the counts emitted differ from the model's: "
                            + firstDifference(expCounts, o.counts()));
                }
                // What the model emits for the keys that time out.
                TreeMap<String, List<Long>> expTimeouts = new TreeMap<>();
                for (var it = state.entrySet().iterator(); it.hasNext(); ) {
                    Map.Entry<String, long[]> s = it.next();
                    if (!expPositions.containsKey(s.getKey()) && s.getValue()[1] < t - TIMEOUT_MS) {
                        expTimeouts.put(s.getKey(), new ArrayList<>(List.of(s.getValue()[0])));
                        timeoutSum.merge(s.getKey(), s.getValue()[0], Long::sum);
                        timeoutCount.merge(s.getKey(), 1, Integer::sum);
                        lastEmission.put(s.getKey(), t);
                        lastWasTimeout.put(s.getKey(), true);
                        it.remove();
                    }
                }
                if (!expTimeouts.equals(o.timeouts())) {
                    throw new AssertionError("batch " + t + ": the timeouts emitted differ from the model's: "
                            + firstDifference(expTimeouts, o.timeouts()) + " (emitted " + o.timeouts() + ")");
                }
                timeouts += o.timeouts().values().stream().mapToInt(List::size).sum();
            }
            currentBatch = Long.MIN_VALUE;
            if (next != bound) {
                throw new AssertionError("the batches processed lines [0, " + next + ") of [0, " + bound + ")");
            }
            if (!state.isEmpty()) {
                throw new AssertionError(state.size() + " keys never timed out, e.g. "
                        + state.keySet().iterator().next() + " (the last batch is " + files.lastKey() + ")");
            }
            // Every key of the source: its timeouts add up to its count; one timeout if it never paused.
            Set<String> all = new TreeSet<>();
            for (long p = 0; p < bound; p++) {
                all.add(keyOf('b', p));
                all.add(keyOf('m', p));
            }
            keys = all.size();
            if (!all.equals(timeoutSum.keySet())) {
                throw new AssertionError("the keys that timed out differ from the keys of the source");
            }
            for (String k : all) {
                if (timeoutSum.get(k) != oracleCount(k)) {
                    throw new AssertionError("key " + k + " timed out " + timeoutCount.get(k) + " times with counts"
                            + " adding up to " + timeoutSum.get(k) + ", but the source has " + oracleCount(k)
                            + " records of it");
                }
                if (!lastWasTimeout.get(k)) {
                    throw new AssertionError("the last emission of key " + k + " (batch " + lastEmission.get(k)
                            + ") is not a timeout");
                }
                int expectedTimeouts = 1 + pauses.getOrDefault(k, 0);
                if (timeoutCount.get(k) != expectedTimeouts) {
                    throw new AssertionError("key " + k + " paused " + pauses.getOrDefault(k, 0) + " times for longer"
                            + " than the timeout, so it must time out " + expectedTimeouts + " times, but it timed"
                            + " out " + timeoutCount.get(k) + " times");
                }
                if (expectedTimeouts == 1 && timeoutSum.get(k) != oracleCount(k)) {
                    throw new AssertionError("key " + k + " timed out once with count " + timeoutSum.get(k)
                            + ", but the source has " + oracleCount(k) + " records of it");
                }
                if (timeoutCount.get(k) > 1) {
                    keysTimedOutMoreThanOnce++;
                }
            }
        }
    }

    static String firstDifference(Map<String, List<Long>> expected, Map<String, List<Long>> actual) {
        for (Map.Entry<String, List<Long>> e : expected.entrySet()) {
            List<Long> a = actual.get(e.getKey());
            if (!e.getValue().equals(a)) {
                return "key " + e.getKey() + ": expected " + abbreviate(e.getValue()) + ", got " + abbreviate(a);
            }
        }
        for (String k : actual.keySet()) {
            if (!expected.containsKey(k)) {
                return "unexpected key " + k + " = " + abbreviate(actual.get(k));
            }
        }
        return "none";
    }

    private static String abbreviate(List<Long> v) {
        if (v == null || v.size() <= 8) {
            return String.valueOf(v);
        }
        return v.subList(0, 4) + "..." + v.subList(v.size() - 2, v.size()) + " (" + v.size() + " values)";
    }
}
