package io.sluice.internal.storage.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.internal.storage.wal.ChronicleWriteAheadLog;
import io.sluice.internal.storage.wal.Durability;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Arming fault points: parsing, counting, firing, and a real halt in a child JVM. */
class FaultPointsTest {
    @TempDir
    Path dir;

    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void unarmedWithoutTheProperty() {
        assertNull(FaultPoints.Arming.parse(props()));
        assertNull(FaultPoints.Arming.parse(props(FaultPoints.POINT_PROPERTY, " ")));
        // This test JVM is not armed: hits do nothing.
        assertFalse(FaultPoints.armed());
        for (String p : FaultPoints.ALL) {
            FaultPoints.hit(p);
        }
    }

    @Test
    void badArmingIsRefusedNamingTheFix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FaultPoints.Arming.parse(props(FaultPoints.POINT_PROPERTY, "checkpoint.beforeRenam")));
        assertTrue(e.getMessage().contains("checkpoint.beforeRenam") && e.getMessage().contains("checkpoint.beforeRename"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FaultPoints.Arming.parse(props(
                FaultPoints.POINT_PROPERTY, FaultPoints.WAL_MID_APPEND, FaultPoints.HIT_COUNT_PROPERTY, "0")));
        assertThrows(IllegalArgumentException.class, () -> FaultPoints.Arming.parse(props(
                FaultPoints.POINT_PROPERTY, FaultPoints.WAL_MID_APPEND, FaultPoints.ACTION_PROPERTY, "explode")));
        assertThrows(IllegalArgumentException.class, () -> FaultPoints.Arming.parse(props(
                FaultPoints.POINT_PROPERTY, FaultPoints.WAL_MID_APPEND, FaultPoints.ACTION_PROPERTY, "delay:x")));
    }

    @Test
    void throwFiresFromTheNthHitOfTheArmedPointOnly() {
        FaultPoints.Arming a = FaultPoints.Arming.parse(props(FaultPoints.POINT_PROPERTY,
                FaultPoints.OUTPUT_BEFORE_COMMIT, FaultPoints.HIT_COUNT_PROPERTY, "3",
                FaultPoints.ACTION_PROPERTY, "throw"));
        a.onHit(FaultPoints.OUTPUT_BEFORE_COMMIT);
        a.onHit(FaultPoints.WAL_MID_APPEND);
        a.onHit(FaultPoints.OUTPUT_BEFORE_COMMIT);
        assertEquals(2, a.hits(), "hits of other points are not counted");
        FaultInjectedException e = assertThrows(FaultInjectedException.class,
                () -> a.onHit(FaultPoints.OUTPUT_BEFORE_COMMIT));
        assertTrue(e.getMessage().contains(FaultPoints.OUTPUT_BEFORE_COMMIT), e.getMessage());
        assertThrows(FaultInjectedException.class, () -> a.onHit(FaultPoints.OUTPUT_BEFORE_COMMIT));
    }

    @Test
    void delayDoesNotThrow() {
        FaultPoints.Arming a = FaultPoints.Arming.parse(props(FaultPoints.POINT_PROPERTY,
                FaultPoints.WAL_MID_APPEND, FaultPoints.ACTION_PROPERTY, "delay:1"));
        a.onHit(FaultPoints.WAL_MID_APPEND);
        a.onHit(FaultPoints.WAL_MID_APPEND);
        assertEquals(2, a.hits());
    }

    @Test
    void anArmedPointHaltsTheJvmAtExactlyItsNthHit() throws Exception {
        Result r = runChild(List.of("-D" + FaultPoints.POINT_PROPERTY + "=" + FaultPoints.RECEIVER_BEFORE_ACK,
                "-D" + FaultPoints.HIT_COUNT_PROPERTY + "=3"), "hits", "10");
        assertEquals(FaultPoints.HALT_STATUS, r.status, r.describe());
        assertEquals(List.of("before 1", "before 2", "before 3"), r.stdout, r.describe());
        assertTrue(r.stderr.contains("FAULT point=receiver.beforeAck hit=3 action=halt"), r.describe());
    }

    @Test
    void anUnarmedChildRunsThrough() throws Exception {
        Result r = runChild(List.of(), "hits", "3");
        assertEquals(0, r.status, r.describe());
        assertEquals(List.of("before 1", "before 2", "before 3", "done"), r.stdout, r.describe());
    }

    /** Halted with half a frame in the WAL: every acknowledged record reads back, the log takes appends again. */
    @Test
    void haltedInTheMiddleOfAWalAppendLosesNothingAcknowledged() throws Exception {
        Path wal = dir.resolve("wal");
        Result r = runChild(List.of("-D" + FaultPoints.POINT_PROPERTY + "=" + FaultPoints.WAL_MID_APPEND,
                "-D" + FaultPoints.HIT_COUNT_PROPERTY + "=5"), "wal", wal.toString(), "20");
        assertEquals(FaultPoints.HALT_STATUS, r.status, r.describe());
        assertEquals(List.of("acked 1", "acked 2", "acked 3", "acked 4"), r.stdout, r.describe());
        try (ChronicleWriteAheadLog log = ChronicleWriteAheadLog.open(wal, Durability.PROCESS)) {
            List<String> read = new ArrayList<>();
            log.replay((h, b) -> read.add(new String(b, StandardCharsets.UTF_8)));
            assertEquals(List.of("record-1", "record-2", "record-3", "record-4"), read);
            log.append("after".getBytes(StandardCharsets.UTF_8));
            read.clear();
            log.replay((h, b) -> read.add(new String(b, StandardCharsets.UTF_8)));
            assertEquals(List.of("record-1", "record-2", "record-3", "record-4", "after"), read);
        }
    }

    private record Result(int status, List<String> stdout, String stderr) {
        String describe() {
            return "status " + status + ", stdout " + stdout + ", stderr:\n" + stderr;
        }
    }

    private Result runChild(List<String> jvmArgs, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (argument.startsWith("--add-opens") || argument.startsWith("--add-exports")
                    || argument.startsWith("-Dchronicle.")) {
                command.add(argument);
            }
        }
        command.add("-Xmx256m");
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(FaultPointsChild.class.getName());
        command.addAll(List.of(args));
        File out = dir.resolve("stdout-" + System.nanoTime()).toFile();
        File err = dir.resolve("stderr-" + System.nanoTime()).toFile();
        Process p = new ProcessBuilder(command).redirectOutput(out).redirectError(err).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the child did not end within 60 s");
        }
        return new Result(p.exitValue(), Files.readAllLines(out.toPath()), Files.readString(err.toPath()));
    }
}
