package io.sluice.chaos;

import static io.sluice.chaos.ChaosDriver.Ending.FINAL;

import io.sluice.examples.ReplayableLineServer;
import io.sluice.internal.storage.fault.FaultPoints;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link WindowedChaosApp} halted at the fault points that decide which blocks a batch gets
 * ({@code tracker.beforeAllocationLog}, {@code tracker.afterAllocationLog}) and at a torn WAL
 * append, checked by {@link WindowedChaosTest.Check}: besides the exact totals, a batch re-run
 * after a restart must write exactly what its first run wrote (deterministic replay, DESIGN.md
 * I3), and the final history must tile the source with windows equal to the sum of their
 * batches. The word count of {@link FaultPointChaosTest} cannot see a batch re-run with other
 * blocks (its totals stay right); this check can.
 *
 * <p>Knobs: {@code chaos.seed}, {@code chaos.lines} (20000), {@code chaos.rate} (5000),
 * {@code chaos.bucket} (500), {@code chaos.points} (a comma-separated subset). Child logs:
 * {@code target/chaos-logs/windowed-faultpoints}.
 */
class WindowedFaultPointChaosTest {
    /**
     * The points with the range of the random hit that fires: late enough that the life has
     * completed batches since its last checkpoint, which the next life re-runs and the check
     * compares (a halt during start-up leaves nothing to compare).
     */
    private static final List<Object[]> POINTS = List.of(
            new Object[] {FaultPoints.TRACKER_AFTER_ALLOCATION_LOG, 8, 30},
            new Object[] {FaultPoints.TRACKER_BEFORE_ALLOCATION_LOG, 8, 30},
            new Object[] {FaultPoints.WAL_MID_APPEND, 20, 60});

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void reRunBatchesGetTheSameBlocksAfterHaltsAroundTheAllocationLog(@TempDir Path dir) throws Exception {
        String seedProperty = System.getProperty("chaos.seed", "").trim();
        long seed = seedProperty.isEmpty() ? new SecureRandom().nextLong() : Long.parseLong(seedProperty);
        Random rnd = new Random(seed);
        int bound = Integer.getInteger("chaos.lines", 20_000);
        long rate = Long.getLong("chaos.rate", 5_000);
        long bucket = Long.getLong("chaos.bucket", 500);
        String only = System.getProperty("chaos.points", "").trim();
        System.out.printf("WindowedFaultPointChaosTest: seed %d (reproduce with -Dchaos.seed=%d), %,d lines%n", seed,
                seed, bound);
        List<ChaosDriver.Plan> plans = new ArrayList<>();
        for (Object[] p : POINTS) {
            if (only.isEmpty() || List.of(only.split(",")).contains((String) p[0])) {
                plans.add(FaultPointChaosTest.armed((String) p[0], (Integer) p[1], (Integer) p[2], rnd));
            }
        }
        plans.add(ChaosDriver.Plan.of(FINAL, "to the end"));
        Path out = dir.resolve("out");
        WindowedChaosTest.Check check = new WindowedChaosTest.Check(out, bound, bucket);
        ChaosDriver driver = null;
        long start = System.nanoTime();
        try (ReplayableLineServer server = new ReplayableLineServer(0, rnd.nextLong(), bound);
             PositionTaggingProxy proxy = new PositionTaggingProxy(server.host(), server.port())) {
            List<String> args = List.of(proxy.host(), Integer.toString(proxy.port()), dir.resolve("checkpoint").toString(),
                    out.toString(), Long.toString(rate), Long.toString(bucket));
            driver = new ChaosDriver("WindowedFaultPointChaosTest", seed, rnd, bound, WindowedChaosApp.class, args,
                    ChildJvm.extraJvmArgsFromSystemProperty(), dir,
                    Paths.get("target", "chaos-logs", "windowed-faultpoints").toAbsolutePath(),
                    WindowedChaosApp.BATCH.toMillis());
            List<ChaosDriver.Outcome> outcomes = driver.runPlan(plans, check, new ChaosDriver.Hooks() { });
            try {
                check.finalHistory();
            } catch (AssertionError e) {
                driver.fail("in the final history: " + e.getMessage());
            }
            System.out.printf("WindowedFaultPointChaosTest: seed %d passed in %,d ms: %d batch runs checked, %d re-runs"
                    + " identical to their first run%n", seed, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
                    check.runsChecked, check.reruns);
            ChaosDriver.printOutcomes(outcomes);
        } finally {
            if (driver != null) {
                driver.killChildIfAlive();
            }
        }
    }
}
