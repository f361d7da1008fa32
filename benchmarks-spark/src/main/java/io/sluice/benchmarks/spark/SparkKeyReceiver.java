package io.sluice.benchmarks.spark;

import io.sluice.benchmarks.endtoend.UpdateInput;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.streaming.receiver.Receiver;

/** Spark's receiver of {@link UpdateInput} key updates: one block per block interval. */
public final class SparkKeyReceiver extends Receiver<Long> {
    private static final long serialVersionUID = 1L;

    private final long blockIntervalMs;
    private final double perSecond;

    /** A receiver storing {@code perSecond} updates, one block every {@code blockIntervalMs}. */
    public SparkKeyReceiver(long blockIntervalMs, double perSecond) {
        super(StorageLevel.MEMORY_AND_DISK_SER());
        this.blockIntervalMs = blockIntervalMs;
        this.perSecond = perSecond;
    }

    @Override
    public void onStart() {
        Thread t = new Thread(() -> UpdateInput.pump(this::isStopped, blockIntervalMs, perSecond,
                block -> store(block.iterator())), "spark-key-receiver");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void onStop() {
        // The pumping thread sees isStopped() and exits.
    }
}
