package io.sluice.internal.state;

import io.sluice.DStream;
import io.sluice.PairRDD;
import io.sluice.RDD;
import io.sluice.State;
import io.sluice.StateSpec;
import io.sluice.Time;
import io.sluice.Tuple2;
import io.sluice.internal.rdd.ParallelCollectionRDD;
import io.sluice.internal.rdd.Partitioner;
import io.sluice.internal.rdd.ShuffledRDD;
import io.sluice.internal.scheduler.StageBoundary;
import io.sluice.internal.scheduler.TaskScheduler;
import io.sluice.internal.storage.serde.Serializer;
import io.sluice.internal.storage.state.StateTable;
import io.sluice.internal.util.UserCodeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code mapWithState}: calls the user's function for every record of a batch with the key's
 * state, keeps the states in the state store, and times out idle keys at every batch.
 *
 * <h2>How it works, and why</h2>
 * Layout in the operator's table:
 * <pre>
 *   'S' partition(4) key                 -> StoredState(state, time of the key's last data)
 *   'T' partition(4) lastDataMs(8) key   -> empty   (only with a timeout)
 * </pre>
 * The 'T' index is ordered by time within a partition, so finding the keys that timed out at
 * batch t is a scan of the entries older than {@code t - timeout}: the cost is the number of
 * keys that expire, not the size of the state, which is why Sluice can check timeouts at every
 * batch where Spark checks them only at checkpoints. A batch's writes to a partition go in one
 * atomic write batch, and each batch is applied once and in order.
 */
public final class MapWithStateOperator<K, V, S, T> extends StatefulStream<T> {
    public static final String KIND = "mapWithState";
    private static final byte STATE = 'S';
    private static final byte TIMEOUT = 'T';

    private final DStream<Tuple2<K, V>> parent;
    private final StateSpec<K, V, S, T> spec;
    private final int numPartitions;
    private final Map<Long, List<List<T>>> mapped = new ConcurrentHashMap<>();

    public MapWithStateOperator(DStream<Tuple2<K, V>> parent, StateSpec<K, V, S, T> spec, int defaultPartitions) {
        super(parent, KIND);
        this.parent = parent;
        this.spec = spec;
        this.numPartitions = spec.getNumPartitions() > 0 ? spec.getNumPartitions() : defaultPartitions;
    }

    @Override
    public String describe() {
        return KIND + "(partitions=" + numPartitions + ")";
    }

    @Override
    public Duration slideDuration() {
        return parent.slideDuration();
    }

    @Override
    public List<DStream<?>> dependencies() {
        return List.of(parent);
    }

    @Override
    protected Optional<RDD<T>> compute(Time validTime) {
        return Optional.of(new MappedRDD(validTime));
    }

    @Override
    public void clearMetadata(Time time) {
        super.clearMetadata(time);
        long cutoff = time.milliseconds() - rememberDuration().toMillis();
        mapped.keySet().removeIf(t -> t <= cutoff);
    }

    /** The stream of every (key, state) after each batch. */
    public DStream<Tuple2<K, S>> snapshots() {
        return new SnapshotStream();
    }

    private StateTable table() {
        return ssc.runtime().stateStore().table(operatorId());
    }

    @Override
    public void applyBatch(Time time, TaskScheduler scheduler) {
        if (!isTimeValid(time)) {
            return;
        }
        applyOnce(time, first -> {
            if (first && spec.getInitialState().isPresent()) {
                writeInitial(spec.getInitialState().get(), time.milliseconds());
            }
            RDD<Tuple2<K, V>> data = parent.getOrCompute(time)
                    .orElseGet(() -> ParallelCollectionRDD.empty(ssc.runtime().env()));
            ShuffledRDD<K, V, List<V>> grouped = new ShuffledRDD<>(data, ShuffledRDD.listAggregator(),
                    new Partitioner.Hash(numPartitions), false);
            scheduler.prepare(grouped);
            mapped.put(time.milliseconds(), scheduler.runTasks(numPartitions, p -> updatePartition(grouped, time, p)));
        });
    }

    private List<T> updatePartition(ShuffledRDD<K, V, List<V>> grouped, Time time, int p) {
        Serializer ser = ssc.runtime().env().serializer();
        StateTable table = table();
        long t = time.milliseconds();
        Optional<Duration> timeout = spec.getTimeout();
        List<T> out = new ArrayList<>();
        Set<ByteBuffer> touched = new HashSet<>();
        try (StateTable.WriteBatch batch = table.newWriteBatch()) {
            Iterator<Tuple2<K, List<V>>> it = grouped.compute(p);
            while (it.hasNext()) {
                Tuple2<K, List<V>> kv = it.next();
                byte[] keyBytes = ser.serialize(kv._1());
                byte[] stateKey = concat(prefix(STATE, p), keyBytes);
                touched.add(ByteBuffer.wrap(stateKey));
                byte[] storedBytes = table.get(stateKey);
                StoredState stored = storedBytes == null ? null : ser.deserialize(storedBytes);
                @SuppressWarnings("unchecked")
                S current = stored == null ? null : (S) stored.state();
                boolean exists = stored != null;
                for (V v : kv._2()) {
                    // As Spark: each record gets a fresh State over the key's current state.
                    StateImpl<S> state = new StateImpl<>(exists, current, false);
                    call(time, kv._1(), Optional.ofNullable(v), state, out);
                    exists = state.exists;
                    current = state.value;
                }
                if (stored != null && timeout.isPresent()) {
                    batch.delete(timeoutKey(p, stored.lastDataMs(), keyBytes));
                }
                if (!exists) {
                    if (stored != null) {
                        batch.delete(stateKey);
                    }
                } else {
                    batch.put(stateKey, ser.serialize(new StoredState(current, t)));
                    if (timeout.isPresent()) {
                        batch.put(timeoutKey(p, t, keyBytes), new byte[0]);
                    }
                }
            }
            if (timeout.isPresent()) {
                long threshold = t - timeout.get().toMillis();
                byte[] tp = prefix(TIMEOUT, p);
                try (StateTable.StateIterator idx = table.scan(tp)) {
                    while (idx.hasNext()) {
                        idx.next();
                        byte[] ik = idx.key();
                        long last = ByteBuffer.wrap(ik, tp.length, 8).getLong();
                        if (last >= threshold) {
                            break;
                        }
                        byte[] keyBytes = Arrays.copyOfRange(ik, tp.length + 8, ik.length);
                        byte[] stateKey = concat(prefix(STATE, p), keyBytes);
                        if (touched.contains(ByteBuffer.wrap(stateKey))) {
                            continue;
                        }
                        byte[] storedBytes = table.get(stateKey);
                        batch.delete(ik);
                        if (storedBytes == null) {
                            continue;
                        }
                        StoredState stored = ser.deserialize(storedBytes);
                        @SuppressWarnings("unchecked")
                        StateImpl<S> state = new StateImpl<>(true, (S) stored.state(), true);
                        K key = ser.deserialize(keyBytes);
                        call(time, key, Optional.empty(), state, out);
                        batch.delete(stateKey);
                    }
                }
            }
            batch.commit();
        }
        return out;
    }

    private void call(Time time, K key, Optional<V> value, State<S> state, List<T> out) {
        try {
            Optional<T> r = spec.getFunction().call(time, key, value, state);
            if (r != null && r.isPresent()) {
                out.add(r.get());
            }
        } catch (Exception e) {
            throw UserCodeException.wrap(e);
        }
    }

    private void writeInitial(PairRDD<K, S> initial, long t) {
        Serializer ser = ssc.runtime().env().serializer();
        Partitioner.Hash part = new Partitioner.Hash(numPartitions);
        try (StateTable.WriteBatch batch = table().newWriteBatch()) {
            for (Tuple2<K, S> kv : initial.collect()) {
                int p = part.partition(kv._1());
                byte[] keyBytes = ser.serialize(kv._1());
                batch.put(concat(prefix(STATE, p), keyBytes), ser.serialize(new StoredState(kv._2(), t)));
                if (spec.getTimeout().isPresent()) {
                    batch.put(timeoutKey(p, t, keyBytes), new byte[0]);
                }
            }
            batch.commit();
        }
    }

    private static byte[] prefix(byte kind, int p) {
        return StateKeys.prefix(kind, p);
    }

    private static byte[] timeoutKey(int p, long time, byte[] keyBytes) {
        return StateKeys.concat(StateKeys.partitionThenTime(TIMEOUT, p, time), keyBytes);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        return StateKeys.concat(a, b);
    }

    /** The records the function returned in one batch. */
    private final class MappedRDD extends RDD<T> implements StageBoundary {
        private final Time time;

        MappedRDD(Time time) {
            super(ssc.runtime().env());
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
        public Iterator<T> compute(int partition) {
            List<List<T>> out = mapped.get(time.milliseconds());
            if (out == null) {
                throw new IllegalStateException("The mapped records of batch " + time + " of operator ["
                        + operatorId() + "] are no longer kept: read them within their batch, or remember the stream longer");
            }
            return out.get(partition).iterator();
        }
    }

    /** Every (key, state) after a batch. */
    private final class SnapshotStream extends DStream<Tuple2<K, S>> {
        SnapshotStream() {
            super(MapWithStateOperator.this.ssc);
        }

        @Override
        public Duration slideDuration() {
            return MapWithStateOperator.this.slideDuration();
        }

        @Override
        public List<DStream<?>> dependencies() {
            return List.of(MapWithStateOperator.this);
        }

        @Override
        protected Optional<RDD<Tuple2<K, S>>> compute(Time validTime) {
            return Optional.of(new SnapshotRDD(validTime));
        }
    }

    private final class SnapshotRDD extends RDD<Tuple2<K, S>> implements StageBoundary {
        private final Time time;

        SnapshotRDD(Time time) {
            super(ssc.runtime().env());
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
        @SuppressWarnings("unchecked")
        public Iterator<Tuple2<K, S>> compute(int partition) {
            Serializer ser = env.serializer();
            byte[] sp = prefix(STATE, partition);
            return new ChunkedScan<>(table(), sp, ChunkedScan.DEFAULT_CHUNK, (k, v) -> {
                StoredState st = ser.deserialize(v);
                return new Tuple2<>(ser.<K>deserialize(Arrays.copyOfRange(k, sp.length, k.length)), (S) st.state());
            });
        }
    }

    /** The State handed to the function for one key in one batch. */
    private static final class StateImpl<S> extends State<S> {
        private final boolean timingOut;
        private boolean exists;
        private S value;
        private boolean removed;

        StateImpl(boolean exists, S value, boolean timingOut) {
            this.exists = exists;
            this.value = value;
            this.timingOut = timingOut;
        }

        @Override
        public boolean exists() {
            return exists;
        }

        @Override
        public S get() {
            if (!exists) {
                throw new NoSuchElementException("State is not set");
            }
            return value;
        }

        @Override
        public void update(S newState) {
            if (timingOut) {
                throw new IllegalArgumentException("Cannot update the state that is timing out");
            }
            if (removed) {
                throw new IllegalArgumentException("Cannot update the state after it has been removed");
            }
            value = newState;
            exists = true;
        }

        @Override
        public void remove() {
            if (timingOut) {
                throw new IllegalArgumentException("Cannot remove the state that is timing out");
            }
            if (removed) {
                throw new IllegalArgumentException("Cannot remove the state that has already been removed");
            }
            removed = true;
            exists = false;
            value = null;
        }

        @Override
        public boolean isTimingOut() {
            return timingOut;
        }
    }
}
