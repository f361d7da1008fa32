package io.sluice.chaos;

import io.sluice.examples.ReplayableLineServer;
import io.sluice.examples.WordCountOracle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a stateful word count with SIGKILL at random moments and checks that, in the end, every
 * line of the source was counted exactly once.
 *
 * <p>The test JVM runs a bounded {@link ReplayableLineServer}; a child JVM runs
 * {@link WordCountChaosApp} on it. The child is killed several times (kill -9: no shutdown hook
 * runs), each time at a moment drawn from a seeded {@link Random} (see {@link KillMode}): 0-400 ms
 * after a batch completed, just after a batch time (while the batch is being allocated, run or
 * checkpointed), while it re-runs the batches of its previous life, or while it is still
 * starting. Each time it is started again and recovers with {@code getOrCreate}. The last run
 * goes on until all lines are counted.
 *
 * <p>Checks: after every batch, the state the child wrote is exactly the word counts of lines
 * {@code [0, n)} where n is its line count (nothing lost, nothing counted twice, at every
 * moment); at the end n is the number of lines and the counts equal the oracle's.
 *
 * <p>Knobs (system properties): {@code chaos.seed} (reproduce a run: the seed is printed first),
 * {@code chaos.lines} (default 40000), {@code chaos.kills} (default 6), {@code chaos.rate} (lines
 * per second the receiver reads, default 5000), {@code chaos.childJvmArgs} (extra JVM arguments
 * for the child, e.g. {@code -Dsluice.streaming.receiver.writeAheadLog.enable=false}). Child
 * logs go to {@code target/chaos-logs}.
 */
class WordCountChaosTest {
    private static final long FIRST_BATCH_TIMEOUT_MS = 60_000;
    private static final long STALL_TIMEOUT_MS = 45_000;

    /** When a kill hits: chosen per life, cycling through all four from a random offset. */
    private enum KillMode {
        /** 0-400 ms after the n-th batch that brought new lines: between or during batches. */
        AFTER_BATCH,
        /** 0-120 ms after a batch time, after n batches with new lines: while allocating, running, checkpointing. */
        AT_BATCH_BOUNDARY,
        /** 0-400 ms after the first batch of a life: while re-running logged and down-time batches. */
        DURING_RECOVERY,
        /** 200-2500 ms after the JVM started: while starting, restoring state or replaying logs. */
        DURING_STARTUP
    }

    private record Life(int index, KillMode mode, long firstBatchMs, int batches, long lastLines, long killedAtMs) {
    }

