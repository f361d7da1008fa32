package io.sluice.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.PairRDD;
import io.sluice.SluiceConf;
import io.sluice.StreamingContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's pipeline on a real clock and a real socket: every batch's state is the exact count
 * of a prefix of the source, across a stop and a recovery with getOrCreate, and across the
 * server going away and coming back (the receiver restarts and resumes from its position).
 */
@Timeout(120)
class RecoverableWordCountTest {
    private static final long SEED = 99;

    /** States seen after each batch, and whether each was exact. */
    private final List<WordCountOracle.Check> checks = new CopyOnWriteArrayList<>();
    private final WordCountOracle oracle = new WordCountOracle(SEED);

    private StreamingContext create(String checkpoint, ReplayableLineServer server, long rate) {
        SluiceConf conf = new SluiceConf(false).setMaster("local[2]").setAppName("RecoverableWordCountTest")
                .set("sluice.streaming.checkpoint.interval", "400ms")
                .set("sluice.streaming.writeAheadLog.durability", "process")
                .set("sluice.streaming.receiverRestartDelay", "100ms");
        StreamingContext ssc = new StreamingContext(conf, Duration.ofMillis(200));
        ssc.checkpoint(checkpoint);
        RecoverableWordCount.countWords(ssc.receiverStream(
                        new ReplayableLineReceiver(server.host(), server.port(), 500, 20, rate)))
                .foreachRDD(rdd -> {
                    Map<String, Long> state = new TreeMap<>(PairRDD.fromRDD(rdd).collectAsMap());
                    synchronized (oracle) {
                        checks.add(oracle.check(state));
                    }
                });
        return ssc;
    }

    private long awaitLines(long atLeast) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            if (!checks.isEmpty() && checks.get(checks.size() - 1).lines() >= atLeast) {
                return checks.get(checks.size() - 1).lines();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("fewer than " + atLeast + " lines counted within 60 s: " + last());
    }

    private WordCountOracle.Check last() {
        return checks.isEmpty() ? null : checks.get(checks.size() - 1);
    }

    private void assertAllExact() {
        List<WordCountOracle.Check> bad = new ArrayList<>();
        for (WordCountOracle.Check c : checks) {
            if (!c.exact()) {
                bad.add(c);
            }
        }
        assertTrue(bad.isEmpty(), "inexact states: " + bad);
    }

    @Test
    void countsEveryLineOnceAcrossAStopAndARecovery(@TempDir Path dir) throws Exception {
        String cp = dir.resolve("checkpoint").toString();
        int bound = 12_000;
        try (ReplayableLineServer server = new ReplayableLineServer(0, SEED, bound)) {
            StreamingContext first = StreamingContext.getOrCreate(cp, () -> create(cp, server, 6_000));
            first.start();
            long before = awaitLines(3_000);
            first.stop();

            StreamingContext second = StreamingContext.getOrCreate(cp, () -> create(cp, server, 6_000));
            second.start();
            try {
                assertEquals(bound, awaitLines(bound));
            } finally {
                second.stop();
            }
            assertTrue(before < bound, "the first run should not have read everything: " + before);
        }
        assertAllExact();
        assertEquals(bound, last().lines());
    }

    @Test
    void resumesFromItsPositionWhenTheServerComesBack(@TempDir Path dir) throws Exception {
        String cp = dir.resolve("checkpoint").toString();
        int bound = 8_000;
        // The first server has only the first 3,000 lines: the rest must come from the second.
        ReplayableLineServer server = new ReplayableLineServer(0, SEED, 3_000);
        int port = server.port();
        StreamingContext ssc = StreamingContext.getOrCreate(cp, () -> create(cp, server, 5_000));
        ssc.start();
        try {
            assertEquals(3_000, awaitLines(3_000));
            server.close(); // the receiver loses its connection and restarts, again and again
            Thread.sleep(1_000);
            try (ReplayableLineServer again = new ReplayableLineServer(port, SEED, bound)) {
                assertEquals(bound, awaitLines(bound));
                assertEquals(1, again.connectionsAccepted());
            }
        } finally {
            ssc.stop();
        }
        assertAllExact();
    }
}
