package io.sluice.internal.util;

import io.sluice.function.FlatMapFunction;
import io.sluice.function.Function;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Lazy iterator transformations: the building blocks that fuse narrow transformations within
 * one partition (a chain of map/filter/flatMap runs as one pass, with no intermediate list).
 */
public final class Iterators {
    private Iterators() {
    }

    public static <T, R> Iterator<R> map(Iterator<T> in, Function<? super T, ? extends R> f) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return in.hasNext();
            }

            @Override
            public R next() {
                try {
                    return f.call(in.next());
                } catch (Exception e) {
                    throw UserCodeException.wrap(e);
                }
            }
        };
    }

    public static <T> Iterator<T> filter(Iterator<T> in, Function<? super T, Boolean> p) {
        return new Iterator<>() {
            private T next;
            private boolean ready;

            @Override
            public boolean hasNext() {
                while (!ready && in.hasNext()) {
                    T t = in.next();
                    try {
                        if (Boolean.TRUE.equals(p.call(t))) {
                            next = t;
                            ready = true;
                        }
                    } catch (Exception e) {
                        throw UserCodeException.wrap(e);
                    }
                }
                return ready;
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                ready = false;
                T t = next;
                next = null;
                return t;
            }
        };
    }

    public static <T, R> Iterator<R> flatMap(Iterator<T> in,
                                             FlatMapFunction<? super T, ? extends R> f) {
        return new Iterator<>() {
            private Iterator<? extends R> current = java.util.Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext()) {
                    if (!in.hasNext()) {
                        return false;
                    }
                    try {
                        Iterator<? extends R> it = f.call(in.next());
                        current = it == null ? java.util.Collections.emptyIterator() : it;
                    } catch (Exception e) {
                        throw UserCodeException.wrap(e);
                    }
                }
                return true;
            }

            @Override
            public R next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
    }
}
