package io.sluice.chaos;

import io.sluice.internal.storage.fault.FaultPoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The kill schedule of the chaos tests, for any chaos application that prints
 * {@code BATCH <timeMs> ...} after each batch: starts the application in a child JVM, kills it
 * with SIGKILL at a moment drawn from a seeded {@link Random} (see {@link KillMode}), starts it
 * again, and so on; the last life runs until the test's {@link Checker} says it is finished.
 * Every {@code BATCH} line is handed to the checker as soon as it is printed (including those
 * printed just before a kill).
 *
 * <p>The schedule is the one of {@link WordCountChaosTest}: the first life is killed after it
 * has made progress, then every mode in turn from a random offset.
 */
final class ChaosDriver {
    static final long FIRST_BATCH_TIMEOUT_MS = 60_000;
    static final long STALL_TIMEOUT_MS = 45_000;

    /** When a kill hits. */
    enum KillMode {
        /** 0-400 ms after the n-th batch that brought new lines: between or during batches. */
        AFTER_BATCH,
        /** 0-120 ms after a batch time, after n batches with new lines: while allocating, running, checkpointing. */
        AT_BATCH_BOUNDARY,
        /** 0-400 ms after the first batch of a life: while re-running logged and down-time batches. */
        DURING_RECOVERY,
        /** 200-2500 ms after the JVM started: while starting, restoring state or replaying logs. */
        DURING_STARTUP
    }

    /** What a test checks and when its last life may end. */
    interface Checker {
        /**
         * Checks the output of the batch the child just announced with {@code batchLine}
         * ({@code BATCH <timeMs> ...}); throws AssertionError on a violation.
         */
        void onBatch(long timeMs, String batchLine, int life) throws Exception;

        /** The most source lines any batch so far had processed (the progress over all lives). */
        long linesSeen();

        /** Whether the last life may end (every line processed, and whatever the test waits for after). */
        boolean finished();
    }

    /** What happened in one life. */
    record Life(int index, KillMode mode, long firstBatchMs, int batches, long linesSeen, long killedAtMs) {
    }

    private final String name;
    private final long seed;
    private final Random rnd;
    private final long bound;
    private final Class<?> app;
    private final List<String> args;
    private final List<String> extraJvmArgs;
    private final Path workDir;
    private final Path logDir;
    private final long batchMs;
    /** The most batches with new lines a planned SIGKILL life waits for ({@code chaos.maxProgressBatches}). */
    private final int maxProgressBatches = Math.max(1, Integer.getInteger("chaos.maxProgressBatches", 4));
    private ChildJvm child;
    private Checker checker;
    private Hooks hooks;
    private int life;
    private long firstBatch;
    private int batches;

    /**
     * @param bound the number of lines of the source
     * @param logDir where {@code life-<n>.log} of every child goes
     */
    ChaosDriver(String name, long seed, Random rnd, long bound, Class<?> app, List<String> args,
                List<String> extraJvmArgs, Path workDir, Path logDir, long batchMs) {
        this.name = name;
        this.seed = seed;
        this.rnd = rnd;
        this.bound = bound;
        this.app = app;
        this.args = args;
        this.extraJvmArgs = extraJvmArgs;
        this.workDir = workDir;
        this.logDir = logDir;
        this.batchMs = batchMs;
    }

