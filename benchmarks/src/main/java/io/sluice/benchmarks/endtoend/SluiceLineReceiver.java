package io.sluice.benchmarks.endtoend;

import io.sluice.Receiver;
import io.sluice.StorageLevel;

/**
 * Sluice's receiver for the end-to-end benchmarks: pumps {@link LineSource#shared()} on its own
 * thread, one {@code store(List)} per block interval (which returns once the block is durable
 * when the write-ahead log is on).
 */
public final class SluiceLineReceiver extends Receiver<String> {
    private static final long serialVersionUID = 1L;

    private final long blockIntervalMs;
    private transient volatile Thread worker;

    /** A receiver storing one block every {@code blockIntervalMs}. */
    public SluiceLineReceiver(long blockIntervalMs) {
        super(StorageLevel.MEMORY_AND_DISK_SER);
        this.blockIntervalMs = blockIntervalMs;
    }

    @Override
    public void onStart() {
        Thread t = new Thread(() -> LineSource.shared().pump(this::isStopped, blockIntervalMs, block -> store(block)),
                "sluice-line-receiver");
        t.setDaemon(true);
        worker = t;
        t.start();
    }

    @Override
    public void onStop() {
        Thread t = worker;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
