package io.sluice.internal.storage.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Writers in child JVMs killed mid-stream: every acknowledged record must survive intact. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class WalCrashTest {

    private static final Pattern ACK = Pattern.compile("ACK (\\d+)\\.");

    @TempDir
    Path tmp;

    /** Acknowledged numbers a child printed, in order, and whether it printed {@code HALT.}. */
    record ChildOutput(List<Long> acks, boolean halted) {
    }

    @Test
    void everyAcknowledgedRecordSurvivesKillMinus9() throws Exception {
        Path dir = tmp.resolve("wal");
        Random random = new Random();
        long seed = random.nextLong();
        random.setSeed(seed);
        long next = 0;
        long lastAcked = -1;
        // Two rounds on one log: the second writer appends after the first one's torn tail.
        for (int round = 0; round < 2; round++) {
            int killAfter = 20 + random.nextInt(300);
            File stderr = tmp.resolve("child-" + round + ".err").toFile();
            Process child = WalTestSupport.startChild(stderr, "ack", dir.toString(), Long.toString(next));
            ChildOutput output = readAcks(child, killAfter, true);
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the killed child exits");
            assertTrue(output.acks().size() >= killAfter,
                    "child acked " + output.acks().size() + " (seed " + seed + "), stderr:\n"
                            + WalTestSupport.read(stderr));
            lastAcked = output.acks().get(output.acks().size() - 1);

            TreeMap<Long, byte[]> replayed = replayByNumber(dir);
            for (long n = 0; n <= lastAcked; n++) {
                byte[] record = replayed.get(n);
                assertNotNull(record, "acknowledged record " + n + " is lost (seed " + seed + ")");
                assertArrayEquals(WalTestSupport.numberedPayload(n), record,
                        "acknowledged record " + n + " is damaged (seed " + seed + ")");
            }
            // Unacknowledged appends may have made it too; the next writer continues after them.
            next = replayed.lastKey() + 1;
        }
        assertTrue(lastAcked > 0);
    }

    @Test
    void aWriterHaltedInsideAnAppendLeavesATornTailThatReplaySkips() throws Exception {
        Path dir = tmp.resolve("wal");
        File stderr = tmp.resolve("child.err").toFile();
        Process child = WalTestSupport.startChild(stderr, "torn", dir.toString(), "0", "25");
        ChildOutput output = readAcks(child, Integer.MAX_VALUE, false);
        assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child halts");
        assertTrue(output.halted(), "child reached the torn write; stderr:\n" + WalTestSupport.read(stderr));
        assertEquals(25, output.acks().size());

        TreeMap<Long, byte[]> replayed = replayByNumber(dir);
        assertEquals(25, replayed.size(), "exactly the complete records replay");
        for (long n = 0; n < 25; n++) {
            assertArrayEquals(WalTestSupport.numberedPayload(n), replayed.get(n));
        }
        // The log stays writable after the torn tail, and the new record follows the old ones.
        try (ChronicleWriteAheadLog wal = ChronicleWriteAheadLog.open(dir, Durability.PROCESS)) {
            byte[] after = WalTestSupport.numberedPayload(25);
            WalHandle handle = wal.append(after);
            assertArrayEquals(after, wal.read(handle));
            List<Long> numbers = new ArrayList<>();
            wal.replay((h, bytes) -> numbers.add(WalTestSupport.numberOf(bytes)));
            assertEquals(26, numbers.size());
            assertEquals(25L, numbers.get(25));
        }
    }

    /**
     * Reads the child's acks; once {@code killAfter} are in (if {@code kill}), SIGKILLs it and
     * keeps reading what it printed before dying.
     */
    private static ChildOutput readAcks(Process child, int killAfter, boolean kill) throws IOException {
        List<Long> acks = new ArrayList<>();
        boolean halted = false;
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                Matcher matcher = ACK.matcher(line);
                if (matcher.matches()) {
                    acks.add(Long.parseLong(matcher.group(1)));
                    if (kill && acks.size() == killAfter) {
                        // SIGKILL through the handle: Process.destroyForcibly would also close
                        // our end of the pipe, losing the acks already printed.
                        child.toHandle().destroyForcibly();
                    }
                } else if (line.equals("HALT.")) {
                    halted = true;
                }
            }
        } finally {
            child.destroyForcibly();
        }
        return new ChildOutput(acks, halted);
    }

    private static TreeMap<Long, byte[]> replayByNumber(Path dir) {
        TreeMap<Long, byte[]> byNumber = new TreeMap<>();
        try (ChronicleWriteAheadLog wal = ChronicleWriteAheadLog.open(dir, Durability.PROCESS)) {
            wal.replay((handle, bytes) -> {
                long n = WalTestSupport.numberOf(bytes);
                byte[] previous = byNumber.put(n, bytes);
                assertTrue(previous == null, "record " + n + " replayed twice");
                assertArrayEquals(bytes, wal.read(handle), "read by handle equals replay");
            });
        }
        return byNumber;
    }
}
