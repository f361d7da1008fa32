package io.sluice.internal.storage.wal;

import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.rollcycles.LegacyRollCycles;

/**
 * How much wall-clock time one segment file of a {@link ChronicleWriteAheadLog} covers. The
 * roll cycle is the granularity of {@link WriteAheadLog#deleteOlderThan}: a segment is deleted
 * only once its whole period is older than the threshold, so shorter cycles free disk sooner at
 * the cost of more files.
 *
 * <p>A log keeps the roll cycle it was created with; reopening it with another one logs the
 * difference and keeps the original.
 */
public enum WalRollCycle {
    /** One file a minute (up to 67 million records a minute). The default. */
    MINUTELY(LegacyRollCycles.MINUTELY),
    /** One file every five minutes. */
    FIVE_MINUTELY(RollCycles.FIVE_MINUTELY),
    /** One file an hour. */
    HOURLY(RollCycles.FAST_HOURLY),
    /** One file a day. */
    DAILY(RollCycles.FAST_DAILY);

    private final RollCycle chronicleCycle;

    WalRollCycle(RollCycle chronicleCycle) {
        this.chronicleCycle = chronicleCycle;
    }

    /** The wall-clock period of one segment file, in milliseconds. */
    public long lengthMs() {
        return chronicleCycle.lengthInMillis();
    }

    RollCycle chronicleCycle() {
        return chronicleCycle;
    }

    /**
     * Parses a configuration value ({@code minutely}, {@code five_minutely}, {@code hourly},
     * {@code daily}), case-insensitively.
     *
     * @throws IllegalArgumentException naming the value and the accepted ones
     */
    public static WalRollCycle parse(String value) {
        String normalized = value.trim().replace('-', '_');
        for (WalRollCycle cycle : values()) {
            if (cycle.name().equalsIgnoreCase(normalized)) {
                return cycle;
            }
        }
        throw new IllegalArgumentException("Unknown WAL roll cycle [" + value
                + "]: use one of minutely, five_minutely, hourly, daily");
    }
}
