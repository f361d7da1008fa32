package io.sluice;

import io.sluice.internal.receiver.ReceiverSupervisor;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * A custom source of data, as Spark's {@code Receiver}: Sluice calls {@link #onStart()} on a
 * thread of its own when the context starts, the receiver stores what it reads with the
 * {@code store} methods, and {@link #onStop()} is called when the context stops or the
 * receiver restarts. {@code onStart} should start the receiver's own threads and return; they
 * loop {@code while (!isStopped())}.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>{@link #store(Object)} buffers a single record; the buffer is cut into a block every
 *       block interval. Records still in the buffer are lost if the JVM dies: use it for
 *       sources that cannot replay anyway.</li>
 *   <li>{@link #store(List)} and {@link #store(Iterator)} store the records as one block and
 *       return once the block is durable: written to the write-ahead log (when a checkpoint
 *       directory is set) and registered with the block tracker. A receiver that acknowledges
 *       its source after they return loses nothing on a crash (at-least-once, as Spark's
 *       reliable receivers).</li>
 *   <li>{@link #store(List, Serializable)} also records the source position reached after the
 *       records, durably with them; after a restart (or recovery with
 *       {@link StreamingContext#getOrCreate}), {@link #lastDurablePosition()} returns the
 *       position of the last durable block, so the receiver resumes its source exactly where
 *       the durable data ends: exactly-once ingestion.</li>
 * </ul>
 *
 * <p>The store methods are thread-safe; blocks of one receiver are durable in the order their
 * store calls returned.
 *
 * <h2>Threads, failures and restarts</h2>
 * <ul>
 *   <li>Each receiver runs on threads of its own, never on a task thread, so a receiver cannot
 *       starve batch processing, even with {@code local[1]}; several receivers run at once.</li>
 *   <li>The threads a receiver starts from {@code onStart} (and the threads those start)
 *       belong to the receiver: an exception that escapes any of them restarts the receiver, as
 *       does an exception from {@code onStart} or a call to {@link #restart(String)}.</li>
 *   <li>A restart runs {@link #onStop()}, waits for the receiver's threads to end (at most
 *       {@code sluice.streaming.receiver.stopTimeout}, then interrupts them), waits the restart
 *       delay and calls {@code onStart} again. The delay starts at
 *       {@code sluice.streaming.receiverRestartDelay} and grows with each failure in a row up
 *       to {@code sluice.streaming.receiver.maxRestartDelay}; it starts over once the receiver
 *       stored data (or ran for the max delay) since its last start.</li>
 *   <li>Because the old threads have ended before {@code onStart} runs again,
 *       {@link #lastDurablePosition()} read in the new start already includes every block the
 *       old threads stored.</li>
 *   <li>When the context stops, the same happens without the restart.</li>
 * </ul>
 *
 * <h2>Rate</h2>
 * Every store call waits until the receiver's rate limiter admits its records:
 * {@code sluice.streaming.receiver.maxRate} records per second, or with
 * {@code sluice.streaming.backpressure.enabled} the rate the backpressure estimator derives
 * from the last batches (never above maxRate); {@link #currentRateLimit()} tells the current
 * rate. A receiver thus slows down, blocked in {@code store}, when batches fall behind, instead
 * of piling up blocks. Unlike Spark, this applies to the block-storing methods too.
 *
 * @param <T> the record type
 */
public abstract class Receiver<T> implements Serializable {
    private static final long serialVersionUID = 1L;

    private final StorageLevel storageLevel;
    private transient volatile ReceiverSupervisor supervisor;

    /** A receiver whose blocks are kept at {@code storageLevel}. */
    protected Receiver(StorageLevel storageLevel) {
        this.storageLevel = storageLevel;
    }

    /** Starts receiving: start threads that read the source and call {@code store}. */
    public abstract void onStart();

    /** Stops receiving: release what {@link #onStart()} acquired. Threads see {@link #isStopped()}. */
    public abstract void onStop();

    /** The storage level given at construction. */
    public StorageLevel storageLevel() {
        return storageLevel;
    }

    /** Buffers one record; it becomes durable when the current block is cut (block interval). */
    public void store(T record) {
        supervisor().pushSingle(record);
    }

    /** Stores the records as one block; returns once it is durable. */
    public void store(List<T> records) {
        supervisor().pushBlock(records, null);
    }

    /** Stores the records as one block; returns once it is durable. */
    public void store(Iterator<T> records) {
        List<T> l = new ArrayList<>();
        records.forEachRemaining(l::add);
        supervisor().pushBlock(l, null);
    }

    /**
     * Stores the records as one block together with {@code sourcePosition}, the position of the
     * source just after them; returns once both are durable. Acknowledge the source only after
     * it returns.
     */
    public void store(List<T> records, Serializable sourcePosition) {
        if (sourcePosition == null) {
            throw new IllegalArgumentException("sourcePosition must not be null; use store(List) "
                    + "for a source without positions");
        }
        supervisor().pushBlock(records, sourcePosition);
    }

    /**
     * The source position stored with the last durable block of this receiver's stream (across
     * restarts and recovery), or empty if no position was stored yet: resume the source from it.
     */
    @SuppressWarnings("unchecked")
    public <P extends Serializable> Optional<P> lastDurablePosition() {
        return (Optional<P>) supervisor().lastDurablePosition();
    }

    /** Restarts the receiver asynchronously: onStop, the restart delay, then onStart. */
    public void restart(String message) {
        supervisor().restartReceiver(message, null);
    }

    /** Restarts the receiver asynchronously after an error. */
    public void restart(String message, Throwable error) {
        supervisor().restartReceiver(message, error);
    }

    /** Stops the receiver for good (until the context restarts). */
    public void stop(String message) {
        supervisor().stopReceiver(message, null);
    }

    /** Reports an error to the streaming listeners without stopping the receiver. */
    public void reportError(String message, Throwable error) {
        supervisor().reportError(message, error);
    }

    /** Whether the receiver has been started and not stopped since. */
    public boolean isStarted() {
        ReceiverSupervisor s = supervisor;
        return s != null && s.isReceiverStarted();
    }

    /** Whether the receiver is stopped (or stopping): receiving threads should exit. */
    public boolean isStopped() {
        ReceiverSupervisor s = supervisor;
        return s == null || s.isReceiverStopped();
    }

    /**
     * The rate, in records per second, that this receiver's store calls are throttled to now:
     * {@code sluice.streaming.receiver.maxRate}, or with backpressure the latest estimate (never
     * above maxRate); {@link Double#POSITIVE_INFINITY} if there is no limit. Store calls block
     * to keep it; a receiver that reads its source in batches may use it to size its reads.
     */
    public double currentRateLimit() {
        return supervisor().rateLimit();
    }

    /** The id of the input stream this receiver feeds. */
    public int streamId() {
        return supervisor().streamId();
    }

    /** Internal: attaches the supervisor that runs this receiver. */
    public final void attachSupervisor(ReceiverSupervisor s) {
        if (supervisor != null && supervisor != s) {
            throw new IllegalStateException("Receiver " + this + " is already attached to stream "
                    + supervisor.streamId() + "; create one receiver per receiverStream call");
        }
        supervisor = s;
    }

    private ReceiverSupervisor supervisor() {
        ReceiverSupervisor s = supervisor;
        if (s == null) {
            throw new IllegalStateException("Receiver " + getClass().getName()
                    + " is not running: store and lifecycle methods may only be called after "
                    + "the context started it");
        }
        return s;
    }
}
