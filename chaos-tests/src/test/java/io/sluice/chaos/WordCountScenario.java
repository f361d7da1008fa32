package io.sluice.chaos;

import io.sluice.examples.ReplayableLineServer;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One planned run of {@link WordCountChaosApp} ({@link ChaosDriver#runPlan}) checked by
 * {@link WordCountCheck}: the unit the fault-point, storage-fault and soak tests are made of.
 * Adding a pipeline to the harness means another class like this one: a source, an app, a
 * checker and the hooks its lives need.
 *
 * <p>Besides the per-batch check, it proves the graceful path: after a {@link
 * ChaosDriver.Ending#SIGTERM} life, the state the process left must be the one of the last batch
 * it announced, and the next life's receiver must ask the source for the lines after exactly
 * those: everything the terminated life had stored durably was processed before it exited. A
 * life signalled before {@code start()} (no hook ran, no batch completed: it received nothing)
 * and one whose engine reported that its graceful stop ran out of time are not held to it
 * ({@link ChaosDriver.Graceful}). Optionally the checkpoint directory is {@code faultfs://} (with
 * the local directory of WALs and state next to it), and the newest checkpoint file is
 * corrupted before chosen lives.
 */
final class WordCountScenario {
    /** What a run did. */
    record Result(List<ChaosDriver.Outcome> outcomes, long checks, long lines, int corrupted) {
    }

    private WordCountScenario() {
    }

    /**
     * Runs {@code plans} over a source of {@code bound} lines read at {@code rate} lines/s.
     *
     * @param corruptBefore lives before which the newest checkpoint file is corrupted
     */
    static Result run(String name, long seed, Random rnd, int bound, long rate, List<ChaosDriver.Plan> plans,
                      boolean faultfs, Set<Integer> corruptBefore, List<String> extraJvmArgs, Path dir, Path logs)
            throws Exception {
        long dataSeed = rnd.nextLong();
        Path checkpoint = dir.resolve("checkpoint");
        Path out = dir.resolve("out");
        List<String> jvm = new ArrayList<>(extraJvmArgs);
        String checkpointUri = checkpoint.toString();
        if (faultfs) {
            checkpointUri = FaultFileSystem.SCHEME + "://" + checkpoint.toAbsolutePath();
            jvm.add("-Dsluice.streaming.localDir=" + dir.resolve("local").toAbsolutePath());
        }
        WordCountCheck check = new WordCountCheck(out, dataSeed, bound);
        ChaosDriver driver = null;
        try (ReplayableLineServer server = new ReplayableLineServer(0, dataSeed, bound);
             PositionTaggingProxy proxy = new PositionTaggingProxy(server.host(), server.port(), false)) {
            List<String> args = List.of(proxy.host(), Integer.toString(proxy.port()), checkpointUri, out.toString(),
                    Long.toString(rate));
            driver = new ChaosDriver(name, seed, rnd, bound, WordCountChaosApp.class, args, jvm, dir, logs,
                    WordCountChaosApp.BATCH.toMillis());
            int[] corrupted = {0};
            ChaosDriver.Hooks hooks = new ChaosDriver.Hooks() {
                long termLines = -1;
                int termRequests;

                @Override
                public void beforeLife(int index, ChaosDriver.Plan plan) throws Exception {
                    if (corruptBefore.contains(index) && corruptNewest(checkpoint)) {
                        corrupted[0]++;
                    }
                }

                @Override
                public boolean mayEnd() {
                    return termLines < 0 || proxy.requestCount() > termRequests;
                }

                @Override
                public void afterLife(ChaosDriver.Outcome o, String output) throws Exception {
                    if (termLines >= 0 && proxy.requestCount() > termRequests) {
                        String first = proxy.request(termRequests);
                        if (!first.equals("FROM " + termLines)) {
                            throw new AssertionError("the life stopped with SIGTERM had counted " + termLines
                                    + " lines when its graceful stop ended, but the next life's receiver resumed"
                                    + " with [" + first + "]: the graceful stop did not process everything the"
                                    + " receiver had stored (nothing is lost: the write-ahead log still had it)");
                        }
                        termLines = -1;
                    }
                    if (o.graceful() == ChaosDriver.Graceful.COMPLETE) {
                        // The process is gone: the state it left is final. It must be the state of
                        // the last batch the test was told about (else the child's output after the
                        // signal was lost and the per-batch checks missed batches).
                        long left = check.checkStateFile();
                        if (left != check.lastLines()) {
                            throw new AssertionError("the life stopped with SIGTERM left a state of " + left
                                    + " lines, but the last batch it announced had " + check.lastLines()
                                    + ": its output after the signal was lost");
                        }
                        termLines = left;
                        termRequests = proxy.requestCount();
                    } else if (o.graceful() == ChaosDriver.Graceful.INCOMPLETE) {
                        System.out.println("  the graceful stop of life " + o.index() + " ran out of time (the engine"
                                + " said so); what it did not process is re-run from the write-ahead log");
                    }
                }
            };
            List<ChaosDriver.Outcome> outcomes = driver.runPlan(plans, check, hooks);
            return new Result(outcomes, check.checks(), check.linesSeen(), corrupted[0]);
        } finally {
            if (driver != null) {
                driver.killChildIfAlive();
            }
        }
    }

    /**
     * Flips bytes in the middle of the newest {@code checkpoint-<t>} file; returns false if there
     * is none yet.
     */
    static boolean corruptNewest(Path checkpointDir) throws IOException {
        if (!Files.isDirectory(checkpointDir)) {
            return false;
        }
        Optional<Path> newest;
        try (Stream<Path> s = Files.list(checkpointDir)) {
            newest = s.filter(p -> p.getFileName().toString().matches("checkpoint-\\d+"))
                    .max((a, b) -> Long.compare(time(a), time(b)));
        }
        if (newest.isEmpty()) {
            return false;
        }
        try (RandomAccessFile f = new RandomAccessFile(newest.get().toFile(), "rw")) {
            long mid = f.length() / 2;
            f.seek(mid);
            int b = f.read();
            f.seek(mid);
            f.write(~b);
        }
        System.out.println("  corrupted " + newest.get().getFileName());
        return true;
    }

    private static long time(Path p) {
        return Long.parseLong(p.getFileName().toString().substring("checkpoint-".length()));
    }
}
