package io.sluice.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.SluiceConf;
import io.sluice.StreamingContext;
import io.sluice.Time;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guide's reliable receiver ingests every line of a growing file exactly once: through a
 * restart it asks for itself, a stop of the context, lines appended while nothing runs, a
 * recovery with getOrCreate, and lines written in pieces that split them anywhere.
 *
 * <p>Outputs are kept per batch time (a re-run batch overwrites its own entry, as Sluice's
 * file outputs do), so the concatenation of all batches in time order must be exactly the
 * file's lines, in order.
 */
@Timeout(120)
class TailingFileReceiverTest {
    private static final Duration BATCH = Duration.ofSeconds(1);
    private static final Map<Long, List<String>> OUT = new ConcurrentHashMap<>();

    private static final class App {
        final StreamingContext ssc;
        final TailingFileReceiver receiver;

        App(String checkpoint, Path file) {
            SluiceConf conf = new SluiceConf(false).setMaster("local[2]").setAppName("tailing-file")
                    .set("sluice.streaming.clock", "manual")
                    .set("sluice.streaming.checkpoint.interval", "3s")
                    .set("sluice.streaming.writeAheadLog.durability", "process")
                    .set("sluice.streaming.receiverRestartDelay", "50ms");
            ssc = new StreamingContext(conf, BATCH);
            ssc.checkpoint(checkpoint);
            receiver = new TailingFileReceiver(file.toString(), 7, 5);
            ssc.receiverStream(receiver).foreachRDD((rdd, t) -> OUT.put(t.milliseconds(), new ArrayList<>(rdd.collect())));
        }
    }

    private static List<String> lines(int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add("line " + i + " é");
        }
        return out;
    }

    private static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static void appendLines(Path file, List<String> lines) throws IOException {
        append(file, String.join("\n", lines) + "\n");
    }

    private static List<String> ingested() {
        List<String> all = new ArrayList<>();
        new TreeMap<>(OUT).values().forEach(all::addAll);
        return all;
    }

    /** Generates batches until {@code done} holds (bounded: 30 s); the receiver reads on its own thread. */
    private static void stepUntil(StreamingContext ssc, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!done.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not reached within 30 s; ingested " + ingested().size());
            step(ssc);
            Thread.sleep(5);
        }
    }

    private static void step(StreamingContext ssc) throws InterruptedException {
        Time t = ssc.manualClock().advance(BATCH);
        assertTrue(ssc.awaitBatchCompletion(t, Duration.ofSeconds(20)), "batch " + t);
    }

    @Test
    void everyLineOnceAcrossARestartAStopAndARecovery(@TempDir Path dir) throws Exception {
        OUT.clear();
        String cp = dir.resolve("checkpoint").toString();
        Path file = dir.resolve("app.log");
        App[] holder = new App[1];

        // The file does not exist yet: the receiver restarts until it does.
        StreamingContext first = StreamingContext.getOrCreate(cp, () -> (holder[0] = new App(cp, file)).ssc);
        first.start();
        step(first);
        appendLines(file, lines(0, 300));
        stepUntil(first, () -> ingested().size() >= 100);
        holder[0].receiver.restart("restart asked for by the test");
        stepUntil(first, () -> ingested().size() == 300);
        // A line in two pieces: nothing of it is stored before its newline arrives.
        append(file, "line 300");
        step(first);
        step(first);
        assertEquals(lines(0, 300), ingested());
        append(file, " é\n");
        appendLines(file, lines(301, 600));
        step(first);
        long stoppedAt = first.manualClock().getTimeMillis();
        first.stop();                                   // possibly mid-file: the rest is read after recovery

        appendLines(file, lines(600, 700));            // written while nothing runs

        StreamingContext second = StreamingContext.getOrCreate(cp, () -> (holder[0] = new App(cp, file)).ssc);
        second.manualClock().setTime(stoppedAt);
        second.start();
        // Lines 700..999 arrive in pieces of 37 bytes that split lines and characters anywhere.
        byte[] rest = (String.join("\n", lines(700, 1000)) + "\n").getBytes(StandardCharsets.UTF_8);
        for (int off = 0; off < rest.length; off += 37) {
            Files.write(file, java.util.Arrays.copyOfRange(rest, off, Math.min(rest.length, off + 37)),
                    StandardOpenOption.APPEND);
            if (off % (37 * 40) == 0) {
                step(second);
            }
        }
        stepUntil(second, () -> ingested().size() >= 1000);
        for (int i = 0; i < 3; i++) {
            step(second);                               // nothing more arrives, nothing twice
        }
        second.stop();
        assertEquals(lines(0, 1000), ingested());
    }
}
