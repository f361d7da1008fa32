package io.sluice.internal.window;

import io.sluice.DStream;
import io.sluice.PairRDD;
import io.sluice.RDD;
import io.sluice.Time;
import io.sluice.Tuple2;
import io.sluice.function.Function;
import io.sluice.function.Function2;
import io.sluice.internal.scheduler.StageBoundary;
import io.sluice.internal.scheduler.TaskScheduler;
import io.sluice.internal.state.StateKeys;
import io.sluice.internal.storage.serde.Serializer;
import io.sluice.internal.storage.state.StateTable;
import io.sluice.internal.util.UserCodeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code reduceByKeyAndWindow} with an inverse function, in O(slide) per slide.
 *
 * <h2>How it works, and why</h2>
 * Recomputing a window of w from its batches costs O(w) per slide. With an inverse function
 * the new window's value is the previous one, minus the slide that left, plus the slide that
 * entered: {@code new = reduce(invReduce(prev, old), entered)}. That needs the previous window
 * and the per-batch partial aggregates of the batches leaving the window; Spark keeps both as
 * RDDs on the heap (and checkpoints them). Sluice keeps both in the operator's table of the
 * state store, so the heap holds one slide at a time, and checkpoints snapshot them with the
 * rest of the state:
 * <pre>
 *   'B' batchTime(8) partition(4) key  -> the batch's reduced value of the key
 *   'W' partition(4) key               -> the window's current value of the key
 *   'L' partition(4)                   -> the slide time 'W' is as of (8 bytes)
 * </pre>
 * At every batch, {@link #applyBatch} reduces the parent's batch by key and writes its
 * partials; at every slide time t it then updates 'W' from the partials of the batches that
 * entered ({@code (max(t - s, t - w), t]}) and left ({@code (t - s - w, min(t - s, t - w)]}) the
 * window, applies the filter, and deletes every partial of a batch at or before {@code t - w}. Each step of a batch is applied once and in batch order; a
 * re-run batch after recovery starts from the snapshot of the checkpoint before it.
 *
 * <p>Slide times can be missing: with {@code sluice.streaming.recovery.downTimeBatches=skip} (or
 * past {@code maxDownTimeBatches}) the batch times of an outage never run. So the previous
 * window is not assumed to end at {@code t - s} but at the slide time 'L' records: entering is
 * then {@code (max(L, t - w), t]} and leaving {@code (L - w, min(L, t - w)]}; partials of batches
 * after {@code L} that are already out of the window at {@code t} never entered it and are only
 * deleted. Without 'L' (the first slide) the previous window ends at {@code t - s}, as before.
 *
 * <p>A key whose window value was filtered out is not brought back by its leaving values:
 * as in Spark, it comes back only with new values.
 */
public final class ReducedWindowedDStream<K, V> extends io.sluice.internal.state.StatefulStream<Tuple2<K, V>> {
    public static final String KIND = "reduceByKeyAndWindow";
    private static final byte BATCH = 'B';
    private static final byte WINDOW = 'W';
    private static final byte LAST_SLIDE = 'L';

    private final DStream<Tuple2<K, V>> parent;
    private final Function2<V, V, V> reduceFunc;
    private final Function2<V, V, V> invReduceFunc;
    private final Function<Tuple2<K, V>, Boolean> filterFunc;
    private final Duration window;
    private final Duration slide;
    private final int numPartitions;

    public ReducedWindowedDStream(DStream<Tuple2<K, V>> parent, Function2<V, V, V> reduceFunc,
                                  Function2<V, V, V> invReduceFunc, Duration window, Duration slide,
                                  int numPartitions, Function<Tuple2<K, V>, Boolean> filterFunc) {
        super(validated(parent, window, slide), KIND);
        if (numPartitions < 1) {
            throw new IllegalArgumentException("numPartitions must be >= 1, got " + numPartitions);
        }
        if (reduceFunc == null || invReduceFunc == null) {
            throw new IllegalArgumentException("reduceByKeyAndWindow needs a reduce and an inverse reduce function");
        }
        this.parent = parent;
        this.reduceFunc = reduceFunc;
        this.invReduceFunc = invReduceFunc;
        this.filterFunc = filterFunc;
        this.window = window;
        this.slide = slide;
        this.numPartitions = numPartitions;
    }

    private static <P extends DStream<?>> P validated(P parent, Duration window, Duration slide) {
        WindowedDStream.validate(parent, window, slide);
        return parent;
    }

    @Override
    public String describe() {
        return KIND + "(window=" + window.toMillis() + "ms,slide=" + slide.toMillis() + "ms,partitions="
                + numPartitions + ")";
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
    protected Optional<RDD<Tuple2<K, V>>> compute(Time validTime) {
        return Optional.of(new WindowRDD(validTime));
    }

    private StateTable table() {
        return ssc.runtime().stateStore().table(operatorId());
    }

    @Override
    public void applyBatch(Time time, TaskScheduler scheduler) {
        applyOnce(time, first -> {
            long t = time.milliseconds();
            Optional<RDD<Tuple2<K, V>>> data = parent.isTimeValid(time) ? parent.getOrCompute(time) : Optional.empty();
            if (data.isPresent()) {
                PairRDD<K, V> reduced = PairRDD.fromRDD(data.get()).reduceByKey(reduceFunc, numPartitions);
                scheduler.prepare(reduced);
                scheduler.runTasks(numPartitions, p -> writePartials(reduced, t, p));
            }
            if (isTimeValid(time)) {
                scheduler.runTasks(numPartitions, p -> slideWindow(t, p));
            }
        });
    }

    private Void writePartials(PairRDD<K, V> reduced, long t, int p) {
        Serializer ser = env().serializer();
        try (StateTable.WriteBatch batch = table().newWriteBatch()) {
            Iterator<Tuple2<K, V>> it = reduced.compute(p);
            while (it.hasNext()) {
                Tuple2<K, V> kv = it.next();
                batch.put(concat(batchPrefix(t, p), ser.serialize(kv._1())), ser.serialize(kv._2()));
            }
            batch.commit();
        }
        return null;
    }

    private Void slideWindow(long t, int p) {
        Serializer ser = env().serializer();
        StateTable table = table();
        long step = parent.slideDuration().toMillis();
        long w = window.toMillis();
        long s = slide.toMillis();
        byte[] lastSlideKey = StateKeys.prefix(LAST_SLIDE, p);
        byte[] lastSlideBytes = table.get(lastSlideKey);
        // The slide time of the previous window: t - s unless slide times were skipped.
        long prev = lastSlideBytes == null ? t - s : ByteBuffer.wrap(lastSlideBytes).getLong();
        Map<K, V> entering = new HashMap<>();
        Map<K, V> leaving = new HashMap<>();
        List<byte[]> leavingKeys = new ArrayList<>();
        // Entering: in the window (t - w, t] but not in the previous one (prev - w, prev].
        for (long bt = Math.max(prev, t - w) + step; bt <= t; bt += step) {
            readPartials(table, ser, bt, p, entering, null);
        }
        // Leaving: in the previous window but not in this one. Batches in (prev, t - w] (a slide
        // longer than the window, or skipped slide times) were in neither: only deleted.
        for (long bt = prev - w + step; bt <= t - w; bt += step) {
            readPartials(table, ser, bt, p, bt <= prev ? leaving : null, leavingKeys);
        }
        Set<K> keys = new HashSet<>(entering.keySet());
        keys.addAll(leaving.keySet());
        try (StateTable.WriteBatch batch = table.newWriteBatch()) {
            for (K k : keys) {
                byte[] windowKey = concat(windowPrefix(p), ser.serialize(k));
                byte[] prevBytes = table.get(windowKey);
                V value;
                if (prevBytes == null) {
                    if (!entering.containsKey(k)) {
                        continue;
                    }
                    value = entering.get(k);
                } else {
                    value = ser.deserialize(prevBytes);
                    if (leaving.containsKey(k)) {
                        value = call(invReduceFunc, value, leaving.get(k));
                    }
                    if (entering.containsKey(k)) {
                        value = call(reduceFunc, value, entering.get(k));
                    }
                }
                if (filterFunc != null && !Boolean.TRUE.equals(callFilter(new Tuple2<>(k, value)))) {
                    batch.delete(windowKey);
                } else {
                    batch.put(windowKey, ser.serialize(value));
                }
            }
            for (byte[] k : leavingKeys) {
                batch.delete(k);
            }
            batch.put(lastSlideKey, ByteBuffer.allocate(Long.BYTES).putLong(t).array());
            batch.commit();
        }
        return null;
    }

    private void readPartials(StateTable table, Serializer ser, long bt, int p, Map<K, V> into, List<byte[]> keysOut) {
        byte[] prefix = batchPrefix(bt, p);
        try (StateTable.StateIterator it = table.scan(prefix)) {
            while (it.hasNext()) {
                it.next();
                byte[] key = it.key();
                K k = ser.deserialize(Arrays.copyOfRange(key, prefix.length, key.length));
                V v = ser.deserialize(it.value());
                if (into != null) {
                    into.merge(k, v, (a, b) -> call(reduceFunc, a, b));
                }
                if (keysOut != null) {
                    keysOut.add(key);
                }
            }
        }
    }

    private V call(Function2<V, V, V> f, V a, V b) {
        try {
            return f.call(a, b);
        } catch (Exception e) {
            throw UserCodeException.wrap(e);
        }
    }

    private Boolean callFilter(Tuple2<K, V> kv) {
        try {
            return filterFunc.call(kv);
        } catch (Exception e) {
            throw UserCodeException.wrap(e);
        }
    }

    private io.sluice.internal.SluiceEnv env() {
        return ssc.runtime().env();
    }

    static byte[] batchPrefix(long batchTime, int p) {
        return io.sluice.internal.state.StateKeys.timeThenPartition(BATCH, batchTime, p);
    }

    static byte[] windowPrefix(int p) {
        return io.sluice.internal.state.StateKeys.prefix(WINDOW, p);
    }

    static byte[] concat(byte[] a, byte[] b) {
        return io.sluice.internal.state.StateKeys.concat(a, b);
    }

    /** The window's value at one slide time: a scan of the 'W' entries of each partition. */
    private final class WindowRDD extends RDD<Tuple2<K, V>> implements StageBoundary {
        private final Time time;

        WindowRDD(Time time) {
            super(ReducedWindowedDStream.this.env());
            this.time = time;
        }

        @Override
        public int getNumPartitions() {
            return numPartitions;
        }

        @Override
        public void materialize(TaskScheduler scheduler) {
            applyBatch(time, scheduler);
        }

        @Override
        public Iterator<Tuple2<K, V>> compute(int partition) {
            Serializer ser = env.serializer();
            byte[] prefix = windowPrefix(partition);
            return new io.sluice.internal.state.ChunkedScan<>(table(), prefix,
                    io.sluice.internal.state.ChunkedScan.DEFAULT_CHUNK,
                    (k, v) -> new Tuple2<>(ser.<K>deserialize(Arrays.copyOfRange(k, prefix.length, k.length)),
                            ser.<V>deserialize(v)));
        }
    }
}
