package io.sluice.benchmarks.endtoend;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The input of {@link Workload#UPDATE_STATE_1M}: {@link #KEYS} keys, and a receiver feed of
 * key updates where update {@code i} is for key {@code i * 7919 mod KEYS}, so that consecutive
 * updates hit different keys and every key is visited once per {@code KEYS} updates (7919 is
 * prime, hence coprime with 10^6).
 *
 * <p>A receiver feed, not a queue stream, on both engines: Spark refuses to start a
 * checkpointed graph (updateStateByKey needs checkpointing) that holds a queue stream.
 */
public final class UpdateInput {
    /** Keys in the state. */
    public static final int KEYS = 1_000_000;

    private UpdateInput() {
    }

    /** The key of update {@code i}. */
    public static long key(long i) {
        return (i * 7919L) % KEYS;
    }

    /**
     * Emits {@code perSecond} key updates to {@code store}, one call per {@code chunkMillis},
     * until {@code stopped} is true.
     */
    public static void pump(BooleanSupplier stopped, long chunkMillis, double perSecond, Consumer<List<Long>> store) {
        long start = System.nanoTime();
        long emitted = 0;
        long next = start;
        while (!stopped.getAsBoolean()) {
            long due = (long) ((System.nanoTime() - start) * perSecond / 1e9) - emitted;
            if (due > 0) {
                List<Long> block = new ArrayList<>((int) due);
                for (long i = emitted; i < emitted + due; i++) {
                    block.add(key(i));
                }
                store.accept(block);
                emitted += due;
            }
            next += chunkMillis * 1_000_000L;
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                LockSupport.parkNanos(sleep);
            } else {
                next = System.nanoTime();
            }
        }
    }
}
