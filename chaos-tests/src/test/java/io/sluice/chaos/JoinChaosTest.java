package io.sluice.chaos;

import static io.sluice.chaos.ChaosDriver.Ending.FINAL;
import static io.sluice.chaos.ChaosDriver.Ending.SIGKILL;

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
 * {@link JoinChaosApp}, a join of two streams from two replayable sources committed with
 * {@code saveAsTextFiles}, halted at {@code output.beforeCommit} (its batch directory written,
 * not renamed), killed with SIGKILL, stopped with SIGTERM on the graceful path, and checked by
 * {@link JoinCheck} after every batch; after every life every visible output directory must be
 * complete, and after a SIGTERM life whose graceful stop ended, the next receivers of both
 * sources must resume exactly after the lines its last batch had counted.
 *
 * <p>Knobs: {@code chaos.seed}, {@code chaos.lines} (per source, default 15000),
 * {@code chaos.rate} (5000), {@code chaos.bucket} (500), {@code chaos.childJvmArgs}. Child logs:
 * {@code target/chaos-logs/join}.
 */
class JoinChaosTest {
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aJoinOfTwoStreamsStaysExactAcrossFaults(@TempDir Path dir) throws Exception {
        String seedProperty = System.getProperty("chaos.seed", "").trim();
        long seed = seedProperty.isEmpty() ? new SecureRandom().nextLong() : Long.parseLong(seedProperty);
        Random rnd = new Random(seed);
        int bound = Integer.getInteger("chaos.lines", 15_000);
        System.out.printf("JoinChaosTest: seed %d (reproduce with -Dchaos.seed=%d), %,d lines per source%n", seed,
                seed, bound);
        List<ChaosDriver.Plan> plans = new ArrayList<>();
        plans.add(FaultPointChaosTest.armed(FaultPoints.OUTPUT_BEFORE_COMMIT, 6, rnd));
        plans.add(ChaosDriver.Plan.of(SIGKILL, "sigkill"));
        plans.add(FaultPointChaosTest.graceful());
        plans.add(ChaosDriver.Plan.of(FINAL, "to the end"));
        long start = System.nanoTime();
        Result r = run(seed, rnd, bound, plans, ChildJvm.extraJvmArgsFromSystemProperty(), dir,
                Paths.get("target", "chaos-logs", "join").toAbsolutePath());
        System.out.printf("JoinChaosTest: seed %d passed in %,d ms: %d batch outputs checked, %d committed directories"
                + " complete%n", seed, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), r.checks(),
                r.committed());
        ChaosDriver.printOutcomes(r.outcomes());
    }

    private static void expectResume(String source, String request, long counted) {
        if (!request.equals("FROM " + counted)) {
            throw new AssertionError("the life stopped with SIGTERM had counted " + counted + " lines of source "
                    + source + " when its graceful stop ended, but the next life's receiver resumed with [" + request
                    + "]: the graceful stop did not process everything stored");
        }
    }

    /** What a run did. */
    record Result(List<ChaosDriver.Outcome> outcomes, long checks, int committed) {
    }

    /** One planned run of the join pipeline (also used by the soak). */
    static Result run(long seed, Random rnd, int bound, List<ChaosDriver.Plan> plans, List<String> extraJvmArgs,
                      Path dir, Path logs) throws Exception {
        long bucket = Long.getLong("chaos.bucket", 500);
        long rate = Long.getLong("chaos.rate", 5_000);
        Path out = dir.resolve("out");
        JoinCheck check = new JoinCheck(out, bound, bucket);
        ChaosDriver driver = null;
        try (ReplayableLineServer a = new ReplayableLineServer(0, rnd.nextLong(), bound);
             ReplayableLineServer b = new ReplayableLineServer(0, rnd.nextLong(), bound);
             PositionTaggingProxy pa = new PositionTaggingProxy(a.host(), a.port());
             PositionTaggingProxy pb = new PositionTaggingProxy(b.host(), b.port())) {
            List<String> args = List.of(pa.host(), Integer.toString(pa.port()), pb.host(), Integer.toString(pb.port()),
                    dir.resolve("checkpoint").toString(), out.toString(), Long.toString(rate), Long.toString(bucket));
            driver = new ChaosDriver("JoinChaosTest", seed, rnd, 2L * bound, JoinChaosApp.class, args, extraJvmArgs,
                    dir, logs, JoinChaosApp.BATCH.toMillis());
            int[] committed = {0};
            List<ChaosDriver.Outcome> outcomes = driver.runPlan(plans, check, new ChaosDriver.Hooks() {
                // After a SIGTERM life whose graceful stop ended: the lines of A and B its last
                // batch had counted, and the requests each source had seen by then.
                long termA = -1;
                long termB = -1;
                int requestsA;
                int requestsB;

                @Override
                public boolean mayEnd() {
                    return termA < 0 || (pa.requestCount() > requestsA && pb.requestCount() > requestsB);
                }

                @Override
                public void afterLife(ChaosDriver.Outcome o, String output) throws Exception {
                    committed[0] = check.checkCommitted();
                    // Everything both receivers stored before the SIGTERM was processed: the next
                    // receivers resume exactly after the lines the last batch had counted.
                    if (termA >= 0 && pa.requestCount() > requestsA) {
                        expectResume("A", pa.request(requestsA), termA);
                        termA = -1;
                    }
                    if (termB >= 0 && pb.requestCount() > requestsB) {
                        expectResume("B", pb.request(requestsB), termB);
                        termB = -1;
                    }
                    if (o.graceful() == ChaosDriver.Graceful.COMPLETE) {
                        termA = check.lastA();
                        termB = check.lastB();
                        requestsA = pa.requestCount();
                        requestsB = pb.requestCount();
                    }
                }
            });
            return new Result(outcomes, check.checks(), committed[0]);
        } finally {
            if (driver != null) {
                driver.killChildIfAlive();
            }
        }
    }
}
