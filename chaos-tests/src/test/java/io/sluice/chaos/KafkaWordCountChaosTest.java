package io.sluice.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.kafka.KafkaTestBroker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills {@link KafkaWordCountChaosApp} (a direct Kafka stream, counted per batch and written
 * with {@code saveAsTextFiles}) with SIGKILL at random moments, with {@link ChaosDriver}'s
 * schedule, and checks the files against an oracle computed from what was produced.
 *
 * <p>The test JVM starts a single-node Kafka broker and produces every line first: line i goes to
 * partition {@code i % P}, so offset o of partition p holds line {@code o * P + p}, and the oracle
 * knows the words of every offset. The child reads at most {@code chaos.kafka.rate} lines per
 * second per partition, so the lines spread over many batches and lives.
 *
 * <p>Checks after every batch, as soon as it is announced: the batch's directory holds exactly
 * the word counts of the offset ranges the batch announced; a batch run again after a recovery
 * announces the same ranges as its earlier run (its logged plan). At the end, over the
 * directories on disk (the latest run of every batch): every directory belongs to an announced
 * batch; the batches' ranges tile every partition from offset 0 to its end, in batch order, each
 * offset once; the counts summed over all batches equal the oracle's counts of all lines
 * (nothing lost, nothing counted twice).
 *
 * <p>Knobs (system properties): {@code chaos.seed}, {@code chaos.kafka.lines} (default 45000),
 * {@code chaos.kills} (default 5), {@code chaos.kafka.rate} (default 1000 lines per second per
 * partition), {@code chaos.childJvmArgs}. Child logs: {@code target/chaos-logs/kafka}.
 */
class KafkaWordCountChaosTest {
    private static final int PARTITIONS = 3;
    private static final String TOPIC = "lines";
    private static final Pattern RANGE = Pattern.compile(Pattern.quote(TOPIC) + "-(\\d+):(\\d+)-(\\d+)");
    private static final Pattern BATCH_DIR = Pattern.compile(
            Pattern.quote(KafkaWordCountChaosApp.OUTPUT_PREFIX) + "-(\\d+)\\.txt");

    /** The offset ranges of one batch: per partition, {@code [from, until)}. */
    private record Ranges(long[] from, long[] until) {
        boolean sameAs(Ranges o) {
            return java.util.Arrays.equals(from, o.from) && java.util.Arrays.equals(until, o.until);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            for (int p = 0; p < from.length; p++) {
                sb.append(p).append(':').append(from[p]).append('-').append(until[p]).append(' ');
            }
            return sb.toString().trim();
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void killedAtRandomMomentsWritesEveryProducedLineExactlyOnce(@TempDir Path dir) throws Exception {
        String seedProperty = System.getProperty("chaos.seed", "").trim();
        long seed = seedProperty.isEmpty() ? new SecureRandom().nextLong() : Long.parseLong(seedProperty);
        Random rnd = new Random(seed);
        long dataSeed = rnd.nextLong();
        int bound = Integer.getInteger("chaos.kafka.lines", 45_000);
        int kills = Integer.getInteger("chaos.kills", 5);
        long rate = Long.getLong("chaos.kafka.rate", 1_000);
        List<String> extraJvmArgs = ChildJvm.extraJvmArgsFromSystemProperty();
        System.out.printf("KafkaWordCountChaosTest: seed %d (reproduce with -Dchaos.seed=%d), %,d lines in %d"
                + " partitions, %d kills, %,d lines/s per partition%n", seed, seed, bound, PARTITIONS, kills, rate);
        long testStart = System.nanoTime();

        try (KafkaTestBroker broker = KafkaTestBroker.start()) {
            long brokerMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - testStart);
            broker.createTopic(TOPIC, PARTITIONS);
            try (KafkaProducer<String, String> producer = broker.producer()) {
                for (int i = 0; i < bound; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, i % PARTITIONS, null, line(dataSeed, i)));
                }
                producer.flush();
            }
            long[] ends = new long[PARTITIONS];
            for (int p = 0; p < PARTITIONS; p++) {
                ends[p] = (bound - p + PARTITIONS - 1) / PARTITIONS;
            }

            Path out = dir.resolve("out");
            Files.createDirectories(out);
            TreeMap<Long, Ranges> announced = new TreeMap<>();
            long[] seen = new long[PARTITIONS];
            ChaosDriver.Checker checker = new ChaosDriver.Checker() {
                @Override
                public void onBatch(long timeMs, String batchLine, int life) throws Exception {
                    Ranges r = parseRanges(batchLine);
                    Ranges before = announced.putIfAbsent(timeMs, r);
                    if (before != null && !before.sameAs(r)) {
                        throw new AssertionError("batch " + timeMs + " was re-run on other offsets: first " + before
                                + ", now " + r);
                    }
                    Map<String, Long> written = readCounts(out.resolve(
                            KafkaWordCountChaosApp.OUTPUT_PREFIX + "-" + timeMs + ".txt"));
                    Map<String, Long> expected = oracle(dataSeed, r);
                    if (!expected.equals(written)) {
                        throw new AssertionError("the counts of batch " + timeMs + " (" + r + ") differ from the"
                                + " oracle's: " + firstDifference(expected, written));
                    }
                    for (int p = 0; p < PARTITIONS; p++) {
                        seen[p] = Math.max(seen[p], r.until()[p]);
                    }
                }

                @Override
                public long linesSeen() {
                    long n = 0;
                    for (long s : seen) {
                        n += s;
                    }
                    return n;
                }

                @Override
                public boolean finished() {
                    return linesSeen() == bound;
                }
            };
            ChaosDriver driver = new ChaosDriver("KafkaWordCountChaosTest", seed, rnd, bound,
                    KafkaWordCountChaosApp.class, List.of(broker.bootstrapServers(), TOPIC,
                    dir.resolve("checkpoint").toString(), out.toString(), Long.toString(rate)), extraJvmArgs, dir,
                    Paths.get("target", "chaos-logs", "kafka").toAbsolutePath(),
                    KafkaWordCountChaosApp.BATCH.toMillis());
            List<ChaosDriver.Life> lives;
            try {
                lives = driver.run(kills, checker);
                driver.stopChild();
            } finally {
                driver.killChildIfAlive();
            }

