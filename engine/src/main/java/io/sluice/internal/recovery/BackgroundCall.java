package io.sluice.internal.recovery;

import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;

/**
 * One call run on a daemon thread of its own, started at once, whose result or failure the
 * starting thread collects later with {@link #get}. Recovery uses it to overlap independent
 * cold-start work (reading a checkpoint while the setup function builds the graph; restoring the
 * state store while the write-ahead logs open): on a cold JVM most of that time is class
 * loading and initialization of different libraries (Hadoop, RocksDB, Chronicle Queue), which
 * two cores can do side by side.
 *
 * <p>{@link #get} rethrows the call's own exception object, unwrapped: an {@link IOException},
 * a {@link RuntimeException} or an {@link Error} reaches the caller exactly as if the call had
 * run on the caller's thread (with the background thread's stack trace). A call that is never
 * collected still runs to its end; whatever it opened is then the call's to close, so callers
 * collect every call they start, even on their own failure paths.
 *
 * <p>Thread-safe: {@link #get} may be called by any thread, any number of times.
 *
 * @param <T> the call's result
 */
public final class BackgroundCall<T> {

    /** Work that may fail with an I/O error. */
    @FunctionalInterface
    public interface Call<T> {
        /** Computes the result. */
        T call() throws IOException;
    }

    private final CountDownLatch done = new CountDownLatch(1);
    private volatile T result;
    private volatile Throwable failure;

    private BackgroundCall() {
    }

    /**
     * Starts {@code call} on a new daemon thread named {@code threadName}.
     *
     * @throws NullPointerException if an argument is null
     */
    public static <T> BackgroundCall<T> start(String threadName, Call<T> call) {
        Objects.requireNonNull(call, "call");
        BackgroundCall<T> background = new BackgroundCall<>();
        Thread thread = new Thread(() -> {
            try {
                background.result = call.call();
            } catch (Throwable t) { // handed to the caller of get(), which rethrows it
                background.failure = t;
            } finally {
                background.done.countDown();
            }
        }, Objects.requireNonNull(threadName, "threadName"));
        thread.setDaemon(true);
        thread.start();
        return background;
    }

    /**
     * Waits for the call to end and returns its result, or rethrows its exception. The wait is
     * not cut short by an interrupt (whatever the call opened must reach the caller to be
     * closed); an interrupt received while waiting is kept as this thread's interrupt status.
     *
     * @throws IOException the call's I/O error
     * @throws RuntimeException the call's unchecked exception, as it was thrown
     * @throws Error the call's error, as it was thrown
     */
    public T get() throws IOException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    done.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        Throwable t = failure;
        if (t == null) {
            return result;
        }
        if (t instanceof IOException io) {
            throw io;
        }
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error err) {
            throw err;
        }
        throw new IllegalStateException("The background call failed: " + t, t);
    }
}
