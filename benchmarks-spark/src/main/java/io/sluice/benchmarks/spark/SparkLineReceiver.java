package io.sluice.benchmarks.spark;

import io.sluice.benchmarks.endtoend.LineSource;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.streaming.receiver.Receiver;

/**
 * Spark's receiver for the end-to-end benchmarks, the peer of Sluice's
 * {@code SluiceLineReceiver}: pumps {@link LineSource#shared()} on its own thread, one
 * {@code store(Iterator)} (a block, written to Spark's WAL when it is on) per block interval.
 * In local mode the receiver runs in the driver's JVM, so the shared source is the same one
 * the benchmark controls.
 */
public final class SparkLineReceiver extends Receiver<String> {
    private static final long serialVersionUID = 1L;

    private final long blockIntervalMs;

    /** A receiver storing one block every {@code blockIntervalMs}. */
    public SparkLineReceiver(long blockIntervalMs) {
        super(StorageLevel.MEMORY_AND_DISK_SER());
        this.blockIntervalMs = blockIntervalMs;
    }

    @Override
    public void onStart() {
        Thread t = new Thread(() -> LineSource.shared().pump(this::isStopped, blockIntervalMs,
                block -> store(block.iterator())), "spark-line-receiver");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void onStop() {
        // The pumping thread sees isStopped() and exits.
    }
}
