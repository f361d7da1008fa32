package io.sluice.chaos;

import static io.sluice.chaos.ChaosDriver.Ending.FINAL;
import static io.sluice.chaos.ChaosDriver.Ending.SIGKILL;
import static io.sluice.chaos.ChaosDriver.Ending.STOPS_WITH_ERROR;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link WordCountChaosApp} with its checkpoints on {@code faultfs://} ({@link FaultFileSystem},
 * the local disk through Hadoop's generic create/hsync/rename path), checked by
 * {@link WordCountCheck} after every batch of every life:
 * <ol>
 *   <li>renames fail from a random one on: the context must stop on its own with the clear
 *       error {@code Cannot write the checkpoint};</li>
 *   <li>the disk is full from a random write on: the same, the cause being "No space left on
 *       device";</li>
 *   <li>every sync takes 200 ms: the engine carries on (killed with SIGKILL after progress);</li>
 *   <li>the newest checkpoint file is corrupted before the next life, which must fall back to
 *       the previous one (SIGKILL after progress);</li>
 *   <li>a healthy last life counts the rest.</li>
 * </ol>
 * In every case nothing acknowledged is lost and nothing is counted twice. (A torn WAL tail is
 * made by the {@code wal.midAppend} fault point of {@link FaultPointChaosTest}.)
 *
 * <p>Knobs: {@code chaos.seed}, {@code chaos.lines} (30000), {@code chaos.rate} (5000). Child
 * logs: {@code target/chaos-logs/storagefaults}.
 */
class StorageFaultChaosTest {
    static final String CHECKPOINT_ERROR = "Cannot write the checkpoint";

    /** The storage-fault lives, with random operation numbers from {@code rnd}. */
    static List<ChaosDriver.Plan> plans(Random rnd) {
        int rename = 2 + rnd.nextInt(5);
        int write = 5 + rnd.nextInt(40);
        return List.of(
                new ChaosDriver.Plan(STOPS_WITH_ERROR, "faultfs rename fails from #" + rename,
                        List.of("-Dfaultfs.fault=rename", "-Dfaultfs.from=" + rename), CHECKPOINT_ERROR),
                new ChaosDriver.Plan(STOPS_WITH_ERROR, "faultfs disk full from write #" + write,
                        List.of("-Dfaultfs.fault=diskfull", "-Dfaultfs.from=" + write), "No space left on device"),
                ChaosDriver.Plan.of(SIGKILL, "faultfs syncs take 200 ms", "-Dfaultfs.fault=sync",
                        "-Dfaultfs.action=delay:200"),
                ChaosDriver.Plan.of(SIGKILL, "newest checkpoint corrupted"),
                ChaosDriver.Plan.of(FINAL, "healthy"));
    }

    /** The life before which the newest checkpoint is corrupted. */
    static final int CORRUPT_BEFORE = 3;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void failedCheckpointsAndACorruptNewestOneLoseNothing(@TempDir Path dir) throws Exception {
        String seedProperty = System.getProperty("chaos.seed", "").trim();
        long seed = seedProperty.isEmpty() ? new SecureRandom().nextLong() : Long.parseLong(seedProperty);
        Random rnd = new Random(seed);
        int bound = Integer.getInteger("chaos.lines", 30_000);
        long rate = Long.getLong("chaos.rate", 5_000);
        System.out.printf("StorageFaultChaosTest: seed %d (reproduce with -Dchaos.seed=%d), %,d lines%n", seed, seed,
                bound);
        long start = System.nanoTime();
        WordCountScenario.Result r = WordCountScenario.run("StorageFaultChaosTest", seed, rnd, bound, rate,
                plans(rnd), true, Set.of(CORRUPT_BEFORE), ChildJvm.extraJvmArgsFromSystemProperty(), dir,
                Paths.get("target", "chaos-logs", "storagefaults").toAbsolutePath());
        if (r.corrupted() != 1) {
            throw new AssertionError("seed " + seed + ": no checkpoint existed to corrupt before life "
                    + CORRUPT_BEFORE);
        }
        System.out.printf("StorageFaultChaosTest: seed %d passed in %,d ms: %d batch states checked, %,d lines"
                + " counted once%n", seed, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), r.checks(),
                r.lines());
        ChaosDriver.printOutcomes(r.outcomes());
    }
}
