package io.sluice;

import java.io.Serializable;

/**
 * A pair of values, the record type of {@link PairDStream} and {@link PairRDD}.
 *
 * <p>Accessors are named as Scala's {@code Tuple2} ({@code _1()}, {@code _2()}) and
 * {@link #toString()} prints {@code (a,b)}, so ported Spark code and its expected outputs stay
 * unchanged. Equality and hash code are by value.
 */
public record Tuple2<A, B>(A _1, B _2) implements Serializable {

    /** A pair of {@code a} and {@code b}. */
    public static <A, B> Tuple2<A, B> of(A a, B b) {
        return new Tuple2<>(a, b);
    }

    /** The pair with its elements swapped. */
    public Tuple2<B, A> swap() {
        return new Tuple2<>(_2, _1);
    }

    @Override
    public String toString() {
        return "(" + _1 + "," + _2 + ")";
    }
}
