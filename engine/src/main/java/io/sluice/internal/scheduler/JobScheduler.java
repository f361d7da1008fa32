package io.sluice.internal.scheduler;

import io.sluice.BatchInfo;
import io.sluice.SluiceException;
import io.sluice.Time;
import io.sluice.internal.dstream.DStreamGraph;
import io.sluice.internal.dstream.Job;
import io.sluice.internal.dstream.StatefulDStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the batches the job generator submits, one batch at a time and in batch-time order, on
 * a batch-runner thread.
 *
 * <p>For each batch: every stateful operator applies the batch to the state store (once, in
 * order, whether or not an output reads it); then the output jobs run in declaration order (up
 * to {@code sluice.streaming.concurrentJobs} at once); then the batch is recorded as completed
 * and the after-batch hook runs (forgetting old RDDs, taking a checkpoint when one is due)
 * before the next batch starts, so a checkpoint sees the state exactly as of its batch.
 *
 * <p>A failing batch stops processing: the error is handed to {@code onError} (the context
 * stops and {@code awaitTermination} rethrows it). Nothing after the failed batch runs, so a
 * recovery re-runs it with the same inputs and state.
 */
public final class JobScheduler {
    private static final Logger LOG = LoggerFactory.getLogger(JobScheduler.class);

    /** Runs after a batch completed, on the batch-runner thread. */
    public interface AfterBatch {
        void afterBatch(Time time);
    }

    private final DStreamGraph graph;
    private final io.sluice.internal.ContextRuntime runtime;
    private final TaskScheduler tasks;
    private final ListenerBus bus;
    private final io.sluice.StreamingListener internalListener;
    private final AfterBatch afterBatch;
    private final Consumer<Throwable> onError;
    private final ExecutorService batchRunner;
    private final ExecutorService jobPool;
    private final int concurrentJobs;
    private final Object completionLock = new Object();
    private long lastCompletedMs = Long.MIN_VALUE;
    private volatile Throwable failure;
    private volatile boolean stopped;
    private volatile boolean stopCutShort;