    /** Runs {@code kills} killed lives and a last one that goes on until the checker is finished. */
    List<Life> run(int kills, Checker c) throws Exception {
        this.checker = c;
        Files.createDirectories(logDir);
        List<Life> lives = new ArrayList<>();
        int modeOffset = rnd.nextInt(KillMode.values().length);
        for (life = 0; life <= kills; life++) {
            boolean last = life == kills;
            KillMode mode = last ? null : life == 0 ? KillMode.AFTER_BATCH
                    : KillMode.values()[(life + modeOffset) % KillMode.values().length];
            child = ChildJvm.start(app, args, extraJvmArgs, workDir, logDir.resolve("life-" + life + ".log"));
            firstBatch = -1;
            batches = 0;
            if (last) {
                runToTheEnd();
                lives.add(new Life(life, null, firstBatch, batches, checker.linesSeen(), -1));
                break;
            }
            switch (mode) {
                case AFTER_BATCH -> {
                    awaitProgressBatches(1 + rnd.nextInt(6));
                    sleepConsuming(rnd.nextInt(401));
                }
                case AT_BATCH_BOUNDARY -> {
                    awaitProgressBatches(1 + rnd.nextInt(4));
                    long now = System.currentTimeMillis();
                    long target = (now / batchMs + 1) * batchMs + rnd.nextInt(120);
                    sleepConsuming(target - now);
                }
                case DURING_RECOVERY -> {
                    awaitBatches(1);
                    sleepConsuming(rnd.nextInt(401));
                }
                case DURING_STARTUP -> sleepConsuming(200 + rnd.nextInt(2_300));
            }
            long killedAt = child.uptimeMs();
            if (child.diedOnItsOwn()) {
                fail("the child JVM exited on its own");
            }
            child.kill();
            // BATCH lines printed just before the kill: their files were written; check them.
            String b;
            while ((b = child.nextBatch(0)) != null) {
                onBatch(b);
            }
            lives.add(new Life(life, mode, firstBatch, batches, checker.linesSeen(), killedAt));
            System.out.printf("  life %d: killed (%s) %,d ms after start; first batch after %s; %d batches;"
                    + " lines seen %,d%n", life, mode, killedAt, firstBatch < 0 ? "-" : firstBatch + " ms",
                    batches, checker.linesSeen());
        }
        return lives;
    }

    /** How a planned life ends (see {@link #runPlan}). */
    enum Ending {
        /**
         * SIGKILL 0-400 ms after 1-4 batches with new lines (at most {@code chaos.maxProgressBatches},
         * which the soak lowers to 2 for shorter lives).
         */
        SIGKILL,
        /** The life is started with a fault point armed and must halt there on its own. */
        FAULT_HALT,
        /** The life is started with a storage fault and must stop on its own with a clear error. */
        STOPS_WITH_ERROR,
        /**
         * SIGTERM at a {@link SigtermMoment} drawn from the seeded random (caught up, during
         * recovery, during start-up); the graceful path runs to its end.
         */
        SIGTERM,
        /** The last life: runs until the checker is finished, then stops. */
        FINAL
    }

    /**
     * One planned life.
     *
     * @param label what the life does, for the report (the armed point, the storage fault)
     * @param jvmArgs the child's extra JVM arguments for this life only
     * @param expectedOutput for {@link Ending#STOPS_WITH_ERROR}: text the child's output must
     *                       hold (the clear error); else null
     */
    record Plan(Ending ending, String label, List<String> jvmArgs, String expectedOutput) {
        static Plan of(Ending ending, String label, String... jvmArgs) {
            return new Plan(ending, label, List.of(jvmArgs), null);
        }
    }

    /** When a {@link Ending#SIGTERM} life is signalled (drawn from the seeded random). */
    enum SigtermMoment {
        /** Once the life has caught up with the clock, after 1-3 batches with new lines, 0-300 ms. */
        CAUGHT_UP,
        /** 0-400 ms after the life's first batch: while it re-runs logged and down-time batches. */
        DURING_RECOVERY,
        /** 200-2500 ms after the JVM started: before or during {@code start()}. */
        DURING_STARTUP
    }

    /**
     * How the graceful path of a {@link Ending#SIGTERM} life went, read from the child's log
     * (the engine's INFO and WARN lines, see the module's logback-test.xml).
     */
    enum Graceful {
        /** Not a SIGTERM life. */
        NOT_SIGTERM,
        /**
         * The hook never ran: the signal came before {@code start()} registered it, so nothing
         * was received in this life (it must have completed no batch).
         */
        BEFORE_START,
        /**
         * The hook ran while {@code start()} was still running, and {@code start()} failed because
         * the JVM was exiting (the engine said so: {@link #START_ABORTED}): nothing to stop; what
         * was acknowledged before is re-run from the write-ahead log by the next life.
         */
        START_ABORTED,
        /** The hook ran and the graceful stop ended within its bound: everything stored was processed. */
        COMPLETE,
        /** The engine reported {@link #GRACEFUL_STOP_INCOMPLETE}: its time bound expired. */
        INCOMPLETE
    }

