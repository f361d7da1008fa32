package io.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * I1 end to end: every block whose store call returned in a JVM killed with SIGKILL is
 * recovered by getOrCreate and processed in the next batch, and the receiver resumes from the
 * position of the last durable block.
 */
class AckedBlockSurvivesKillTest {

    @Test
    void acknowledgedBlocksAreRecoveredAfterKill9(@TempDir Path dir) throws Exception {
        String cp = dir.resolve("cp").toString();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens") || a.startsWith("--add-exports") || a.startsWith("-Dchronicle.")) {
                command.add(a);
            }
        }
        command.addAll(List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"),
                AckedBlockChild.class.getName(), cp));
        Process child = new ProcessBuilder(command).redirectError(dir.resolve("child.err").toFile()).start();
        long lastAck = -1;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("ACK ")) {
                    lastAck = Long.parseLong(line.substring(4));
                    if (lastAck >= 200) {
                        break;
                    }
                }
            }
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        assertTrue(lastAck >= 200, "child acknowledged only " + lastAck + " blocks; see child.err");

        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        TestReceiver<String> receiver = new TestReceiver<>();
        try (StreamingContext ssc = StreamingContext.getOrCreate(cp, () -> AckedBlockChild.setup(cp, receiver, seen))) {
            ssc.start();
            receiver.awaitStarted();
            Optional<Long> position = receiver.lastDurablePosition();
            assertTrue(position.isPresent() && position.get() >= lastAck + 1,
                    "last durable position " + position + " is before the last acknowledged block " + lastAck);
            Time t = ssc.manualClock().advance(Duration.ofSeconds(1));
            assertTrue(ssc.awaitBatchCompletion(t, Duration.ofSeconds(30)));
        }
        Set<String> got = new HashSet<>(seen);
        assertEquals(seen.size(), got.size(), "a recovered block was processed twice");
        for (long n = 0; n <= lastAck; n++) {
            assertTrue(got.contains("r" + n), "acknowledged record r" + n + " was lost");
        }
    }
}
