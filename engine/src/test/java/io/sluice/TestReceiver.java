package io.sluice;

import java.io.Serializable;
import java.util.List;

/** A receiver driven by the test thread: the test calls store methods directly. */
final class TestReceiver<T> extends Receiver<T> {
    private static final long serialVersionUID = 1L;
    private volatile boolean started;

    TestReceiver() {
        super(StorageLevel.MEMORY_ONLY);
    }

    @Override
    public void onStart() {
        started = true;
    }

    @Override
    public void onStop() {
        started = false;
    }

    /** Waits (bounded) until the supervisor has started the receiver. */
    void awaitStarted() throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!started) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("receiver not started within 10 s");
            }
            Thread.onSpinWait();
            Thread.sleep(1);
        }
    }

    void storeAt(List<T> records, long position) {
        store(records, (Serializable) Long.valueOf(position));
    }
}