    public JobScheduler(DStreamGraph graph, io.sluice.internal.ContextRuntime runtime, TaskScheduler tasks,
                        ListenerBus bus, io.sluice.StreamingListener internalListener, int concurrentJobs,
                        AfterBatch afterBatch, Consumer<Throwable> onError) {
        this.graph = graph;
        this.internalListener = internalListener;
        this.runtime = runtime;
        this.tasks = tasks;
        this.bus = bus;
        this.afterBatch = afterBatch;
        this.onError = onError;
        this.concurrentJobs = concurrentJobs;
        this.batchRunner = Executors.newSingleThreadExecutor(daemon("sluice-batch-runner"));
        this.jobPool = concurrentJobs > 1 ? Executors.newFixedThreadPool(concurrentJobs, daemon("sluice-job")) : null;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Tells the engine's own listener (backpressure) synchronously, before the listener bus and
     * before a batch's completion is signalled, so that a caller of {@link #awaitCompletion}
     * sees what the batch led to.
     */
    private void notifyInternal(java.util.function.Consumer<io.sluice.StreamingListener> event) {
        try {
            event.accept(internalListener);
        } catch (RuntimeException e) {
            LOG.warn("The engine's batch listener threw: {}", e.toString(), e);
        }
    }

    /** Queues the jobs of batch {@code time} behind the batches already queued. */
    public void submitJobSet(Time time, List<Job> jobs, long numRecords) {
        long submitted = System.currentTimeMillis();
        BatchInfo info = new BatchInfo(time, numRecords, submitted, -1, -1, Optional.empty());
        notifyInternal(l -> l.onBatchSubmitted(info));
        bus.post(l -> l.onBatchSubmitted(info));
        try {
            batchRunner.execute(() -> runBatch(time, jobs, numRecords, submitted));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("Batch {} not run: the scheduler is stopping", time);
        }
    }

    private void runBatch(Time time, List<Job> jobs, long numRecords, long submitted) {
        if (failure != null || stopped) {
            return;
        }
        long start = System.currentTimeMillis();
        bus.post(l -> l.onBatchStarted(new BatchInfo(time, numRecords, submitted, start, -1, Optional.empty())));
        runtime.setRunningBatch(time);
        long previousContext = io.sluice.internal.shared.BatchContext.set(time.milliseconds());
        try {
            for (StatefulDStream s : graph.statefulOperators().values()) {
                s.applyBatch(time, tasks);
            }
            if (jobPool == null) {
                for (Job j : jobs) {
                    j.body().run();
                }
            } else {
                List<Future<?>> fs = new ArrayList<>();
                for (Job j : jobs) {
                    fs.add(jobPool.submit(() -> {
                        long prev = io.sluice.internal.shared.BatchContext.set(time.milliseconds());
                        try {
                            j.body().run();
                        } finally {
                            io.sluice.internal.shared.BatchContext.set(prev);
                        }
                    }));
                }
                for (Future<?> f : fs) {
                    f.get();
                }
            }
            afterBatch.afterBatch(time);
        } catch (Throwable e) {
            Throwable cause = e instanceof ExecutionException ee && ee.getCause() != null ? ee.getCause() : e;
            if (stopped && cause instanceof InterruptedException) {
                return;
            }
            if (failure != null) {
                return;
            }
            LOG.error("Batch {} failed; stopping the context (a restart with getOrCreate re-runs it): {}",
                    time, cause.toString(), cause);
            failure = cause;
            long end = System.currentTimeMillis();
            BatchInfo failed = new BatchInfo(time, numRecords, submitted, start, end, Optional.of(cause));
            notifyInternal(l -> l.onBatchCompleted(failed));
            bus.post(l -> l.onBatchCompleted(failed));
            synchronized (completionLock) {
                completionLock.notifyAll();
            }
            onError.accept(cause);
            return;
        } finally {
            io.sluice.internal.shared.BatchContext.set(previousContext);
        }
        long end = System.currentTimeMillis();
        BatchInfo completed = new BatchInfo(time, numRecords, submitted, start, end, Optional.empty());
        notifyInternal(l -> l.onBatchCompleted(completed));
        // Queued for the listeners before the batch counts as completed: a batch generated after
        // an awaitCompletion returned is announced after this completion, never before it.
        bus.post(l -> l.onBatchCompleted(completed));
        synchronized (completionLock) {
            lastCompletedMs = Math.max(lastCompletedMs, time.milliseconds());
            completionLock.notifyAll();
        }
        LOG.debug("Batch {} completed in {} ms", time, end - start);
    }

    /** The latest completed batch time, if any. */
    public Optional<Time> lastCompleted() {
        synchronized (completionLock) {
            return lastCompletedMs == Long.MIN_VALUE ? Optional.empty() : Optional.of(new Time(lastCompletedMs));
        }
    }

    /** Declares batches up to {@code time} completed (the checkpoint of a recovered context). */
    public void markCompleted(Time time) {
        synchronized (completionLock) {
            lastCompletedMs = Math.max(lastCompletedMs, time.milliseconds());
            completionLock.notifyAll();
        }
    }

    /**
     * Waits until batch {@code time} completed; false on timeout.
     *
     * @throws SluiceException if a batch failed meanwhile
     */
    public boolean awaitCompletion(Time time, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (completionLock) {
            while (lastCompletedMs < time.milliseconds()) {
                if (failure != null) {
                    throw new SluiceException("The context failed before batch " + time + " completed: " + failure, failure);
                }
                if (stopped) {
                    return false;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(completionLock, left);
            }
            return true;
        }
    }

    /**
     * Records a failure from outside the batch runner (job generation): no further batch runs,
     * and whoever waits for a batch is woken and sees the failure.
     */
    public void fail(Throwable e) {
        synchronized (completionLock) {
            if (failure == null) {
                failure = e;
            }
            completionLock.notifyAll();
        }
    }

    /** The failure that stopped batch processing, if any. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    public int concurrentJobs() {
        return concurrentJobs;
    }

    /**
     * Stops running batches. Graceful: the batches already queued run first; else queued batches
     * are dropped (a recovery re-runs them). The batch running now is never interrupted before
     * {@code timeout}, so the state store is never closed under a running update; waits at most
     * {@code timeout}, then interrupts, and waits at most {@code timeout} again.
     *
     * <p>A graceful stop that runs out of time logs a warning starting with
     * {@code "Graceful stop incomplete"} that says how many queued batches were not run (a
     * restart with getOrCreate re-runs them from the logs).
     *
     * @return whether the batch runner ended (false: a batch is still running after being
     *     interrupted, and the resources it uses must not be closed)
     */
    public boolean stop(boolean graceful, Duration timeout) {
        boolean ended = false;
        if (!graceful) {
            stopped = true;
        }
        batchRunner.shutdown();
        try {
            ended = batchRunner.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!ended) {
                stopped = true;
                int dropped = batchRunner.shutdownNow().size();
                if (graceful) {
                    stopCutShort = true;
                    LOG.warn("Graceful stop incomplete: the queued batches did not finish within {}; interrupting the"
                            + " running one and dropping {} queued (a restart with getOrCreate re-runs them)",
                            timeout, dropped);
                } else {
                    LOG.warn("The running batch did not finish within {}; interrupting it", timeout);
                }
                ended = batchRunner.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopped = true;
        if (jobPool != null) {
            jobPool.shutdownNow();
        }
        synchronized (completionLock) {
            completionLock.notifyAll();
        }
        return ended;
    }

    /** Whether a graceful {@link #stop} ran out of time and dropped or interrupted batches. */
    public boolean stopCutShort() {
        return stopCutShort;
    }

    /** Whether the scheduler was stopped. */
    public boolean isStopped() {
        return stopped;
    }
}
