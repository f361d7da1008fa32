package io.sluice.internal.window;

import io.sluice.DStream;
import io.sluice.RDD;
import io.sluice.Time;
import io.sluice.internal.rdd.ParallelCollectionRDD;
import io.sluice.internal.rdd.UnionRDD;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code window(w, s)}: at every slide time t, the union of the parent's RDDs of the batches
 * in {@code (t - w, t]}. The parent remembers its RDDs for the window's length; after a
 * recovery, input RDDs of batches before the checkpoint are rebuilt from their logged block
 * allocations and the write-ahead log.
 */
public final class WindowedDStream<T> extends DStream<T> {
    private final DStream<T> parent;
    private final Duration window;
    private final Duration slide;

    public WindowedDStream(DStream<T> parent, Duration window, Duration slide) {
        super(parent.context());
        validate(parent, window, slide);
        this.parent = parent;
        this.window = window;
        this.slide = slide;
    }

    /**
     * Checks that {@code window} and {@code slide} are positive multiples of the parent's slide.
     *
     * @throws IllegalArgumentException naming the durations and the fix
     */
    public static void validate(DStream<?> parent, Duration window, Duration slide) {
        long p = parent.slideDuration().toMillis();
        if (window == null || window.toMillis() <= 0 || window.toMillis() % p != 0) {
            throw new IllegalArgumentException("The window duration of windowed DStream (" + millis(window)
                    + ") must be a positive multiple of the slide duration of parent DStream (" + p + " ms)");
        }
        if (slide == null || slide.toMillis() <= 0 || slide.toMillis() % p != 0) {
            throw new IllegalArgumentException("The slide duration of windowed DStream (" + millis(slide)
                    + ") must be a positive multiple of the slide duration of parent DStream (" + p + " ms)");
        }
    }

    private static String millis(Duration d) {
        return d == null ? "null" : d.toMillis() + " ms";
    }

    public Duration windowDuration() {
        return window;
    }

    @Override
    public Duration slideDuration() {
        return slide;
    }

    @Override
    public List<DStream<?>> dependencies() {
        return List.of(parent);
    }

    @Override
    protected Duration parentRememberDuration() {
        return rememberDuration().plus(window);
    }

    @Override
    protected Optional<RDD<T>> compute(Time validTime) {
        List<RDD<T>> rdds = new ArrayList<>();
        long step = parent.slideDuration().toMillis();
        long from = validTime.milliseconds() - window.toMillis() + step;
        for (long t = from; t <= validTime.milliseconds(); t += step) {
            Time time = new Time(t);
            if (t > parent.zeroTime().milliseconds()) {
                parent.getOrCompute(time).ifPresent(rdds::add);
            }
        }
        if (rdds.isEmpty()) {
            return Optional.of(ParallelCollectionRDD.empty(ssc.runtime().env()));
        }
        return Optional.of(rdds.size() == 1 ? rdds.get(0) : new UnionRDD<>(rdds.get(0).env(), rdds));
    }
}
