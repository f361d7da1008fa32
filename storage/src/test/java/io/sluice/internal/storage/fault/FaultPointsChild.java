package io.sluice.internal.storage.fault;

import io.sluice.internal.storage.wal.ChronicleWriteAheadLog;
import io.sluice.internal.storage.wal.Durability;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A child JVM for {@link FaultPointsTest}. {@code hits <n>} prints {@code before <i>} and then
 * hits {@link FaultPoints#RECEIVER_BEFORE_ACK}, for i = 1..n, then {@code done}.
 * {@code wal <dir> <n>} appends records {@code record-<i>} to a WAL, printing {@code acked <i>}
 * after each append returns, then {@code done}.
 */
public final class FaultPointsChild {
    private FaultPointsChild() {
    }

    public static void main(String[] args) {
        int n = Integer.parseInt(args[args.length - 1]);
        if (args[0].equals("hits")) {
            for (int i = 1; i <= n; i++) {
                System.out.println("before " + i);
                System.out.flush();
                FaultPoints.hit(FaultPoints.RECEIVER_BEFORE_ACK);
            }
        } else {
            try (ChronicleWriteAheadLog wal = ChronicleWriteAheadLog.open(Path.of(args[1]), Durability.PROCESS)) {
                for (int i = 1; i <= n; i++) {
                    wal.append(("record-" + i).getBytes(StandardCharsets.UTF_8));
                    System.out.println("acked " + i);
                    System.out.flush();
                }
            }
        }
        System.out.println("done");
    }
}
