package io.sluice;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accumulators and broadcasts of one context, by name: committed when a batch completes,
 * saved in checkpoints and restored on recovery. Package-private: users reach them through
 * {@link StreamingContext}.
 */
final class SharedVariables {
    private static final Logger LOG = LoggerFactory.getLogger(SharedVariables.class);

    private final Map<String, Accumulator<?, ?>> accumulators = new LinkedHashMap<>();
    private final Map<String, Broadcast<?>> broadcasts = new LinkedHashMap<>();

    synchronized <A extends Accumulator<?, ?>> A register(A acc) {
        if (accumulators.containsKey(acc.name())) {
            throw new IllegalArgumentException("An accumulator named [" + acc.name() + "] already exists in this "
                    + "context: names identify accumulators in checkpoints, so they must be unique");
        }
        accumulators.put(acc.name(), acc);
        return acc;
    }

    synchronized <T> Broadcast<T> register(Broadcast<T> b) {
        if (broadcasts.containsKey(b.name())) {
            throw new IllegalArgumentException("A broadcast named [" + b.name() + "] already exists in this "
                    + "context: names identify broadcasts in checkpoints, so they must be unique");
        }
        broadcasts.put(b.name(), b);
        return b;
    }

    synchronized String nextAccumulatorName() {
        return "accumulator-" + accumulators.size();
    }

    synchronized String nextBroadcastName() {
        return "broadcast-" + broadcasts.size();
    }

    /** The deltas of batch {@code timeMs} join the committed values. */
    synchronized void commit(long timeMs) {
        accumulators.values().forEach(a -> a.commit(timeMs));
    }

    synchronized TreeMap<String, Object> accumulatorSnapshot() {
        TreeMap<String, Object> m = new TreeMap<>();
        accumulators.forEach((n, a) -> m.put(n, a.snapshot()));
        return m;
    }

    synchronized TreeMap<String, Object> broadcastSnapshot() {
        TreeMap<String, Object> m = new TreeMap<>();
        broadcasts.forEach((n, b) -> {
            if (!b.isDestroyed()) {
                m.put(n, b.value());
            }
        });
        return m;
    }

    /** Restores committed accumulator values and broadcast values from a checkpoint. */
    synchronized void restore(Map<String, Object> accs, Map<String, Object> bcs) {
        accs.forEach((n, v) -> {
            Accumulator<?, ?> a = accumulators.get(n);
            if (a == null) {
                LOG.warn("The checkpoint holds accumulator [{}], which the application no longer creates; ignored", n);
            } else {
                a.restore(v);
            }
        });
        bcs.forEach((n, v) -> {
            Broadcast<?> b = broadcasts.get(n);
            if (b == null) {
                LOG.warn("The checkpoint holds broadcast [{}], which the application no longer creates; ignored", n);
            } else {
                b.restore(v);
            }
        });
    }
}