            // The files on disk: the latest run of every batch.
            TreeMap<Long, Map<String, Long>> files = new TreeMap<>();
            try (Stream<Path> s = Files.list(out)) {
                for (Path p : s.toList()) {
                    Matcher m = BATCH_DIR.matcher(p.getFileName().toString());
                    if (m.matches()) {
                        files.put(Long.parseLong(m.group(1)), readCounts(p));
                    }
                }
            }
            long[] next = new long[PARTITIONS];
            Map<String, Long> total = new HashMap<>();
            long lastAnnounced = announced.lastKey();
            for (Map.Entry<Long, Map<String, Long>> e : files.entrySet()) {
                Ranges r = announced.get(e.getKey());
                if (r == null) {
                    // Batches after the last one the test read (the child ran on until stopped) found
                    // every line read already: they must be empty.
                    if (e.getKey() <= lastAnnounced || !e.getValue().isEmpty()) {
                        driver.fail("output directory of batch " + e.getKey() + " belongs to no announced batch: "
                                + e.getValue().size() + " words");
                    }
                    continue;
                }
                for (int p = 0; p < PARTITIONS; p++) {
                    if (r.from()[p] != next[p]) {
                        driver.fail("batch " + e.getKey() + " reads partition " + p + " from " + r.from()[p]
                                + " but the batches before it end at " + next[p] + " (lost or doubled offsets)");
                    }
                    next[p] = r.until()[p];
                }
                e.getValue().forEach((k, v) -> total.merge(k, v, Long::sum));
            }
            assertEquals(java.util.Arrays.toString(ends), java.util.Arrays.toString(next),
                    "the batches' ranges end where the partitions end");
            long[] zeros = new long[PARTITIONS];
            Map<String, Long> expected = oracle(dataSeed, new Ranges(zeros, ends));
            if (!expected.equals(total)) {
                driver.fail("the counts over all batches differ from the oracle's: " + firstDifference(expected, total));
            }
            Map<TopicPartition, ?> committed = broker.committedOffsets("chaos-wordcount");
            long totalMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - testStart);
            System.out.printf("KafkaWordCountChaosTest: seed %d passed in %,d ms (broker ready in %,d ms): %,d lines"
                    + " in %d batches counted exactly once across %d kills (SIGKILL); committed offsets %s%n", seed,
                    totalMs, brokerMs, bound, files.size(), kills, committed);
            driver.printLives(lives);
        }
    }

    /** Line i of the source: 1 to 8 words of a vocabulary of 40. */
    static String line(long dataSeed, int i) {
        Random r = new Random(dataSeed + i * 0x9E3779B97F4A7C15L);
        int n = 1 + r.nextInt(8);
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < n; k++) {
            if (k > 0) {
                sb.append(' ');
            }
            sb.append('w').append(r.nextInt(40));
        }
        return sb.toString();
    }

    /** The counts the app must write for the lines at {@code r}'s offsets. */
    private static Map<String, Long> oracle(long dataSeed, Ranges r) {
        Map<String, Long> m = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            for (long o = r.from()[p]; o < r.until()[p]; o++) {
                for (String w : line(dataSeed, Math.toIntExact(o * PARTITIONS + p)).split(" ")) {
                    m.merge(w, 1L, Long::sum);
                }
                m.merge(KafkaWordCountChaosApp.LINES_KEY, 1L, Long::sum);
            }
        }
        return m;
    }

    private static Ranges parseRanges(String batchLine) {
        long[] from = new long[PARTITIONS];
        long[] until = new long[PARTITIONS];
        boolean[] found = new boolean[PARTITIONS];
        Matcher m = RANGE.matcher(batchLine);
        while (m.find()) {
            int p = Integer.parseInt(m.group(1));
            from[p] = Long.parseLong(m.group(2));
            until[p] = Long.parseLong(m.group(3));
            found[p] = true;
        }
        for (int p = 0; p < PARTITIONS; p++) {
            if (!found[p]) {
                throw new AssertionError("batch line without a range of partition " + p + ": [" + batchLine + "]");
            }
        }
        return new Ranges(from, until);
    }

    /** The counts in a batch's output directory ({@code word<TAB>count} lines of its part files). */
    private static Map<String, Long> readCounts(Path batchDir) throws IOException {
        if (!Files.isDirectory(batchDir)) {
            throw new AssertionError("no output directory " + batchDir.getFileName() + " for an announced batch");
        }
        Map<String, Long> m = new HashMap<>();
        List<Path> parts = new ArrayList<>();
        try (Stream<Path> s = Files.list(batchDir)) {
            s.filter(p -> p.getFileName().toString().startsWith("part-")).forEach(parts::add);
        }
        for (Path p : parts) {
            for (String l : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                if (!l.isEmpty()) {
                    int tab = l.indexOf('\t');
                    if (m.put(l.substring(0, tab), Long.parseLong(l.substring(tab + 1))) != null) {
                        throw new AssertionError("word [" + l.substring(0, tab) + "] twice in " + batchDir);
                    }
                }
            }
        }
        return m;
    }

    private static String firstDifference(Map<String, Long> expected, Map<String, Long> actual) {
        for (Map.Entry<String, Long> e : new TreeMap<>(expected).entrySet()) {
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
}