    /**
     * What one planned life did.
     *
     * @param firstBatchMs from process start to its first completed batch (the recovery time
     *                     of a restart), or -1 if it completed none
     * @param endedAtMs    from process start to the kill, halt or exit
     * @param exitStatus   the child's exit status, or null if it was killed with SIGKILL
     * @param moment       for {@link Ending#SIGTERM}: when the signal was sent; else null
     * @param graceful     for {@link Ending#SIGTERM}: how its graceful stop went
     * @param sigkilled    whether the life ended with SIGKILL, planned or not (the last life still
     *                     running 15 s after its SIGTERM; a life armed at {@code receiver.beforeAck}
     *                     once the source is exhausted): such a life counts as a SIGKILL
     */
    record Outcome(int index, Plan plan, long firstBatchMs, int batches, long linesBefore, long linesSeen,
                   long endedAtMs, Integer exitStatus, SigtermMoment moment, Graceful graceful, boolean sigkilled) {
    }

    /**
     * What the engine logs (WARN) when a graceful stop gives up before it processed everything
     * received ({@code StreamingContext}'s stop bound); a SIGTERM life that prints it is not held
     * to "everything stored was processed".
     */
    static final String GRACEFUL_STOP_INCOMPLETE = "Graceful stop incomplete";
    /** What the engine's shutdown hook logs (INFO) when it begins to stop a context gracefully. */
    static final String HOOK_RAN = "JVM shutting down: stopping the context (graceful=true)";
    /**
     * What the engine logs (WARN from start(), INFO from the hook) when a SIGTERM came during
     * start-up and start() failed because the JVM was exiting.
     */
    static final String START_ABORTED = "The JVM began shutting down while the context was starting";
    /** What the engine logs (INFO) at the end of a graceful stop. */
    static final String STOPPED_GRACEFULLY = "StreamingContext stopped gracefully";

    /** Called around every planned life, for checks that need the child gone (or not yet started). */
    interface Hooks {
        /** Before life {@code index} starts (corrupt a file, say). */
        default void beforeLife(int index, Plan plan) throws Exception {
        }

        /**
         * Whether the last life may end once the checker is finished (it also waits for one
         * batch of its own); a hook waiting to see something of the last life says no.
         */
        default boolean mayEnd() {
            return true;
        }

        /** After life {@code outcome.index()} ended; its output files are final. */
        default void afterLife(Outcome outcome, String childOutput) throws Exception {
        }
    }

    /** The exit status of a JVM that ran its shutdown hooks on SIGTERM (128 + 15). */
    static final int SIGTERM_STATUS = 143;

    /** The longest a life armed with a fault may run before it must have halted or stopped. */
    static final long FAULT_TIMEOUT_MS = 90_000;
    /** The longest a SIGTERM life waits to catch up with the clock before it is terminated anyway. */
    static final long CATCH_UP_TIMEOUT_MS = 30_000;

