package io.sluice.internal.recovery;

import io.sluice.DStream;
import io.sluice.SluiceException;
import io.sluice.internal.dstream.DStreamGraph;
import io.sluice.internal.dstream.StatefulDStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The interval at which a context takes its checkpoints, from the configuration and the
 * streams' {@link DStream#checkpoint(Duration)} settings, as Spark Streaming defines it.
 *
 * <p>Sluice takes one checkpoint for the whole context (every stateful operator's state is one
 * snapshot of one state store), so the context checkpoints at the shortest interval anyone asked
 * for: the smallest of {@code sluice.streaming.checkpoint.interval} (when set) and every
 * interval given to {@code DStream.checkpoint(Duration)}. When neither is set, the default is
 * Spark's: at least 10 s; and Sluice's: at least 10 batches; rounded up to a multiple of the
 * batch duration and of the slide of every stateful stream (Spark's per-stream default is a
 * multiple of the stream's slide). A recovery re-runs the batches after the checkpoint it
 * restores, so it never re-runs more than one interval's worth of batches.
 */
public final class CheckpointInterval {
    static final long MIN_DEFAULT_MS = 10_000;
    static final int MIN_DEFAULT_BATCHES = 10;

    private CheckpointInterval() {
    }

    /**
     * The interval of a context with batch duration {@code batch} and graph {@code graph}.
     *
     * @param configured {@code sluice.streaming.checkpoint.interval}, if set
     * @throws SluiceException if the configured interval is not a multiple of the batch duration
     */
    public static Duration of(Optional<Duration> configured, Duration batch, DStreamGraph graph) {
        long b = batch.toMillis();
        if (configured.isPresent() && configured.get().toMillis() % b != 0) {
            throw new SluiceException("Invalid value [" + configured.get() + "] for configuration key"
                    + " [sluice.streaming.checkpoint.interval]: it must be a multiple of the batch duration "
                    + batch + " (for example " + Duration.ofMillis(b * Math.max(1, configured.get().toMillis() / b))
                    + ")");
        }
        long ms = configured.map(Duration::toMillis).orElseGet(() -> defaultMs(b, graph));
        for (DStream<?> s : streams(graph).keySet()) {
            Optional<Duration> own = s.checkpointDuration();
            if (own.isPresent()) {
                ms = Math.min(ms, own.get().toMillis());
            }
        }
        return Duration.ofMillis(ms);
    }

    /** The default: at least 10 s and 10 batches, a multiple of the batch and of every stateful slide. */
    static long defaultMs(long batchMs, DStreamGraph graph) {
        long unit = batchMs;
        for (StatefulDStream s : graph.statefulOperators().values()) {
            if (s instanceof DStream<?> d) {
                unit = lcm(unit, d.slideDuration().toMillis());
            }
        }
        long min = Math.max(MIN_DEFAULT_MS, MIN_DEFAULT_BATCHES * batchMs);
        return (min + unit - 1) / unit * unit;
    }

    private static long lcm(long a, long b) {
        long x = a;
        long y = b;
        while (y != 0) {
            long r = x % y;
            x = y;
            y = r;
        }
        return a / x * b;
    }

    /** Every stream the outputs depend on. */
    private static Map<DStream<?>, Boolean> streams(DStreamGraph graph) {
        Map<DStream<?>, Boolean> seen = new IdentityHashMap<>();
        Deque<DStream<?>> todo = new ArrayDeque<>(graph.outputs());
        for (StatefulDStream s : graph.statefulOperators().values()) {
            if (s instanceof DStream<?> d) {
                todo.add(d);
            }
        }
        while (!todo.isEmpty()) {
            DStream<?> d = todo.pop();
            if (seen.put(d, Boolean.TRUE) == null) {
                todo.addAll(d.dependencies());
            }
        }
        return seen;
    }
}