    private long seed;
    private ChildJvm child;
    /** The most lines any state has shown so far, over all lives. */
    private long highWater;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void killedAtRandomMomentsCountsEveryLineExactlyOnce(@TempDir Path dir) throws Exception {
        String seedProperty = System.getProperty("chaos.seed", "").trim();
        seed = seedProperty.isEmpty() ? new SecureRandom().nextLong() : Long.parseLong(seedProperty);
        Random rnd = new Random(seed);
        long dataSeed = rnd.nextLong();
        int bound = Integer.getInteger("chaos.lines", 40_000);
        int kills = Integer.getInteger("chaos.kills", 6);
        long rate = Long.getLong("chaos.rate", 5_000);
        List<String> extraJvmArgs = ChildJvm.extraJvmArgsFromSystemProperty();
        System.out.printf("WordCountChaosTest: seed %d (reproduce with -Dchaos.seed=%d), %,d lines, %d kills,"
                + " %,d lines/s, child JVM args %s%n", seed, seed, bound, kills, rate, extraJvmArgs);

        Path checkpoint = dir.resolve("checkpoint");
        Path out = dir.resolve("out");
        Path logs = Paths.get("target", "chaos-logs").toAbsolutePath();
        Files.createDirectories(logs);
        WordCountOracle oracle = new WordCountOracle(dataSeed);
        List<Life> lives = new ArrayList<>();
        int modeOffset = rnd.nextInt(KillMode.values().length);
        long testStart = System.nanoTime();

        try (ReplayableLineServer server = new ReplayableLineServer(0, dataSeed, bound)) {
            List<String> args = List.of(server.host(), Integer.toString(server.port()), checkpoint.toString(),
                    out.toString(), Long.toString(rate));
            for (int life = 0; life <= kills; life++) {
                boolean last = life == kills;
                // The first run is killed after it has counted something; then every mode in turn.
                KillMode mode = last ? null : life == 0 ? KillMode.AFTER_BATCH
                        : KillMode.values()[(life + modeOffset) % KillMode.values().length];
                child = ChildJvm.start(args, extraJvmArgs, dir, logs.resolve("life-" + life + ".log"));
                long[] firstBatch = {-1};
                int[] batches = {0};
                long[] lines = {-1};

                if (last) {
                    long lastProgress = System.currentTimeMillis();
                    long lastLines = -1;
                    while (lines[0] != bound) {
                        String b = child.nextBatch(1_000);
                        if (b != null) {
                            onBatch(b, child, firstBatch, batches, lines, out, oracle, bound);
                        } else if (child.diedOnItsOwn()) {
                            fail("the child JVM exited on its own");
                        }
                        if (lines[0] != lastLines) {
                            lastLines = lines[0];
                            lastProgress = System.currentTimeMillis();
                        } else if (System.currentTimeMillis() - lastProgress > STALL_TIMEOUT_MS) {
                            fail("no progress for " + STALL_TIMEOUT_MS / 1000 + " s at " + lines[0] + " of " + bound
                                    + " lines (lost data is never served again)");
                        }
                    }
                    lives.add(new Life(life, null, firstBatch[0], batches[0], lines[0], -1));
                    break;
                }

                switch (mode) {
                    case AFTER_BATCH -> {
                        awaitProgressBatches(1 + rnd.nextInt(6), firstBatch, batches, lines, out, oracle, bound);
                        sleepConsuming(rnd.nextInt(401), firstBatch, batches, lines, out, oracle, bound);
                    }
                    case AT_BATCH_BOUNDARY -> {
                        awaitProgressBatches(1 + rnd.nextInt(4), firstBatch, batches, lines, out, oracle, bound);
                        long batchMs = WordCountChaosApp.BATCH.toMillis();
                        long now = System.currentTimeMillis();
                        long target = (now / batchMs + 1) * batchMs + rnd.nextInt(120);
                        sleepConsuming(target - now, firstBatch, batches, lines, out, oracle, bound);
                    }
                    case DURING_RECOVERY -> {
                        awaitBatches(1, firstBatch, batches, lines, out, oracle, bound);
                        sleepConsuming(rnd.nextInt(401), firstBatch, batches, lines, out, oracle, bound);
                    }
                    case DURING_STARTUP -> sleepConsuming(200 + rnd.nextInt(2_300), firstBatch, batches, lines, out,
                            oracle, bound);
                }
                long killedAt = child.uptimeMs();
                if (child.diedOnItsOwn()) {
                    fail("the child JVM exited on its own");
                }
                child.kill();
                // BATCH lines printed just before the kill: their states were written; check them.
                String b;
                while ((b = child.nextBatch(0)) != null) {
                    onBatch(b, child, firstBatch, batches, lines, out, oracle, bound);
                }
                lives.add(new Life(life, mode, firstBatch[0], batches[0], lines[0], killedAt));
                System.out.printf("  life %d: killed (%s) %,d ms after start; first batch after %s; %d batches;"
                        + " lines %,d%n", life, mode, killedAt, firstBatch[0] < 0 ? "-" : firstBatch[0] + " ms",
                        batches[0], lines[0]);
            }

            Map<String, Long> state = WordCountChaosApp.readState(out.resolve(WordCountChaosApp.STATE_FILE));
            Map<String, Long> expected = new TreeMap<>(ReplayableLineServer.expectedCounts(dataSeed, 0, bound));
            expected.put(WordCountOracle.LINES_KEY, (long) bound);
            if (!expected.equals(state)) {
                fail("the final state differs from the oracle: " + firstDifference(expected, state));
            }
            child.stop();
        } finally {
            if (child != null && child.isAlive()) {
                child.kill();
            }
        }

        long totalMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - testStart);
        System.out.printf("WordCountChaosTest: seed %d passed in %,d ms: %,d lines counted exactly once across %d"
                + " kills (SIGKILL)%n", seed, totalMs, bound, kills);
        System.out.println("  restart -> first completed batch (ms, from process start):");
        for (Life l : lives) {
            String first = l.firstBatchMs() < 0 ? "-" : Long.toString(l.firstBatchMs());
            String killed = l.killedAtMs() < 0 ? "" : "killed at " + l.killedAtMs() + " ms";
            System.out.printf("    life %d  %-18s first batch %6s ms  batches %3d  lines %,7d  %s%n", l.index(),
                    l.mode() == null ? "final run" : l.mode(), first, l.batches(), l.lastLines(), killed);
        }
    }

    private void awaitBatches(int n, long[] firstBatch, int[] batches, long[] lines, Path out,
                              WordCountOracle oracle, int bound) throws Exception {
        int target = batches[0] + n;
        long deadline = System.currentTimeMillis() + FIRST_BATCH_TIMEOUT_MS;
        while (batches[0] < target) {
            String b = child.nextBatch(Math.max(1, deadline - System.currentTimeMillis()));
            if (b == null) {
                fail(child.diedOnItsOwn() ? "the child JVM exited on its own"
                        : "no batch completed within " + FIRST_BATCH_TIMEOUT_MS / 1000 + " s");
            }
            onBatch(b, child, firstBatch, batches, lines, out, oracle, bound);
        }
    }

    /**
     * Waits for {@code n} batches that counted lines no earlier batch had counted (not re-runs of
     * batches from before a kill), or any batches once all lines are counted.
     */
    private void awaitProgressBatches(int n, long[] firstBatch, int[] batches, long[] lines, Path out,
                                      WordCountOracle oracle, int bound) throws Exception {
        int progressed = 0;
        long deadline = System.currentTimeMillis() + FIRST_BATCH_TIMEOUT_MS;
        while (progressed < n) {
            long before = highWater;
            String b = child.nextBatch(Math.max(1, deadline - System.currentTimeMillis()));
            if (b == null) {
                fail(child.diedOnItsOwn() ? "the child JVM exited on its own"
                        : "no batch with new lines within " + FIRST_BATCH_TIMEOUT_MS / 1000 + " s");
            }
            onBatch(b, child, firstBatch, batches, lines, out, oracle, bound);
            if (lines[0] > before || lines[0] == bound) {
                progressed++;
            }
        }
    }

    private void sleepConsuming(long ms, long[] firstBatch, int[] batches, long[] lines, Path out,
                                WordCountOracle oracle, int bound) throws Exception {
        long deadline = System.currentTimeMillis() + ms;
        long left;
        while ((left = deadline - System.currentTimeMillis()) > 0) {
            String b = child.nextBatch(left);
            if (b != null) {
                onBatch(b, child, firstBatch, batches, lines, out, oracle, bound);
            } else if (child.diedOnItsOwn()) {
                fail("the child JVM exited on its own");
            }
        }
    }

    /** Checks the state written for a completed batch (or a later one: each file is whole). */
    private void onBatch(String batchLine, ChildJvm c, long[] firstBatch, int[] batches, long[] lines, Path out,
                         WordCountOracle oracle, int bound) throws IOException {
        if (firstBatch[0] < 0) {
            firstBatch[0] = c.uptimeMs();
        }
        batches[0]++;
        Map<String, Long> state;
        try {
            state = WordCountChaosApp.readState(out.resolve(WordCountChaosApp.STATE_FILE));
        } catch (NoSuchFileException e) {
            fail("the child printed [" + batchLine + "] but wrote no state file");
            return;
        }
        WordCountOracle.Check check = oracle.check(state);
        lines[0] = check.lines();
        highWater = Math.max(highWater, check.lines());
        if (!check.exact()) {
            fail("after [" + batchLine + "] the state is not the exact count of lines [0, " + check.lines() + "): "
                    + check.mismatch());
        }
        if (check.lines() > bound) {
            fail("after [" + batchLine + "] " + check.lines() + " lines were counted but the source has only " + bound);
        }
    }

    private static String firstDifference(Map<String, Long> expected, Map<String, Long> actual) {
        for (Map.Entry<String, Long> e : expected.entrySet()) {
            Long a = actual.get(e.getKey());
            if (!e.getValue().equals(a)) {
                return "[" + e.getKey() + "] expected " + e.getValue() + ", got " + a;
            }
        }
        for (String k : actual.keySet()) {
            if (!expected.containsKey(k)) {
                return "unexpected key [" + k + "] = " + actual.get(k);
            }
        }
        return "none";
    }

    private void fail(String message) {
        String tail = child == null ? "" : child.tail();
        throw new AssertionError("WordCountChaosTest failed (seed " + seed + ", reproduce with -Dchaos.seed=" + seed
                + "): " + message + "\n--- last lines of the child JVM (pid " + (child == null ? "-" : child.pid())
                + ") ---\n" + tail);
    }
}
