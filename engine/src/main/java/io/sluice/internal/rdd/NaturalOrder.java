package io.sluice.internal.rdd;

import java.io.Serializable;
import java.util.Comparator;

/**
 * The natural ordering of {@link Comparable} values, for the operations that sort without a
 * {@link Comparator} (sortByKey, sortBy, top, takeOrdered): as {@link Comparator#naturalOrder()},
 * but a null or non-comparable value fails with a message naming the operation and the fix.
 */
public final class NaturalOrder<T> implements Comparator<T>, Serializable {
    private static final long serialVersionUID = 1L;

    private final String operation;
    private final String what;

    private NaturalOrder(String operation, String what) {
        this.operation = operation;
        this.what = what;
    }

    /**
     * The natural order for {@code operation}, whose values are {@code what} ("key", "record")
     * in error messages.
     */
    public static <T> Comparator<T> of(String operation, String what) {
        return new NaturalOrder<>(operation, what);
    }

    @Override
    @SuppressWarnings("unchecked")
    public int compare(T a, T b) {
        return ((Comparable<Object>) check(a)).compareTo(check(b));
    }

    private Object check(Object v) {
        if (v == null) {
            throw new NullPointerException(operation + ": cannot order a null " + what + " by natural ordering; "
                    + "pass a Comparator that handles null, such as Comparator.nullsFirst(Comparator.naturalOrder())");
        }
        if (!(v instanceof Comparable<?>)) {
            throw new ClassCastException(operation + " without a Comparator needs each " + what
                    + " to implement Comparable, but [" + v + "] is a " + v.getClass().getName()
                    + "; pass a Comparator");
        }
        return v;
    }
}
