package io.sluice.chaos;

import static io.sluice.chaos.ChaosDriver.Ending.FINAL;
import static io.sluice.chaos.ChaosDriver.Ending.SIGKILL;

import io.sluice.internal.storage.fault.FaultPoints;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The soak ({@code mvn verify -Pchaos-soak}): rounds of the chaos pipelines with random plans,
 * until a time budget is spent, and a report. Each round has its own seed (printed, and listed
 * with any failure: {@code -Dchaos.seed=<seed> -Dchaos.soak.rounds=1 -Dchaos.soak.kind=<kind>}
 * replays it). The kinds, in turn:
 * <ul>
 *   <li>{@code wordcount}: 10-16 lives, each ending with SIGKILL, a halt at a random fault point
 *       or SIGTERM on the graceful path, then a last one ({@link WordCountScenario}), over 2,500
 *       lines per life read at 2,000 lines/s;</li>
 *   <li>{@code storage}: the storage faults of {@link StorageFaultChaosTest};</li>
 *   <li>{@code join}: the join of two streams with 6-10 lives of SIGKILLs, halts at random fault
 *       points ({@code output.beforeCommit} included) and SIGTERM ({@link JoinChaosTest}).</li>
 * </ul>
 * A failed round does not stop the soak; the soak fails at the end if any round failed.
 *
 * <h2>Kills per minute</h2>
 * A kill costs a child JVM's start and a recovery (seconds on two cores), so the soak makes
 * lives cheap where that weakens no check: several rounds run at once
 * ({@code chaos.soak.parallel}, default 2); a SIGKILL life ends after at most 2 batches with
 * new lines instead of 4 ({@code chaos.maxProgressBatches}); a round has more lives, so its
 * sources and its last life (which must process every remaining line) are paid for fewer
 * times; the child JVMs run with the client compiler and the serial collector
 * ({@link #childJvmArgs()}). Every life is still checked after every batch, as in the tests.
 *
 * <p>Knobs: {@code chaos.soak.minutes} (budget, default 20; no round starts in its last two
 * minutes), {@code chaos.soak.rounds} (at most this many rounds), {@code chaos.soak.kind} (only
 * this kind), {@code chaos.soak.parallel}, {@code chaos.maxProgressBatches},
 * {@code chaos.childJvmArgs} (replaces the child flags), {@code chaos.seed}. Report:
 * {@code target/chaos-soak-report.md} and {@code .json}.
 */
class ChaosSoak {
    private static final List<String> KINDS = List.of("wordcount", "storage", "join");

    /** One round's facts. */
    record Round(int index, String kind, long seed, List<ChaosDriver.Outcome> outcomes, long checks, long lines,
                 long ms, String failure) {
    }

    @Test
    void soak() throws Exception {
        double minutes = Double.parseDouble(System.getProperty("chaos.soak.minutes", "20"));
        int maxRounds = Integer.getInteger("chaos.soak.rounds", Integer.MAX_VALUE);
        int parallel = Math.max(1, Integer.getInteger("chaos.soak.parallel", 2));
        String onlyKind = System.getProperty("chaos.soak.kind", "").trim();
        String seedProperty = System.getProperty("chaos.seed", "").trim();
        long master = seedProperty.isEmpty() ? new SecureRandom().nextLong() : Long.parseLong(seedProperty);
        // Shorter lives: a SIGKILL life ends after at most 2 batches with new lines (not 4).
        if (System.getProperty("chaos.maxProgressBatches") == null) {
            System.setProperty("chaos.maxProgressBatches", "2");
        }
        Random seeds = new Random(master);
        long start = System.currentTimeMillis();
        long deadline = start + (long) (minutes * 60_000);
        Path work = Paths.get("target", "chaos-soak").toAbsolutePath();
        System.out.printf("ChaosSoak: budget %.1f min, %d rounds at a time, master seed %d, child JVM flags %s%n",
                minutes, parallel, master, childJvmArgs());
        List<Round> rounds = new ArrayList<>();
        int[] next = {0};
        // Rounds are independent (their own sources on ephemeral ports, directories, logs and
        // child JVMs), so several run at once; round i always gets the i-th seed of the master
        // seed, whatever thread runs it.
        Runnable worker = () -> {
            while (true) {
                int i;
                long seed;
                synchronized (next) {
                    i = next[0];
                    if (i >= maxRounds || (i > 0 && System.currentTimeMillis() >= deadline - 120_000)) {
                        return;
                    }
                    next[0]++;
                    // A single round replays its own seed: -Dchaos.seed=<round seed> -Dchaos.soak.rounds=1.
                    seed = maxRounds == 1 && !seedProperty.isEmpty() ? master : seeds.nextLong();
                }
                String kind = onlyKind.isEmpty() ? KINDS.get(i % KINDS.size()) : onlyKind;
                Round r = runRound(i, kind, seed, work.resolve("round-" + i));
                synchronized (rounds) {
                    rounds.add(r);
                }
            }
        };
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < parallel; t++) {
            Thread th = new Thread(worker, "chaos-soak-" + t);
            th.start();
            threads.add(th);
        }
        for (Thread th : threads) {
            th.join();
        }
        rounds.sort(Comparator.comparingInt(Round::index));
        long elapsed = System.currentTimeMillis() - start;
        Path md = Paths.get("target", "chaos-soak-report.md");
        Path json = Paths.get("target", "chaos-soak-report.json");
        Files.writeString(md, markdown(rounds, minutes, parallel, master, elapsed), StandardCharsets.UTF_8);
        Files.writeString(json, json(rounds, minutes, parallel, master, elapsed), StandardCharsets.UTF_8);
        System.out.println(Files.readString(md));
        long failed = rounds.stream().filter(r -> r.failure() != null).count();
        if (failed > 0) {
            throw new AssertionError(failed + " of " + rounds.size() + " soak rounds failed; see " + md.toAbsolutePath());
        }
    }

    /** Runs one round and returns what it did; a failure is recorded in the round, not thrown. */
    private static Round runRound(int i, String kind, long seed, Path dir) {
        System.out.printf("ChaosSoak round %d: %s, seed %d%n", i, kind, seed);
        long t0 = System.nanoTime();
        Round r;
        try {
            deleteRecursively(dir);
            Files.createDirectories(dir);
            r = round(i, kind, seed, dir);
            deleteRecursively(dir);
        } catch (AssertionError | Exception e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            int cut = msg.indexOf("\n--- last lines");
            r = new Round(i, kind, seed, List.of(), 0, 0, 0, cut < 0 ? msg : msg.substring(0, cut));
            System.out.println("ChaosSoak round " + i + " FAILED (files kept in " + dir + "): " + msg);
        }
        return new Round(r.index(), r.kind(), r.seed(), r.outcomes(), r.checks(), r.lines(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), r.failure());
    }

    /**
     * The child JVMs' extra flags: {@code -Dchaos.childJvmArgs}, else flags that make a short
     * life cheaper without changing what runs: the client compiler only (a life lasts seconds,
     * C2's compilations would not pay off and compete for the two cores) and the serial
     * collector (no concurrent GC threads for a 512 MB heap).
     */
    static List<String> childJvmArgs() {
        String s = System.getProperty("chaos.childJvmArgs");
        return s == null ? List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
                : ChildJvm.extraJvmArgsFromSystemProperty();
    }

    private static Round round(int index, String kind, long seed, Path dir) throws Exception {
        Random rnd = new Random(seed);
        List<String> extra = childJvmArgs();
        Path logs = Paths.get("target", "chaos-logs", "soak", "round-" + index).toAbsolutePath();
        switch (kind) {
            case "wordcount" -> {
                // More lives per round (the servers and the last life are paid once per round), and
                // a slower source with 2,500 lines per life, so that most lives still get new lines.
                int lives = 10 + rnd.nextInt(7);
                List<ChaosDriver.Plan> plans = randomPlans(rnd, lives, false);
                WordCountScenario.Result r = WordCountScenario.run("ChaosSoak round " + index, seed, rnd,
                        2_500 * (lives + 1), 2_000, plans, false, Set.of(), extra, dir, logs);
                return new Round(index, kind, seed, r.outcomes(), r.checks(), r.lines(), 0, null);
            }
            case "storage" -> {
                WordCountScenario.Result r = WordCountScenario.run("ChaosSoak round " + index, seed, rnd, 30_000,
                        5_000, StorageFaultChaosTest.plans(rnd), true, Set.of(StorageFaultChaosTest.CORRUPT_BEFORE),
                        extra, dir, logs);
                return new Round(index, kind, seed, r.outcomes(), r.checks(), r.lines(), 0, null);
            }
            case "join" -> {
                // Lines per source in proportion to the lives, as for the word count.
                int lives = 6 + rnd.nextInt(5);
                List<ChaosDriver.Plan> plans = randomPlans(rnd, lives, true);
                int perSource = 3_000 * (lives + 1);
                JoinChaosTest.Result r = JoinChaosTest.run(seed, rnd, perSource, plans, extra, dir, logs);
                return new Round(index, kind, seed, r.outcomes(), r.checks(), 2L * perSource, 0, null);
            }
            default -> throw new IllegalArgumentException("unknown soak kind [" + kind + "]; use " + KINDS);
        }
    }

    /** {@code lives} random endings (SIGKILL 3 in 6, a fault point 2 in 6, SIGTERM 1 in 6), then FINAL. */
    private static List<ChaosDriver.Plan> randomPlans(Random rnd, int lives, boolean withOutput) {
        List<ChaosDriver.Plan> plans = new ArrayList<>();
        for (int i = 0; i < lives; i++) {
            int d = rnd.nextInt(6);
            if (d < 3) {
                plans.add(ChaosDriver.Plan.of(SIGKILL, "sigkill"));
            } else if (d < 5) {
                if (withOutput && rnd.nextInt(3) == 0) {
                    plans.add(FaultPointChaosTest.armed(FaultPoints.OUTPUT_BEFORE_COMMIT, 6, rnd));
                } else {
                    Object[] p = FaultPointChaosTest.POINTS.get(rnd.nextInt(FaultPointChaosTest.POINTS.size()));
                    plans.add(FaultPointChaosTest.armed((String) p[0], (Integer) p[1], rnd));
                }
            } else {
                plans.add(FaultPointChaosTest.graceful());
            }
        }
        plans.add(ChaosDriver.Plan.of(FINAL, "to the end"));
        return plans;
    }

    private static List<Long> recoveries(List<Round> rounds) {
        List<Long> r = new ArrayList<>();
        for (Round round : rounds) {
            for (ChaosDriver.Outcome o : round.outcomes()) {
                if (o.index() > 0 && o.firstBatchMs() >= 0) {
                    r.add(o.firstBatchMs());
                }
            }
        }
        r.sort(Comparator.naturalOrder());
        return r;
    }

    private static long percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        int i = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    private static Map<String, Integer> endings(List<Round> rounds) {
        Map<String, Integer> m = new TreeMap<>();
        for (Round r : rounds) {
            for (ChaosDriver.Outcome o : r.outcomes()) {
                if (o.plan().ending() == FINAL) {
                    if (o.sigkilled()) {
                        // Still running 15 s after its SIGTERM: the driver killed it.
                        m.merge("SIGKILL (last life, 15 s after SIGTERM)", 1, Integer::sum);
                    }
                    continue;
                }
                String key = switch (o.plan().ending()) {
                    case FAULT_HALT -> o.sigkilled() ? "SIGKILL (armed at " + o.plan().label().substring(0,
                            o.plan().label().indexOf('@')) + ", source exhausted)"
                            : "halt at " + o.plan().label().substring(0, o.plan().label().indexOf('@'));
                    case STOPS_WITH_ERROR -> "stopped by " + o.plan().label().replaceAll(" #\\d+", "");
                    case SIGTERM -> switch (o.graceful()) {
                        case COMPLETE -> "SIGTERM, graceful stop complete";
                        case INCOMPLETE -> "SIGTERM, graceful stop ran out of time";
                        case START_ABORTED -> "SIGTERM during start-up, start() aborted (nothing to stop)";
                        default -> "SIGTERM before start (no hook, nothing received)";
                    };
                    default -> o.plan().ending().toString();
                };
                m.merge(key, 1, Integer::sum);
            }
        }
        return m;
    }

    private static String markdown(List<Round> rounds, double minutes, int parallel, long master, long elapsedMs) {
        List<Long> rec = recoveries(rounds);
        Map<String, Integer> endings = endings(rounds);
        int kills = endings.values().stream().mapToInt(Integer::intValue).sum();
        long checks = rounds.stream().mapToLong(Round::checks).sum();
        long lines = rounds.stream().filter(r -> r.failure() == null).mapToLong(Round::lines).sum();
        StringBuilder sb = new StringBuilder();
        sb.append("# Chaos soak report\n\n");
        sb.append(String.format(Locale.ROOT, "- finished: %s; budget %.1f min, ran %.1f min; master seed %d%n",
                Instant.now(), minutes, elapsedMs / 60_000.0, master));
        sb.append(String.format(Locale.ROOT, "- rounds: %d (%d failed)%n", rounds.size(),
                rounds.stream().filter(r -> r.failure() != null).count()));
        sb.append(String.format(Locale.ROOT, "- kills, halts and stops: %d (%.1f per minute, %d rounds at a time)%n",
                kills, kills / Math.max(elapsedMs / 60_000.0, 1e-9), parallel));
        sb.append(String.format(Locale.ROOT, "- batch outputs checked against the oracle: %,d; source lines verified"
                + " exactly once: %,d%n", checks, lines));
        sb.append(String.format(Locale.ROOT, "- recovery (process start to first completed batch), %d restarts:"
                + " median %d ms, p99 %d ms, max %d ms%n%n", rec.size(), percentile(rec, 0.5), percentile(rec, 0.99),
                rec.isEmpty() ? -1 : rec.get(rec.size() - 1)));
        sb.append("| how a life ended | count |\n|---|---|\n");
        endings.forEach((k, v) -> sb.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        sb.append("\n| round | kind | seed | lives | checks | seconds | result |\n|---|---|---|---|---|---|---|\n");
        for (Round r : rounds) {
            sb.append(String.format(Locale.ROOT, "| %d | %s | %d | %d | %d | %.0f | %s |%n", r.index(), r.kind(),
                    r.seed(), r.outcomes().size(), r.checks(), r.ms() / 1000.0,
                    r.failure() == null ? "passed" : "FAILED: " + r.failure().replace('|', '/').replace('\n', ' ')));
        }
        sb.append("\nReplay a round: `mvn -o -B -pl chaos-tests -am verify -Pchaos-soak -Dtest=NONE"
                + " -Dsurefire.failIfNoSpecifiedTests=false -Dchaos.soak.rounds=1 -Dchaos.soak.kind=<kind>"
                + " -Dchaos.seed=<seed>`\n");
        return sb.toString();
    }

    private static String json(List<Round> rounds, double minutes, int parallel, long master, long elapsedMs) {
        List<Long> rec = recoveries(rounds);
        StringBuilder sb = new StringBuilder("{\n");
        sb.append(String.format(Locale.ROOT, "  \"budgetMinutes\": %.1f,%n  \"elapsedMs\": %d,%n  \"masterSeed\": %d,%n"
                + "  \"parallelRounds\": %d,%n  \"killsPerMinute\": %.2f,%n", minutes, elapsedMs, master, parallel,
                endings(rounds).values().stream().mapToInt(Integer::intValue).sum()
                        / Math.max(elapsedMs / 60_000.0, 1e-9)));
        sb.append("  \"endings\": {");
        StringBuilder e = new StringBuilder();
        endings(rounds).forEach((k, v) -> e.append(e.length() == 0 ? "" : ", ").append('"').append(k).append("\": ")
                .append(v));
        sb.append(e).append("},\n");
        sb.append(String.format(Locale.ROOT, "  \"recoveryMs\": {\"count\": %d, \"median\": %d, \"p99\": %d, \"max\": %d},%n",
                rec.size(), percentile(rec, 0.5), percentile(rec, 0.99), rec.isEmpty() ? -1 : rec.get(rec.size() - 1)));
        sb.append("  \"rounds\": [\n");
        for (int i = 0; i < rounds.size(); i++) {
            Round r = rounds.get(i);
            sb.append(String.format(Locale.ROOT, "    {\"index\": %d, \"kind\": \"%s\", \"seed\": %d, \"lives\": %d,"
                    + " \"checks\": %d, \"lines\": %d, \"ms\": %d, \"failure\": %s}%s%n", r.index(), r.kind(), r.seed(),
                    r.outcomes().size(), r.checks(), r.lines(), r.ms(),
                    r.failure() == null ? "null" : "\"" + r.failure().replace("\\", "\\\\").replace("\"", "\\\"")
                            .replace("\n", "\\n").replace("\t", " ") + "\"", i + 1 < rounds.size() ? "," : ""));
        }
        sb.append("  ]\n}\n");
        return sb.toString();
    }

    private static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }
}
