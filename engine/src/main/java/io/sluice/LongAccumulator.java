package io.sluice;

/**
 * An accumulator of longs, as Spark's {@code LongAccumulator}: a sum, with the count of
 * additions and their average. Each batch counts once, even when re-run after recovery (see
 * {@link Accumulator}). Created by {@link StreamingContext#longAccumulator(String)}.
 */
public final class LongAccumulator extends Accumulator<Long, Long> {
    /** {sum, count}. */
    private long[] committed = new long[2];

    LongAccumulator(String name) {
        super(name);
    }

    /** Adds {@code v}. */
    public void add(long v) {
        add(Long.valueOf(v));
    }

    /** The sum (same as {@link #value()}). */
    public long sum() {
        return value();
    }

    /** The number of additions. */
    public long count() {
        return ((long[]) mergedState())[1];
    }

    /** The average of the additions, or NaN if none. */
    public double avg() {
        long[] d = (long[]) mergedState();
        return d[1] == 0 ? Double.NaN : (double) d[0] / d[1];
    }

    @Override
    protected Object committedDelta() {
        return committed;
    }

    @Override
    protected void setCommitted(Object state) {
        committed = ((long[]) state).clone();
    }

    @Override
    protected Object newDelta() {
        return new long[2];
    }

    @Override
    protected void mergeInto(Object delta, Long v) {
        long[] d = (long[]) delta;
        d[0] += v;
        d[1]++;
    }

    @Override
    protected void combine(Object into, Object other) {
        long[] a = (long[]) into;
        long[] b = (long[]) other;
        a[0] += b[0];
        a[1] += b[1];
    }

    @Override
    protected Object copy(Object delta) {
        return ((long[]) delta).clone();
    }

    @Override
    protected Long read(Object delta) {
        return ((long[]) delta)[0];
    }
}
