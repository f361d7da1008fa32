package io.sluice.benchmarks.endtoend;

import io.sluice.Receiver;
import io.sluice.StorageLevel;

/** Sluice's receiver of {@link UpdateInput} key updates: one block per block interval. */
public final class SluiceKeyReceiver extends Receiver<Long> {
    private static final long serialVersionUID = 1L;

    private final long blockIntervalMs;
    private final double perSecond;
    private transient volatile Thread worker;

    /** A receiver storing {@code perSecond} updates, one block every {@code blockIntervalMs}. */
    public SluiceKeyReceiver(long blockIntervalMs, double perSecond) {
        super(StorageLevel.MEMORY_AND_DISK_SER);
        this.blockIntervalMs = blockIntervalMs;
        this.perSecond = perSecond;
    }

    @Override
    public void onStart() {
        Thread t = new Thread(() -> UpdateInput.pump(this::isStopped, blockIntervalMs, perSecond, block -> store(block)),
                "sluice-key-receiver");
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
