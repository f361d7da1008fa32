package io.sluice.internal.storage.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/** Payloads, file surgery and child JVMs for the WAL tests. */
final class WalTestSupport {

    private WalTestSupport() {
    }

    /** A payload of {@code size} bytes determined by {@code seed}. */
    static byte[] payload(long seed, int size) {
        byte[] bytes = new byte[size];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }

    /** A payload that carries its sequence number in its first 8 bytes, then seeded bytes. */
    static byte[] numberedPayload(long n) {
        int size = 8 + (int) ((n * 7919) % 20_000);
        byte[] bytes = payload(n, size);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, n);
        return bytes;
    }

    static long numberOf(byte[] payload) {
        return ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    }

    /** Where a record's frame lies in its segment file. */
    record FrameLocation(Path file, long offset, long length) {
    }

    /**
     * Finds the frame of {@code handle} with a raw Chronicle tailer; the log must be closed.
     * Checks that the located bytes start with the frame's magic and version.
     */
    static FrameLocation locate(Path dir, WalHandle handle) throws IOException {
        FrameLocation location;
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir)
                .rollCycle(ChronicleWriteAheadLog.DEFAULT_ROLL_CYCLE.chronicleCycle()).build();
             ExcerptTailer tailer = queue.createTailer()) {
            if (!tailer.moveToIndex(handle.index())) {
                throw new AssertionError("no record at " + handle);
            }
            try (DocumentContext dc = tailer.readingDocument()) {
                location = new FrameLocation(tailer.currentFile().toPath(),
                        dc.wire().bytes().readPosition(), dc.wire().bytes().readRemaining());
            }
        }
        try (FileChannel channel = FileChannel.open(location.file(), StandardOpenOption.READ)) {
            ByteBuffer head = ByteBuffer.allocate(2);
            channel.read(head, location.offset());
            assertEquals(RecordFrame.MAGIC, head.get(0), "located bytes are not a frame");
            assertEquals(RecordFrame.VERSION, head.get(1), "located bytes are not a frame");
        }
        return location;
    }

    /** XORs the byte at {@code position} of {@code file} with {@code mask}. */
    static void flipByte(Path file, long position, int mask) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, position);
            one.put(0, (byte) (one.get(0) ^ mask));
            one.rewind();
            channel.write(one, position);
        }
    }

    /** Overwrites {@code length} bytes at {@code position} with zeros. */
    static void zero(Path file, long position, long length) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate((int) length), position);
        }
    }

    static List<Path> segmentFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".cq4")).sorted().toList();
        }
    }

    /**
     * Starts {@link WalChildProcess} in a new JVM with this JVM's classpath and Chronicle flags;
     * its stderr goes to {@code stderr}.
     */
    static Process startChild(File stderr, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (argument.startsWith("--add-opens") || argument.startsWith("--add-exports")
                    || argument.startsWith("--enable-native-access") || argument.startsWith("-Dchronicle.")) {
                command.add(argument);
            }
        }
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(WalChildProcess.class.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.to(stderr))
                .start();
    }

    static String read(File file) {
        try {
            return Files.readString(file.toPath());
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }
}
