package io.sluice.chaos;

import static io.sluice.chaos.ChaosDriver.Ending.FAULT_HALT;
import static io.sluice.chaos.ChaosDriver.Ending.FINAL;
import static io.sluice.chaos.ChaosDriver.Ending.SIGTERM;

import io.sluice.internal.storage.fault.FaultPoints;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Halts {@link WordCountChaosApp} at every fault point of the engine in turn (one point per
 * life, at a seeded random hit), restarts it without the fault each time, then stops it with
 * SIGTERM on the graceful path, and checks exactly-once with {@link WordCountCheck} after every
 * batch of every life: the state is always the exact count of a prefix of the source, and in
 * the end of all of it. The points and what halting there leaves behind:
 * <ul>
 *   <li>{@code wal.midAppend}: a torn record at the tail of a write-ahead log (receiver or
 *       tracker log);</li>
 *   <li>{@code receiver.beforeAck}: a durable block whose {@code store} never returned;</li>
 *   <li>{@code tracker.before/afterAllocationLog}: a batch allocated in memory only, or logged
 *       with no job run;</li>
 *   <li>{@code checkpoint.midWrite} / {@code checkpoint.beforeRename}: a half-written or
 *       complete but unrenamed temporary checkpoint file;</li>
 *   <li>{@code state.uploadBetweenFiles}: a state snapshot uploaded in part.</li>
 * </ul>
 * {@code output.beforeCommit} needs a file output: {@link JoinChaosTest} arms it. After the
 * SIGTERM life, the next life's receiver must resume exactly after the lines the terminated
 * life had counted (everything stored was processed before exit).
 *
 * <p>Knobs: {@code chaos.seed}, {@code chaos.lines} (default 40000), {@code chaos.rate} (5000),
 * {@code chaos.childJvmArgs}, {@code chaos.points} (a comma-separated subset of the points, and
 * {@code graceful} for the SIGTERM life). Child logs: {@code target/chaos-logs/faultpoints}.
 */
class FaultPointChaosTest {
    /** The points this pipeline reaches, with the upper bound of the random hit that fires. */
    static final List<Object[]> POINTS = List.of(
            new Object[] {FaultPoints.RECEIVER_BEFORE_ACK, 20},
            new Object[] {FaultPoints.WAL_MID_APPEND, 40},
            new Object[] {FaultPoints.TRACKER_BEFORE_ALLOCATION_LOG, 8},
            new Object[] {FaultPoints.TRACKER_AFTER_ALLOCATION_LOG, 8},
            new Object[] {FaultPoints.CHECKPOINT_MID_WRITE, 3},
            new Object[] {FaultPoints.CHECKPOINT_BEFORE_RENAME, 8},
            new Object[] {FaultPoints.STATE_UPLOAD_BETWEEN_FILES, 8});

    /** A life armed with {@code point} at a random hit in [1, maxHit]. */
    static ChaosDriver.Plan armed(String point, int maxHit, Random rnd) {
        return armed(point, 1, maxHit, rnd);
    }

    /** A life armed with {@code point} at a random hit in [minHit, maxHit]. */
    static ChaosDriver.Plan armed(String point, int minHit, int maxHit, Random rnd) {
        int hit = minHit + rnd.nextInt(maxHit - minHit + 1);
        return ChaosDriver.Plan.of(FAULT_HALT, point + "@" + hit, "-D" + FaultPoints.POINT_PROPERTY + "=" + point,
                "-D" + FaultPoints.HIT_COUNT_PROPERTY + "=" + hit);
    }

    /**
     * A life stopped with SIGTERM on the graceful path, given 30 s (not the default 10) to process
     * what it received and what it queued: a life signalled while it re-runs a long backlog on a
     * loaded machine is then still held to the promise, rather than excused by the time bound.
     */
    static ChaosDriver.Plan graceful() {
        return ChaosDriver.Plan.of(SIGTERM, "graceful", "-Dsluice.streaming.stopGracefullyOnShutdown=true",
                "-Dsluice.streaming.gracefulStopTimeout=30s");
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void haltingAtEveryFaultPointLosesNothingAndCountsNothingTwice(@TempDir Path dir) throws Exception {
        String seedProperty = System.getProperty("chaos.seed", "").trim();
        long seed = seedProperty.isEmpty() ? new SecureRandom().nextLong() : Long.parseLong(seedProperty);
        Random rnd = new Random(seed);
        int bound = Integer.getInteger("chaos.lines", 40_000);
        long rate = Long.getLong("chaos.rate", 5_000);
        System.out.printf("FaultPointChaosTest: seed %d (reproduce with -Dchaos.seed=%d), %,d lines, %,d lines/s%n",
                seed, seed, bound, rate);
        // -Dchaos.points=a,b arms only those points (and skips the SIGTERM life unless listed as "graceful").
        String only = System.getProperty("chaos.points", "").trim();
        List<String> chosen = only.isEmpty() ? null : List.of(only.split(","));
        List<ChaosDriver.Plan> plans = new ArrayList<>();
        for (Object[] p : POINTS) {
            if (chosen == null || chosen.contains((String) p[0])) {
                plans.add(armed((String) p[0], (Integer) p[1], rnd));
            }
        }
        if (chosen == null || chosen.contains("graceful")) {
            plans.add(graceful());
        }
        plans.add(ChaosDriver.Plan.of(FINAL, "to the end"));
        long start = System.nanoTime();
        WordCountScenario.Result r = WordCountScenario.run("FaultPointChaosTest", seed, rnd, bound, rate, plans,
                false, Set.of(), ChildJvm.extraJvmArgsFromSystemProperty(), dir,
                Paths.get("target", "chaos-logs", "faultpoints").toAbsolutePath());
        System.out.printf("FaultPointChaosTest: seed %d passed in %,d ms: %d halts at fault points and SIGTERMs, %d batch"
                + " states checked, %,d lines counted once%n", seed,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), plans.size() - 1, r.checks(), r.lines());
        ChaosDriver.printOutcomes(r.outcomes());
    }
}
