package io.sluice.internal;

import io.sluice.SluiceException;
import io.sluice.internal.receiver.ReceivedBlockStore;
import io.sluice.internal.receiver.ReceivedBlockTracker;
import io.sluice.internal.storage.state.StateStore;

/**
 * The services a started context gives its streams: the environment, the block tracker and
 * store, and the state store. The latter three exist only once the context has started.
 */
public final class ContextRuntime {
    private final SluiceEnv env;
    private volatile ReceivedBlockTracker tracker;
    private volatile ReceivedBlockStore blockStore;
    private volatile StateStore stateStore;
    private volatile long runningBatchMs = Long.MIN_VALUE;

    public ContextRuntime(SluiceEnv env) {
        this.env = env;
    }

    public SluiceEnv env() {
        return env;
    }

    public ReceivedBlockTracker tracker() {
        return require(tracker, "block tracker");
    }

    public ReceivedBlockStore blockStore() {
        return require(blockStore, "block store");
    }

    public StateStore stateStore() {
        return require(stateStore, "state store");
    }

    public void setReceiving(ReceivedBlockTracker tracker, ReceivedBlockStore store) {
        this.tracker = tracker;
        this.blockStore = store;
    }

    public void setStateStore(StateStore store) {
        this.stateStore = store;
    }

    /** Declares that batch {@code time} is now running (its jobs and state updates may run). */
    public void setRunningBatch(io.sluice.Time time) {
        runningBatchMs = time.milliseconds();
    }

    /** The batch running now (or last run), in ms; Long.MIN_VALUE before the first. */
    public long runningBatchMs() {
        return runningBatchMs;
    }

    private static <T> T require(T t, String what) {
        if (t == null) {
            throw new SluiceException("Bug: the " + what + " is used before the context started");
        }
        return t;
    }
}
