package io.sluice.internal.storage.wal;

import java.nio.file.Path;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The writer the crash tests kill. Arguments: {@code mode dir firstNumber [count]}.
 *
 * <ul>
 *   <li>{@code ack}: appends {@link WalTestSupport#numberedPayload} records numbered from
 *       {@code firstNumber}, forever, printing {@code ACK <n>.} after each append returns. The
 *       parent kills it with SIGKILL.
 *   <li>{@code torn}: appends {@code count} records the same way, then starts one more Chronicle
 *       document, writes half a frame into it and halts the JVM inside the write.
 * </ul>
 */
public final class WalChildProcess {

    private WalChildProcess() {
    }

    public static void main(String[] args) {
        String mode = args[0];
        Path dir = Path.of(args[1]);
        long first = Long.parseLong(args[2]);
        ChronicleWriteAheadLog wal = ChronicleWriteAheadLog.open(dir, Durability.PROCESS);
        if (mode.equals("ack")) {
            for (long n = first; ; n++) {
                wal.append(WalTestSupport.numberedPayload(n));
                System.out.println("ACK " + n + ".");
            }
        }
        long count = Long.parseLong(args[3]);
        for (long n = first; n < first + count; n++) {
            wal.append(WalTestSupport.numberedPayload(n));
            System.out.println("ACK " + n + ".");
        }
        SingleChronicleQueue raw = SingleChronicleQueueBuilder.binary(dir)
                .rollCycle(ChronicleWriteAheadLog.DEFAULT_ROLL_CYCLE.chronicleCycle()).build();
        ExcerptAppender appender = raw.createAppender();
        DocumentContext dc = appender.writingDocument();
        byte[] half = WalTestSupport.payload(-1, 500);
        half[0] = RecordFrame.MAGIC;
        half[1] = RecordFrame.VERSION;
        dc.wire().bytes().write(half);
        System.out.println("HALT.");
        System.out.flush();
        Runtime.getRuntime().halt(3);
    }
}
