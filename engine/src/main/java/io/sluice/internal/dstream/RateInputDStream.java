package io.sluice.internal.dstream;

import io.sluice.RDD;
import io.sluice.StreamingContext;
import io.sluice.Time;
import io.sluice.internal.SluiceEnv;
import io.sluice.internal.receiver.InputPlan;
import java.io.Serializable;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A generator source for demos, tests and benchmarks: the numbers 0, 1, 2, ... at a fixed rate
 * of {@code rowsPerSecond}, starting at the stream's start time. Batch t holds every number due
 * by t and not in an earlier batch, cut into {@code numPartitions} contiguous ranges generated
 * lazily (nothing is held in memory). It is replayable by construction, so a recovered
 * application neither skips nor repeats a number: batch contents are logged ranges, and the
 * position (start time, next number) is in every checkpoint.
 */
public final class RateInputDStream extends DirectInputDStream<Long, RateInputDStream.Range> {
    private final long rowsPerSecond;
    private final int numPartitions;
    private Position position;

    /** The numbers {@code [from, until)} of one batch. */
    public record Range(long from, long until) implements Serializable {
    }

    /** Where the source is: its start time and the next number to emit. */
    public record Position(long startMs, long next) implements Serializable {
    }

    public RateInputDStream(StreamingContext ssc, long rowsPerSecond, int numPartitions) {
        super(ssc);
        if (rowsPerSecond <= 0) {
            throw new IllegalArgumentException("rowsPerSecond must be > 0, got " + rowsPerSecond);
        }
        if (numPartitions < 1) {
            throw new IllegalArgumentException("numPartitions must be >= 1, got " + numPartitions);
        }
        this.rowsPerSecond = rowsPerSecond;
        this.numPartitions = numPartitions;
    }

    @Override
    public void resume(Serializable positionAfterLastBatch) {
        if (positionAfterLastBatch instanceof Position p) {
            position = p;
        } else {
            long start = ssc.graph().zeroTime().orElseThrow().milliseconds();
            position = new Position(start, 0);
        }
    }

    @Override
    public InputPlan plan(Time time) {
        if (position == null) {
            throw new IllegalStateException("rate stream " + id() + " planned before it was resumed; this is a bug");
        }
        long elapsed = Math.max(0, time.milliseconds() - position.startMs());
        long due = Math.multiplyHigh(elapsed, rowsPerSecond) == 0
                ? elapsed * rowsPerSecond / 1000 : Long.MAX_VALUE;
        long until = Math.max(position.next(), due);
        Range r = new Range(position.next(), until);
        position = new Position(position.startMs(), until);
        return new InputPlan(r, position, until - r.from());
    }

    @Override
    protected RDD<Long> read(Time time, Range plan) {
        return new RangeRDD(ssc.runtime().env(), plan.from(), plan.until(), numPartitions);
    }

    /** The numbers of a range in contiguous slices, generated on the fly. */
    static final class RangeRDD extends RDD<Long> {
        private final long from;
        private final long until;
        private final int slices;

        RangeRDD(SluiceEnv env, long from, long until, int slices) {
            super(env);
            this.from = from;
            this.until = until;
            this.slices = slices;
        }

        @Override
        public int getNumPartitions() {
            return slices;
        }

        @Override
        public Iterator<Long> compute(int partition) {
            long n = until - from;
            long lo = from + Math.multiplyExact((long) partition, n) / slices;
            long hi = from + Math.multiplyExact((long) partition + 1, n) / slices;
            return new Iterator<>() {
                private long next = lo;

                @Override
                public boolean hasNext() {
                    return next < hi;
                }

                @Override
                public Long next() {
                    if (next >= hi) {
                        throw new NoSuchElementException();
                    }
                    return next++;
                }
            };
        }
    }
}
