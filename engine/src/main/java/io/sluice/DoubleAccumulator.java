package io.sluice;

/**
 * An accumulator of doubles, as Spark's {@code DoubleAccumulator}: a sum, with the count of
 * additions and their average; each batch counts once (see {@link Accumulator}).
 */
public final class DoubleAccumulator extends Accumulator<Double, Double> {
    /** {sum, count}. */
    private double[] committed = new double[2];

    DoubleAccumulator(String name) {
        super(name);
    }

    /** Adds {@code v}. */
    public void add(double v) {
        add(Double.valueOf(v));
    }

    /** The sum (same as {@link #value()}). */
    public double sum() {
        return value();
    }

    /** The number of additions. */
    public long count() {
        return (long) ((double[]) mergedState())[1];
    }

    /** The average of the additions, or NaN if none. */
    public double avg() {
        double[] d = (double[]) mergedState();
        return d[1] == 0 ? Double.NaN : d[0] / d[1];
    }

    @Override
    protected Object committedDelta() {
        return committed;
    }

    @Override
    protected void setCommitted(Object state) {
        committed = ((double[]) state).clone();
    }

    @Override
    protected Object newDelta() {
        return new double[2];
    }

    @Override
    protected void mergeInto(Object delta, Double v) {
        double[] d = (double[]) delta;
        d[0] += v;
        d[1]++;
    }

    @Override
    protected void combine(Object into, Object other) {
        double[] a = (double[]) into;
        double[] b = (double[]) other;
        a[0] += b[0];
        a[1] += b[1];
    }

    @Override
    protected Object copy(Object delta) {
        return ((double[]) delta).clone();
    }

    @Override
    protected Double read(Object delta) {
        return ((double[]) delta)[0];
    }
}
