package io.sluice.internal.receiver;

import io.sluice.Receiver;
import io.sluice.ReceiverInfo;
import io.sluice.SluiceException;
import io.sluice.internal.rate.RateLimiter;
import io.sluice.internal.storage.serde.SerializationException;
import io.sluice.internal.storage.fault.FaultPoints;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one receiver on threads of its own (never a task thread, so {@code local[1]} cannot
 * starve), throttles its store calls, groups its single records into blocks, and makes every
 * block durable before the store call that produced it returns (DESIGN.md I1).
 *
 * <h2>Threads</h2>
 * Each receiver has a {@link ThreadGroup} of its own; {@code onStart} runs on a new thread of
 * that group, so the threads the receiver starts from it belong to the group too, and they
 * inherit the number of the start that created them (its "generation", an inheritable thread
 * local). That gives the supervisor two things no receiver has to code for: an exception that
 * escapes any of those threads restarts the receiver (through the group's uncaught-exception
 * hook, which runs on the dying thread and so can tell a thread of the current generation from
 * a straggler of an earlier one), and stopping or restarting joins every thread of the group
 * with a bounded wait ({@code sluice.streaming.receiver.stopTimeout}), then interrupts the
 * stragglers and warns. A restarted receiver therefore reads {@link #lastDurablePosition()}
 * only after the threads of its previous start stored their last block, which exactly-once
 * receivers rely on. (One group per receiver rather than per start: on Java 17 a thread group
 * stays referenced by its parent until destroyed, so a group per restart would leak.)
 *
 * <h2>Restarts</h2>
 * {@link #restartReceiver} (from {@code Receiver.restart}, a failing {@code onStart} or a dying
 * receiver thread) posts the error, runs {@code onStop}, joins the generation's threads, waits
 * the {@link RestartBackoff} delay and starts a new generation, all on a restarter thread. At
 * most one restart is pending at a time; further requests while one is pending are logged and
 * dropped (they are the same failure seen from several threads).
 *
 * <h2>Blocks and rate</h2>
 * Single records ({@link Receiver#store(Object)}) are buffered and cut into a block every
 * block interval by a timer thread, and also on {@link #flush()}, which the job generator calls
 * just before it allocates blocks to a batch; with the manual clock there is no timer, so a
 * test's records land in the next batch the clock generates. Every store call first takes one
 * token per record from the receiver's {@link RateLimiter} (maxRate, or the backpressure
 * estimate), which blocks the receiver's thread rather than letting blocks pile up.
 */
public final class ReceiverSupervisor {
    private static final Logger LOG = LoggerFactory.getLogger(ReceiverSupervisor.class);

    /** Receives lifecycle events for listeners. */
    public interface Events {
        void receiverStarted(ReceiverInfo info);

        void receiverError(ReceiverInfo info);

        void receiverStopped(ReceiverInfo info);

        /** An error no restart can cure (a record type the serializer cannot handle): stop the context. */
        void fatalError(Throwable error);
    }

    private enum State { INITIALIZED, STARTED, STOPPED }

    private final Receiver<Object> receiver;
    private final int streamId;
    private final ReceivedBlockStore store;
    private final ReceivedBlockTracker tracker;
    private final ReceiverSettings settings;
    private final Events events;
    private final RateLimiter limiter;
    private final RestartBackoff backoff;
    private final ThreadGroup supervisorGroup;
    private final ThreadGroup receiverGroup;
    /** The generation a receiver thread belongs to, inherited by the threads it creates. */
    private final InheritableThreadLocal<Integer> threadGeneration = new InheritableThreadLocal<>();
    private final AtomicLong nextBlockId;
    private final Object pushLock = new Object();
    private final Object bufferLock = new Object();
    private List<Object> buffer = new ArrayList<>();

    private volatile State receiverState = State.INITIALIZED;
    private volatile boolean stopping;
    private volatile boolean supervisorStopped;
    private volatile boolean progressSinceStart;

    // Guarded by this.
    private int generation;
    private long startedAtNanos;
    private boolean restartPending;
    private Thread restarter;
    private Thread timerThread;
    private String lastErrorMessage = "";
    private Throwable lastError;
    private long lastErrorTimeMs = -1;

    /**
     * @param receiver the receiver to run (attached to this supervisor now)
     * @param streamId its input stream's id
     */
    @SuppressWarnings("unchecked")
    public ReceiverSupervisor(Receiver<?> receiver, int streamId, ReceivedBlockStore store,
                              ReceivedBlockTracker tracker, ReceiverSettings settings, Events events) {
        this.receiver = (Receiver<Object>) receiver;
        this.streamId = streamId;
        this.store = store;
        this.tracker = tracker;
        this.settings = settings;
        this.events = events;
        this.limiter = new RateLimiter(settings.initialRate(), settings.rateTime());
        this.backoff = new RestartBackoff(settings.restartDelay(), settings.maxRestartDelay(),
                settings.restartBackoffMultiplier());
        this.supervisorGroup = Thread.currentThread().getThreadGroup();
        this.receiverGroup = new ThreadGroup(supervisorGroup, "sluice-receiver-" + streamId) {
            @Override
            public void uncaughtException(Thread t, Throwable e) {
                // Runs on the dying thread: its inherited generation says which start it belongs to.
                Integer gen = threadGeneration.get();
                onUncaught(gen == null ? -1 : gen, t, e);
            }
        };
        this.nextBlockId = new AtomicLong(Math.max(tracker.maxBlockId(streamId), System.currentTimeMillis() * 1000) + 1);
        receiver.attachSupervisor(this);
    }

    public int streamId() {
        return streamId;
    }

    /** The receiver's name in events and logs: its class's simple name. */
    public String name() {
        String n = receiver.getClass().getSimpleName();
        return n.isEmpty() ? receiver.getClass().getName() : n;
    }

    /** A snapshot of the receiver's state for listeners. */
    public synchronized ReceiverInfo info() {
        return new ReceiverInfo(streamId, name(), receiverState == State.STARTED && !stopping, lastErrorMessage,
                Optional.ofNullable(lastError), lastErrorTimeMs);
    }

    /** Starts the block timer and the receiver. */
    public synchronized void start() {
        if (settings.blockTimer()) {
            timerThread = new Thread(supervisorGroup, this::timerLoop, "sluice-block-generator-" + streamId);
            timerThread.setDaemon(true);
            timerThread.start();
        }
        startReceiver();
    }

    private void timerLoop() {
        long interval = settings.blockInterval().toMillis();
        long next = System.currentTimeMillis() + interval;
        while (!supervisorStopped) {
            long wait = next - System.currentTimeMillis();
            if (wait > 0) {
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException e) {
                    return;
                }
            }
            next += interval;
            try {
                flush();
            } catch (SerializationException e) {
                LOG.error("Stream {}: {}", streamId, e.getMessage(), e);
                fatal(e);
                return;
            } catch (RuntimeException e) {
                // A block that cannot be made durable must not be acknowledged; the records of
                // single-record stores are unacknowledged by contract, so report and go on.
                LOG.error("Stream {}: cannot store a block of buffered records: {}", streamId, e.toString(), e);
                events.receiverError(recordError("cannot store a block of buffered records: " + e, e));
            }
        }
    }

    /** Starts a new generation of the receiver; the caller holds the lock. */
    private void startReceiver() {
        if (stopping) {
            return;
        }
        int gen = ++generation;
        receiverState = State.STARTED;
        progressSinceStart = false;
        startedAtNanos = System.nanoTime();
        Thread t = new Thread(receiverGroup, () -> {
            threadGeneration.set(gen);
            try {
                receiver.onStart();
            } catch (Throwable e) {
                restartReceiver("Error starting receiver " + name() + ": " + e, e);
                return;
            }
            ReceiverInfo info;
            synchronized (this) {
                if (gen != generation || receiverState != State.STARTED || stopping) {
                    return;     // stopped or restarting meanwhile: it did not (stay) start(ed)
                }
                info = info();
            }
            LOG.info("Started receiver {} of stream {}", name(), streamId);
            events.receiverStarted(info);
        }, "sluice-receiver-" + streamId);
        t.setDaemon(true);
        t.start();
    }

    private void onUncaught(int gen, Thread t, Throwable e) {
        boolean current;
        synchronized (this) {
            current = gen == generation && receiverState == State.STARTED && !stopping;
        }
        if (!current || e instanceof SerializationException) {
            // A thread of an older generation, or the context is stopping, or the error was
            // already reported as fatal by the store path: nothing to restart.
            LOG.warn("Thread {} of receiver {} (stream {}) ended with {}", t.getName(), name(), streamId, e.toString());
            return;
        }
        restartReceiver("Thread " + t.getName() + " of receiver " + name() + " died: " + e, e);
    }

    /**
     * Reports a fatal error from a thread outside the receiver's group: the context stops on
     * the thread the handler starts, and a stop must not count that thread among the receiver's
     * own (it would wait for itself).
     */
    private void fatal(Throwable e) {
        Thread t = new Thread(supervisorGroup, () -> events.fatalError(e), "sluice-receiver-fatal-" + streamId);
        t.setDaemon(true);
        t.start();
    }

    /** Buffers one record (cut into a block at the next block interval or flush), after the rate limiter admits it. */
    public void pushSingle(Object record) {
        throttle(1);
        synchronized (bufferLock) {
            buffer.add(record);
        }
        if (!progressSinceStart) {
            progressSinceStart = true;
        }
    }

    /** Stores {@code records} as one durable block with {@code position}; returns once durable. */
    public void pushBlock(List<?> records, Serializable position) {
        if (supervisorStopped) {
            throw new SluiceException("Receiver of stream " + streamId + " stored a block after the "
                    + "context stopped: the block was not stored, do not acknowledge it");
        }
        throttle(records.size());
        synchronized (pushLock) {
            try {
                store.store(streamId, nextBlockId.getAndIncrement(), new ArrayList<>(records), position);
                FaultPoints.hit(FaultPoints.RECEIVER_BEFORE_ACK);
            } catch (SerializationException e) {
                // A programming error: restarting the receiver would hit it again forever.
                fatal(e);
                throw e;
            }
        }
        progressSinceStart = true;
    }

    /**
     * Waits for the rate limiter to admit {@code n} records. A receiver that is stopping is not
     * held back (its last records are stored at once), and an interrupt ends the wait with the
     * interrupt flag kept, so a stuck thread being interrupted by stop still stores what it has.
     */
    private void throttle(int n) {
        try {
            limiter.acquire(n);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Cuts the buffered single records into a block now (synchronously, durably). */
    public void flush() {
        List<Object> cut;
        synchronized (bufferLock) {
            if (buffer.isEmpty()) {
                return;
            }
            cut = buffer;
            buffer = new ArrayList<>();
        }
        synchronized (pushLock) {
            store.store(streamId, nextBlockId.getAndIncrement(), cut, null);
        }
    }

    /** See {@link Receiver#lastDurablePosition()}. */
    public Optional<Serializable> lastDurablePosition() {
        return tracker.lastPosition(streamId);
    }

    public boolean isReceiverStarted() {
        return receiverState == State.STARTED && !stopping;
    }

    public boolean isReceiverStopped() {
        return receiverState == State.STOPPED || stopping || supervisorStopped;
    }

    /** The rate (records per second) store calls are throttled to now; {@code Infinity}: none. */
    public double rateLimit() {
        return limiter.rate();
    }

    /**
     * Sets the rate from a backpressure estimate, capped by {@code sluice.streaming.receiver.maxRate}
     * as in Spark; a rate that is not positive is ignored.
     */
    public void updateRate(double recordsPerSecond) {
        if (recordsPerSecond > 0) {
            limiter.setRate(Math.min(recordsPerSecond, settings.maxRate()));
        }
    }

    private synchronized ReceiverInfo recordError(String message, Throwable error) {
        lastErrorMessage = message == null ? "" : message;
        lastError = error;
        lastErrorTimeMs = System.currentTimeMillis();
        return info();
    }

    /** Restarts the receiver asynchronously, after the backoff delay. */
    public void restartReceiver(String message, Throwable error) {
        Duration delay;
        ReceiverInfo info;
        synchronized (this) {
            if (stopping || supervisorStopped) {
                return;
            }
            if (restartPending) {
                LOG.debug("Receiver {} of stream {}: a restart is already pending; ignoring: {}", name(), streamId, message);
                return;
            }
            restartPending = true;
            boolean healthy = progressSinceStart
                    || System.nanoTime() - startedAtNanos >= backoff.max().toNanos();
            if (healthy) {
                backoff.reset();
            }
            delay = backoff.nextDelay();
            info = recordError(message + "; restarting in " + delay.toMillis() + " ms (failure "
                    + backoff.failuresInARow() + " in a row)", error);
        }
        if (error == null) {
            LOG.warn("Restarting receiver {} of stream {}: {}", name(), streamId, info.lastErrorMessage());
        } else {
            LOG.warn("Restarting receiver {} of stream {}: {}", name(), streamId, info.lastErrorMessage(), error);
        }
        events.receiverError(info);
        Thread t = new Thread(supervisorGroup, () -> {
            stopReceiverOnly(message);
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                synchronized (this) {
                    restartPending = false;
                }
                return;
            }
            synchronized (this) {
                // Cleared together with the start, so that a late request from a thread of the
                // old generation cannot slip in between and stop the new one.
                restartPending = false;
                startReceiver();
            }
        }, "sluice-receiver-restarter-" + streamId);
        t.setDaemon(true);
        synchronized (this) {
            restarter = t;
        }
        t.start();
    }

    /** Reports an error to the listeners; the receiver keeps running. */
    public void reportError(String message, Throwable error) {
        LOG.warn("Receiver {} of stream {} reported an error: {}", name(), streamId, message, error);
        events.receiverError(recordError(message, error));
    }

    /** Stops the receiver (not the supervisor's flushing), until the context restarts. */
    public void stopReceiver(String message, Throwable error) {
        if (error != null) {
            events.receiverError(recordError(message, error));
        }
        stopReceiverOnly(message);
    }

    /**
     * Runs onStop, then joins the threads of the current generation (bounded), then posts the
     * stopped event. The lock is not held while onStop runs: onStop may wait for a receiver thread
     * that is itself calling into the supervisor (restart, store).
     */
    private void stopReceiverOnly(String message) {
        synchronized (this) {
            if (receiverState != State.STARTED) {
                return;
            }
            receiverState = State.STOPPED;
        }
        try {
            receiver.onStop();
        } catch (Throwable e) {
            LOG.warn("Receiver {} of stream {} threw in onStop: {}", name(), streamId, e.toString(), e);
        }
        joinThreads(receiverGroup);
        events.receiverStopped(info());
        LOG.info("Stopped receiver {} of stream {}: {}", name(), streamId, message);
    }

    /** Waits for the group's threads (except the calling one) up to the stop timeout; interrupts the rest. */
    private void joinThreads(ThreadGroup g) {
        long deadline = System.nanoTime() + settings.stopTimeout().toNanos();
        for (Thread t : threadsOf(g)) {
            long left = deadline - System.nanoTime();
            try {
                if (left > 0) {
                    t.join(Math.max(1, left / 1_000_000));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        List<Thread> stuck = threadsOf(g);
        if (stuck.isEmpty()) {
            return;
        }
        stuck.forEach(Thread::interrupt);
        for (Thread t : stuck) {
            try {
                t.join(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        List<String> still = threadsOf(g).stream().map(Thread::getName).toList();
        LOG.warn("Receiver {} of stream {}: threads {} did not end within {} after onStop; interrupted them{}."
                        + " A receiver's threads should loop while !isStopped() and onStop should close what they block on",
                name(), streamId, stuck.stream().map(Thread::getName).toList(), settings.stopTimeout(),
                still.isEmpty() ? "" : ", still running: " + still);
    }

    private static List<Thread> threadsOf(ThreadGroup g) {
        Thread[] all = new Thread[Math.max(16, g.activeCount() * 2 + 4)];
        int n = g.enumerate(all, true);
        List<Thread> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (all[i] != Thread.currentThread() && all[i].isAlive()) {
                out.add(all[i]);
            }
        }
        return out;
    }

    /**
     * Stops the receiver for good: no more restarts, throttled store calls are released, onStop
     * runs and the receiver's threads are joined (bounded), the block timer stops, and with
     * {@code flushBuffered} what is still buffered is stored.
     */
    public void stop(boolean flushBuffered) {
        Thread pendingRestart;
        Thread timer;
        synchronized (this) {
            stopping = true;
            pendingRestart = restarter;
            timer = timerThread;
        }
        limiter.close();
        if (pendingRestart != null && pendingRestart != Thread.currentThread()) {
            pendingRestart.interrupt();
            try {
                pendingRestart.join(settings.stopTimeout().toMillis() + 1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        stopReceiverOnly("context stopping");
        if (timer != null) {
            timer.interrupt();
            try {
                timer.join(settings.stopTimeout().toMillis() + 1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (flushBuffered) {
            flush();
        }
        supervisorStopped = true;
    }
}
