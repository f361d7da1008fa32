package io.sluice;

import java.io.Serializable;
import java.time.Duration;

/**
 * A batch time, in epoch milliseconds. Batch times are multiples of the batch duration.
 *
 * @param milliseconds epoch milliseconds
 */
public record Time(long milliseconds) implements Comparable<Time>, Serializable {

    public Time plus(Duration d) {
        return new Time(milliseconds + d.toMillis());
    }

    public Time minus(Duration d) {
        return new Time(milliseconds - d.toMillis());
    }

    public boolean isMultipleOf(Duration d) {
        return milliseconds % d.toMillis() == 0;
    }

    /** The largest multiple of {@code d} that is not after this time. */
    public Time floor(Duration d) {
        long ms = d.toMillis();
        return new Time(Math.floorDiv(milliseconds, ms) * ms);
    }

    @Override
    public int compareTo(Time o) {
        return Long.compare(milliseconds, o.milliseconds);
    }

    @Override
    public String toString() {
        return milliseconds + " ms";
    }
}
