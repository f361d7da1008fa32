package io.sluice.benchmarks;

import io.sluice.Receiver;
import io.sluice.StorageLevel;
import java.util.List;

/**
 * A receiver that the benchmark application drives from its main thread: {@link #push} stores a
 * block of keys reliably (it returns once the block is durable in the write-ahead log).
 */
final class KeyReceiver extends Receiver<Integer> {
    private static final long serialVersionUID = 1L;
    private transient volatile boolean started;
    private long position;

    KeyReceiver() {
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

    /** Waits (bounded) until the supervisor has started this receiver. */
    void awaitStarted() throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!started) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The benchmark receiver did not start within 60 s");
            }
            Thread.sleep(1);
        }
    }

    /** Stores {@code keys} as one durable block. */
    void push(List<Integer> keys) {
        store(keys, Long.valueOf(++position));
    }
}