    /**
     * Runs one life per plan, in order; the last plan must be {@link Ending#FINAL}. A
     * {@link Ending#FAULT_HALT} life must end with {@link FaultPoints#HALT_STATUS} and print the
     * fault line; a {@link Ending#STOPS_WITH_ERROR} life must exit with a non-zero status and
     * print {@link Plan#expectedOutput()}.
     */
    List<Outcome> runPlan(List<Plan> plans, Checker c, Hooks hooks) throws Exception {
        this.checker = c;
        this.hooks = hooks;
        Files.createDirectories(logDir);
        List<Outcome> outcomes = new ArrayList<>();
        for (life = 0; life < plans.size(); life++) {
            Plan plan = plans.get(life);
            hooks.beforeLife(life, plan);
            List<String> jvm = new ArrayList<>(extraJvmArgs);
            jvm.addAll(plan.jvmArgs());
            long linesBefore = checker.linesSeen();
            child = ChildJvm.start(app, args, jvm, workDir, logDir.resolve("life-" + life + ".log"));
            firstBatch = -1;
            batches = 0;
            Integer status = null;
            SigtermMoment moment = null;
            boolean sigkilled = false;
            switch (plan.ending()) {
                case FINAL -> {
                    runToTheEnd();
                    sigkilled = stopChild();
                }
                case SIGKILL -> {
                    awaitProgressBatches(1 + rnd.nextInt(maxProgressBatches));
                    sleepConsuming(rnd.nextInt(401));
                    if (child.diedOnItsOwn()) {
                        fail("the child JVM exited on its own");
                    }
                    child.kill();
                    sigkilled = true;
                }
                case SIGTERM -> {
                    moment = SigtermMoment.values()[rnd.nextInt(SigtermMoment.values().length)];
                    switch (moment) {
                        case CAUGHT_UP -> {
                            // A life still catching up on the batches of a long downtime may not
                            // finish them within the graceful stop's bound; this moment waits (at
                            // most CATCH_UP_TIMEOUT_MS: a loaded machine may never catch up).
                            awaitCaughtUp(CATCH_UP_TIMEOUT_MS);
                            awaitProgressBatches(1 + rnd.nextInt(Math.min(3, maxProgressBatches)));
                            sleepConsuming(rnd.nextInt(300));
                        }
                        case DURING_RECOVERY -> {
                            awaitBatches(1);
                            sleepConsuming(rnd.nextInt(401));
                        }
                        case DURING_STARTUP -> sleepConsuming(200 + rnd.nextInt(2_300));
                    }
                    if (child.diedOnItsOwn()) {
                        fail("the child JVM exited on its own");
                    }
                    child.terminate();
                    // Bounded by the graceful stop's own bounds (receivers, allocation, queue).
                    status = awaitExitConsuming(150_000, "after SIGTERM");
                    if (status != SIGTERM_STATUS) {
                        fail("the life stopped with SIGTERM exited with status " + status + ", not "
                                + SIGTERM_STATUS + " (the JVM's exit after its shutdown hooks ran on SIGTERM)");
                    }
                }
                case FAULT_HALT, STOPS_WITH_ERROR -> {
                    // receiver.beforeAck fires only when a receiver stores a block: once every
                    // line of the source is processed, none can come and the halt never will.
                    boolean needsData = plan.ending() == Ending.FAULT_HALT
                            && plan.label().startsWith(FaultPoints.RECEIVER_BEFORE_ACK + "@");
                    status = awaitExitConsuming(FAULT_TIMEOUT_MS, "armed with " + plan.label()
                            + " (the fault was never reached?)", () -> needsData && checker.linesSeen() >= bound);
                    if (status == null) {
                        System.out.printf("  %s life %d: armed with %s, but the source is exhausted: no block can"
                                + " reach the point; ended with SIGKILL instead%n", name, life, plan.label());
                        child.kill();
                        sigkilled = true;
                    }
                }
            }
            long endedAt = child.uptimeMs();
            String b;
            while ((b = child.nextBatch(0)) != null) {
                onBatch(b);
            }
            String output = child.output();
            if (plan.ending() == Ending.FAULT_HALT && !sigkilled) {
                if (status != FaultPoints.HALT_STATUS || !output.contains("FAULT point=")) {
                    fail("life armed with " + plan.label() + " ended with status " + status + ", not halted at the"
                            + " fault point (status " + FaultPoints.HALT_STATUS + ")");
                }
            } else if (plan.ending() == Ending.STOPS_WITH_ERROR) {
                if (status == 0 || !output.contains(plan.expectedOutput())) {
                    fail("life with " + plan.label() + " exited with status " + status + "; expected a non-zero"
                            + " status and the error [" + plan.expectedOutput() + "] in its output");
                }
            }
            Graceful graceful = plan.ending() == Ending.SIGTERM ? graceful(output) : Graceful.NOT_SIGTERM;
            Outcome o = new Outcome(life, plan, firstBatch, batches, linesBefore, checker.linesSeen(), endedAt, status,
                    moment, graceful, sigkilled);
            outcomes.add(o);
            System.out.printf("  %s life %d: %s %s%s, ended %,d ms after start (status %s); first batch after %s;"
                    + " %d batches; lines seen %,d%n", name, life, plan.ending(), plan.label(),
                    moment == null ? "" : " (signal " + moment + ", graceful stop " + graceful + ")",
                    endedAt, status,
                    firstBatch < 0 ? "-" : firstBatch + " ms", batches, checker.linesSeen());
            try {
                hooks.afterLife(o, output);
            } catch (AssertionError e) {
                fail("after life " + life + " (" + plan.ending() + " " + plan.label() + "): " + e.getMessage());
            }
        }
        return outcomes;
    }

