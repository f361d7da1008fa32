package io.sluice.internal.receiver;

import io.sluice.Receiver;
import io.sluice.SluiceException;
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
 * starve), groups its single records into blocks, and makes every block durable before the
 * store call that produced it returns (DESIGN.md I1).
 *
 * <p>Single records ({@link Receiver#store(Object)}) are buffered and cut into a block every
 * block interval by a timer thread, and also on {@link #flush()}, which the job generator calls
 * just before it allocates blocks to a batch; with the manual clock there is no timer, so a
 * test's records land in the next batch the clock generates.
 *
 * <p>Restart ({@link #restartReceiver}) runs onStop, waits the restart delay and runs onStart
 * again on a new thread, and is what an error in onStart leads to.
 */
public final class ReceiverSupervisor {
    private static final Logger LOG = LoggerFactory.getLogger(ReceiverSupervisor.class);

    /** Receives lifecycle events for listeners. */
    public interface Events {
        void receiverStarted(int streamId, String name);

        void receiverError(int streamId, String name, String message, Throwable error);

        void receiverStopped(int streamId, String name);

        /** An error no restart can cure (a record type the serializer cannot handle): stop the context. */
        void fatalError(Throwable error);
    }

    private enum State { INITIALIZED, STARTED, STOPPED }

    private final Receiver<Object> receiver;
    private final int streamId;
    private final ReceivedBlockStore store;
    private final ReceivedBlockTracker tracker;
    private final Duration blockInterval;
    private final boolean blockTimer;
    private final Duration restartDelay;
    private final Events events;
    private final AtomicLong nextBlockId;
    private final Object pushLock = new Object();
    private final Object bufferLock = new Object();
    private List<Object> buffer = new ArrayList<>();
    private volatile State receiverState = State.INITIALIZED;
    private volatile boolean supervisorStopped;
    private Thread timerThread;

    @SuppressWarnings("unchecked")
    public ReceiverSupervisor(Receiver<?> receiver, int streamId, ReceivedBlockStore store,
                              ReceivedBlockTracker tracker, Duration blockInterval, boolean blockTimer,
                              Duration restartDelay, Events events) {
        this.receiver = (Receiver<Object>) receiver;
        this.streamId = streamId;
        this.store = store;
        this.tracker = tracker;
        this.blockInterval = blockInterval;
        this.blockTimer = blockTimer;
        this.restartDelay = restartDelay;
        this.events = events;
        this.nextBlockId = new AtomicLong(Math.max(tracker.maxBlockId(streamId), System.currentTimeMillis() * 1000) + 1);
        receiver.attachSupervisor(this);
    }

    public int streamId() {
        return streamId;
    }

    /** Starts the block timer and the receiver. */
    public synchronized void start() {
        if (blockTimer) {
            timerThread = new Thread(this::timerLoop, "sluice-block-generator-" + streamId);
            timerThread.setDaemon(true);
            timerThread.start();
        }
        startReceiver();
    }

    private void timerLoop() {
        long interval = blockInterval.toMillis();
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
            } catch (io.sluice.internal.storage.serde.SerializationException e) {
                LOG.error("Stream {}: {}", streamId, e.getMessage(), e);
                events.fatalError(e);
                return;
            } catch (RuntimeException e) {
                // A block that cannot be made durable must not be acknowledged; the records of
                // single-record stores are unacknowledged by contract, so report and go on.
                LOG.error("Stream {}: cannot store a block of buffered records: {}", streamId, e.toString(), e);
                events.receiverError(streamId, name(), "cannot store a block", e);
            }
        }
    }

    private void startReceiver() {
        receiverState = State.STARTED;
        Thread t = new Thread(() -> {
            try {
                receiver.onStart();
                events.receiverStarted(streamId, name());
                LOG.info("Started receiver {} of stream {}", name(), streamId);
            } catch (Throwable e) {
                restartReceiver("Error starting receiver " + name(), e);
            }
        }, "sluice-receiver-" + streamId);
        t.setDaemon(true);
        t.start();
    }

    private String name() {
        return receiver.getClass().getSimpleName();
    }

    /** Buffers one record (cut into a block at the next block interval or flush). */
    public void pushSingle(Object record) {
        synchronized (bufferLock) {
            buffer.add(record);
        }
    }

    /** Stores {@code records} as one durable block with {@code position}; returns once durable. */
    public void pushBlock(List<?> records, Serializable position) {
        if (supervisorStopped) {
            throw new SluiceException("Receiver of stream " + streamId + " stored a block after the "
                    + "context stopped: the block was not stored, do not acknowledge it");
        }
        synchronized (pushLock) {
            try {
                store.store(streamId, nextBlockId.getAndIncrement(), new ArrayList<>(records), position);
                FaultPoints.hit(FaultPoints.RECEIVER_BEFORE_ACK);
            } catch (io.sluice.internal.storage.serde.SerializationException e) {
                // A programming error: restarting the receiver would hit it again forever.
                events.fatalError(e);
                throw e;
            }
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
        return receiverState == State.STARTED;
    }

    public boolean isReceiverStopped() {
        return receiverState == State.STOPPED || supervisorStopped;
    }

    /** Restarts the receiver asynchronously. */
    public void restartReceiver(String message, Throwable error) {
        if (supervisorStopped) {
            return;
        }
        LOG.warn("Restarting receiver {} of stream {} in {} ms: {}", name(), streamId,
                restartDelay.toMillis(), message, error);
        events.receiverError(streamId, name(), message, error);
        Thread t = new Thread(() -> {
            stopReceiverOnly(message);
            try {
                Thread.sleep(restartDelay.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            synchronized (this) {
                if (!supervisorStopped) {
                    startReceiver();
                }
            }
        }, "sluice-receiver-restarter-" + streamId);
        t.setDaemon(true);
        t.start();
    }

    /** Reports an error to the listeners; the receiver keeps running. */
    public void reportError(String message, Throwable error) {
        LOG.warn("Receiver {} of stream {} reported an error: {}", name(), streamId, message, error);
        events.receiverError(streamId, name(), message, error);
    }

    /** Stops the receiver (not the supervisor's flushing). */
    public void stopReceiver(String message, Throwable error) {
        if (error != null) {
            events.receiverError(streamId, name(), message, error);
        }
        stopReceiverOnly(message);
    }

    private synchronized void stopReceiverOnly(String message) {
        if (receiverState != State.STARTED) {
            return;
        }
        receiverState = State.STOPPED;
        try {
            receiver.onStop();
        } catch (Throwable e) {
            LOG.warn("Receiver {} of stream {} threw in onStop: {}", name(), streamId, e.toString(), e);
        }
        events.receiverStopped(streamId, name());
        LOG.info("Stopped receiver {} of stream {}: {}", name(), streamId, message);
    }

    /** Stops the receiver and the block timer, then stores what is still buffered. */
    public void stop(boolean flushBuffered) {
        stopReceiverOnly("context stopping");
        synchronized (this) {
            if (timerThread != null) {
                timerThread.interrupt();
            }
        }
        if (flushBuffered) {
            flush();
        }
        supervisorStopped = true;
    }
}
