package io.sluice.internal.scheduler;

import io.sluice.RDD;
import io.sluice.SluiceException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Runs the tasks of a job, one task per partition, on the {@code local[n]} pool of task
 * threads.
 *
 * <p>Before the result tasks of a job run, every {@link StageBoundary} in the RDD's lineage is
 * materialized, parents first (its own tasks run on the same pool). A task that itself starts a
 * job (an RDD action called inside a transformation) runs that job inline on its own thread, so
 * nested jobs cannot deadlock the pool.
 *
 * <p>Thread-safe: several jobs may run at once (sluice.streaming.concurrentJobs).
 */
public final class TaskScheduler implements AutoCloseable {
    private static final ThreadLocal<Boolean> IN_TASK = ThreadLocal.withInitial(() -> false);

    private final int threads;
    private final ExecutorService pool;

    public TaskScheduler(int threads) {
        this.threads = threads;
        AtomicInteger n = new AtomicInteger();
        ThreadFactory tf = r -> {
            Thread t = new Thread(() -> {
                IN_TASK.set(true);
                r.run();
            }, "sluice-task-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.pool = Executors.newFixedThreadPool(threads, tf);
    }

    /** The number of task threads. */
    public int threads() {
        return threads;
    }

    /** Runs {@code fn} over every partition of {@code rdd}; results in partition order. */
    public <T, U> List<U> runJob(RDD<T> rdd, Function<Iterator<T>, U> fn) {
        prepare(rdd);
        return runTasks(rdd.getNumPartitions(), p -> fn.apply(rdd.compute(p)));
    }

    /** Materializes every stage boundary in the lineage of {@code rdd}, parents first. */
    public void prepare(RDD<?> rdd) {
        prepare(rdd, Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    private void prepare(RDD<?> rdd, Set<RDD<?>> seen) {
        if (!seen.add(rdd)) {
            return;
        }
        for (RDD<?> dep : rdd.dependencies()) {
            prepare(dep, seen);
        }
        if (rdd instanceof StageBoundary boundary) {
            boundary.materialize(this);
        }
    }

    /**
     * Runs {@code n} tasks, task {@code i} computing {@code task.apply(i)}; returns the results in
     * order. If a task fails, the others are cancelled and the first failure is rethrown.
     */
    public <U> List<U> runTasks(int n, IntFunction<U> task) {
        List<U> results = new ArrayList<>(n);
        if (IN_TASK.get() || n == 1) {
            for (int i = 0; i < n; i++) {
                results.add(runOne(task, i));
            }
            return results;
        }
        // Tasks work for the caller's batch (accumulator updates are attributed to it).
        long batch = io.sluice.internal.shared.BatchContext.current();
        List<Future<U>> futures = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            final int p = i;
            futures.add(pool.submit(() -> {
                long prev = io.sluice.internal.shared.BatchContext.set(batch);
                try {
                    return runOne(task, p);
                } finally {
                    io.sluice.internal.shared.BatchContext.set(prev);
                }
            }));
        }
        try {
            for (Future<U> f : futures) {
                results.add(f.get());
            }
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new SluiceException("Interrupted while waiting for tasks", e);
        } catch (ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new SluiceException("Task failed: " + c, c);
        }
        return results;
    }

    private static <U> U runOne(IntFunction<U> task, int p) {
        boolean was = IN_TASK.get();
        IN_TASK.set(true);
        try {
            return task.apply(p);
        } finally {
            IN_TASK.set(was);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