    /**
     * How the graceful stop of a SIGTERM life went, from its output; fails if the output
     * contradicts the engine's promise (a batch completed but no hook ran, or the hook ran and
     * the stop neither ended nor said it ran out of time).
     */
    private Graceful graceful(String output) {
        if (!output.contains(HOOK_RAN)) {
            if (batches > 0) {
                fail("the life stopped with SIGTERM completed " + batches + " batches, but its shutdown hook never"
                        + " ran (no [" + HOOK_RAN + "] in its log): the hook must be registered before anything"
                        + " is received");
            }
            return Graceful.BEFORE_START;
        }
        if (output.contains(START_ABORTED)) {
            return Graceful.START_ABORTED;
        }
        if (output.contains(GRACEFUL_STOP_INCOMPLETE)) {
            return Graceful.INCOMPLETE;
        }
        if (!output.contains(STOPPED_GRACEFULLY)) {
            fail("the shutdown hook of the life stopped with SIGTERM began a graceful stop but the log has neither ["
                    + STOPPED_GRACEFULLY + "] nor [" + GRACEFUL_STOP_INCOMPLETE + "]");
        }
        return Graceful.COMPLETE;
    }

    /**
     * Waits up to {@code timeoutMs} for a batch whose time is within two batch durations of now;
     * returns whether one came (a pipeline slower than its batch interval never catches up).
     */
    private boolean awaitCaughtUp(long timeoutMs) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            String b = child.nextBatch(Math.max(1, deadline - System.currentTimeMillis()));
            if (b == null) {
                if (child.diedOnItsOwn()) {
                    fail("the child JVM exited on its own");
                }
                continue;
            }
            onBatch(b);
            if (Long.parseLong(b.split(" ")[1]) >= System.currentTimeMillis() - 2 * batchMs) {
                return true;
            }
        }
        return false;
    }

    /** Consumes batches until the child exits; fails if it has not within {@code timeoutMs}. */
    private Integer awaitExitConsuming(long timeoutMs, String what) throws Exception {
        return awaitExitConsuming(timeoutMs, what, () -> false);
    }

    /**
     * Consumes batches until the child exits and returns its status; returns null as soon as
     * {@code giveUp} says the exit can no longer come, and fails if it has not within
     * {@code timeoutMs}.
     */
    private Integer awaitExitConsuming(long timeoutMs, String what, java.util.function.BooleanSupplier giveUp)
            throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            String b = child.nextBatch(200);
            if (b != null) {
                onBatch(b);
                continue;
            }
            Integer status = child.awaitExit(0);
            if (status != null) {
                return status;
            }
            if (giveUp.getAsBoolean()) {
                return null;
            }
            if (System.currentTimeMillis() > deadline) {
                fail("the child JVM was still running " + timeoutMs / 1000 + " s " + what);
            }
        }
    }

    /** Prints what happened in each planned life. */
    static void printOutcomes(List<Outcome> outcomes) {
        System.out.println("  restart -> first completed batch (ms, from process start):");
        for (Outcome o : outcomes) {
            System.out.printf("    life %d  %-16s %-34s first batch %6s ms  batches %3d  lines %,7d -> %,7d%n",
                    o.index(), o.plan().ending(), o.plan().label(), o.firstBatchMs() < 0 ? "-" : o.firstBatchMs(),
                    o.batches(), o.linesBefore(), o.linesSeen());
        }
    }

    private void runToTheEnd() throws Exception {
        long lastBatchAt = System.currentTimeMillis();
        long lastProgressAt = lastBatchAt;
        long lastLines = checker.linesSeen();
        while (!checker.finished() || (hooks != null && (batches == 0 || !hooks.mayEnd()))) {
            String b = child.nextBatch(1_000);
            long now = System.currentTimeMillis();
            if (b != null) {
                onBatch(b);
                lastBatchAt = now;
            } else if (child.diedOnItsOwn()) {
                fail("the child JVM exited on its own");
            }
            if (checker.linesSeen() != lastLines) {
                lastLines = checker.linesSeen();
                lastProgressAt = now;
            }
            if (now - lastBatchAt > STALL_TIMEOUT_MS) {
                fail("no batch completed for " + STALL_TIMEOUT_MS / 1000 + " s");
            }
            if (lastLines < bound && now - lastProgressAt > STALL_TIMEOUT_MS) {
                fail("no progress for " + STALL_TIMEOUT_MS / 1000 + " s at " + lastLines + " of " + bound
                        + " lines (lost data is never served again)");
            }
        }
    }

    /**
     * Stops the last child (SIGTERM, then SIGKILL after 15 s); its output is final afterwards.
     * Returns whether it had to be killed with SIGKILL.
     */
    boolean stopChild() throws InterruptedException {
        return child != null && child.stop();
    }

    /** Kills the child if it is still alive (for finally blocks). */
    void killChildIfAlive() throws InterruptedException {
        if (child != null && child.isAlive()) {
            child.kill();
        }
    }

    private void onBatch(String line) throws Exception {
        if (firstBatch < 0) {
            firstBatch = child.uptimeMs();
        }
        batches++;
        String[] f = line.split(" ");
        long t;
        try {
            t = Long.parseLong(f[1]);
        } catch (RuntimeException e) {
            fail("malformed batch line [" + line + "]");
            return;
        }
        try {
            checker.onBatch(t, line, life);
        } catch (AssertionError e) {
            throw new AssertionError(decorate("after [" + line + "] in life " + life + ": " + e.getMessage()), e);
        } catch (IOException e) {
            throw new AssertionError(decorate("after [" + line + "] in life " + life + ", cannot read the output: "
                    + e), e);
        }
    }

    private void awaitBatches(int n) throws Exception {
        int target = batches + n;
        long deadline = System.currentTimeMillis() + FIRST_BATCH_TIMEOUT_MS;
        while (batches < target) {
            String b = child.nextBatch(Math.max(1, deadline - System.currentTimeMillis()));
            if (b == null) {
                fail(child.diedOnItsOwn() ? "the child JVM exited on its own"
                        : "no batch completed within " + FIRST_BATCH_TIMEOUT_MS / 1000 + " s");
            }
            onBatch(b);
        }
    }

    /**
     * Waits for {@code n} batches that processed lines no earlier batch had (not re-runs of
     * batches from before a kill), or any batches once all lines are processed.
     */
    private void awaitProgressBatches(int n) throws Exception {
        int progressed = 0;
        long deadline = System.currentTimeMillis() + FIRST_BATCH_TIMEOUT_MS;
        while (progressed < n) {
            long before = checker.linesSeen();
            String b = child.nextBatch(Math.max(1, deadline - System.currentTimeMillis()));
            if (b == null) {
                fail(child.diedOnItsOwn() ? "the child JVM exited on its own"
                        : "no batch with new lines within " + FIRST_BATCH_TIMEOUT_MS / 1000 + " s");
            }
            onBatch(b);
            if (checker.linesSeen() > before || checker.linesSeen() == bound) {
                progressed++;
            }
        }
    }

    private void sleepConsuming(long ms) throws Exception {
        long deadline = System.currentTimeMillis() + ms;
        long left;
        while ((left = deadline - System.currentTimeMillis()) > 0) {
            String b = child.nextBatch(left);
            if (b != null) {
                onBatch(b);
            } else if (child.diedOnItsOwn()) {
                fail("the child JVM exited on its own");
            }
        }
    }

    /** Prints what happened in each life. */
    void printLives(List<Life> lives) {
        System.out.println("  restart -> first completed batch (ms, from process start):");
        for (Life l : lives) {
            String first = l.firstBatchMs() < 0 ? "-" : Long.toString(l.firstBatchMs());
            String killed = l.killedAtMs() < 0 ? "" : "killed at " + l.killedAtMs() + " ms";
            System.out.printf("    life %d  %-18s first batch %6s ms  batches %3d  lines seen %,7d  %s%n", l.index(),
                    l.mode() == null ? "final run" : l.mode(), first, l.batches(), l.linesSeen(), killed);
        }
    }

    /** Fails the test with the seed and the last lines of the child. */
    void fail(String message) {
        throw new AssertionError(decorate(message));
    }

    private String decorate(String message) {
        String tail = child == null ? "" : child.tail();
        return name + " failed (seed " + seed + ", reproduce with -Dchaos.seed=" + seed + "): " + message
                + "\n--- last lines of the child JVM (pid " + (child == null ? "-" : child.pid()) + ", life " + life
                + ") ---\n" + tail;
    }
}
