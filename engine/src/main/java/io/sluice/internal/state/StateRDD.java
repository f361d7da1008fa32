package io.sluice.internal.state;

import io.sluice.PairRDD;
import io.sluice.RDD;
import io.sluice.Time;
import io.sluice.Tuple2;
import io.sluice.internal.scheduler.StageBoundary;
import io.sluice.internal.scheduler.TaskScheduler;
import io.sluice.internal.storage.serde.Serializer;
import io.sluice.internal.storage.state.StateTable;
import io.sluice.internal.util.UserCodeException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * The state of an updateStateByKey operator after one batch.
 *
 * <p>Materializing it applies the batch: one task per state partition reads the partition's
 * new values (from the shuffle), scans the partition's stored states, calls the update function
 * for every key that has a state or new values, and writes the changes in one atomic write
 * batch. Computing a partition afterwards scans the stored states.
 *
 * <p>Layout in the operator's table: key = 4-byte big-endian partition, then the serialized
 * key; value = the serialized state. A partition is a contiguous key range, so each task scans
 * and writes only its own range.
 */
final class StateRDD<K, V, S> extends RDD<Tuple2<K, S>> implements StageBoundary {
    private final StateDStream<K, V, S> owner;
    private final PairRDD<K, Iterable<V>> newValues;
    private final Time time;
    private volatile boolean materialized;

    StateRDD(StateDStream<K, V, S> owner, PairRDD<K, Iterable<V>> newValues, Time time) {
        super(newValues.env());
        this.owner = owner;
        this.newValues = newValues;
        this.time = time;
    }

    @Override
    public int getNumPartitions() {
        return owner.numPartitions();
    }

    @Override
    public List<RDD<?>> dependencies() {
        return List.of(newValues);
    }

    private StateTable table() {
        return owner.access().runtime().stateStore().table(owner.operatorId());
    }

    @Override
    public void materialize(TaskScheduler scheduler) {
        if (materialized) {
            return;
        }
        synchronized (this) {
            if (materialized) {
                return;
            }
            owner.apply(time, () -> scheduler.runTasks(getNumPartitions(), this::updatePartition));
            materialized = true;
        }
    }

    private Void updatePartition(int p) {
        Serializer ser = env.serializer();
        StateTable table = table();
        Map<K, List<V>> fresh = new HashMap<>();
        Iterator<Tuple2<K, Iterable<V>>> it = newValues.compute(p);
        while (it.hasNext()) {
            Tuple2<K, Iterable<V>> kv = it.next();
            List<V> l = new ArrayList<>();
            kv._2().forEach(l::add);
            fresh.put(kv._1(), l);
        }
        byte[] prefix = prefix(p);
        try (StateTable.WriteBatch batch = table.newWriteBatch();
             StateTable.StateIterator scan = table.scan(prefix)) {
            while (scan.hasNext()) {
                scan.next();
                byte[] keyBytes = scan.key();
                K key = ser.deserialize(Arrays.copyOfRange(keyBytes, 4, keyBytes.length));
                S old = ser.deserialize(scan.value());
                List<V> vals = fresh.remove(key);
                Optional<S> next = call(vals == null ? List.of() : vals, Optional.ofNullable(old));
                if (next.isPresent()) {
                    byte[] v = ser.serialize(next.get());
                    if (!Arrays.equals(v, scan.value())) {
                        batch.put(keyBytes, v);
                    }
                } else {
                    batch.delete(keyBytes);
                }
            }
            for (Map.Entry<K, List<V>> e : fresh.entrySet()) {
                Optional<S> next = call(e.getValue(), Optional.empty());
                if (next.isPresent()) {
                    batch.put(key(p, ser.serialize(e.getKey())), ser.serialize(next.get()));
                }
            }
            batch.commit();
        }
        return null;
    }

    private Optional<S> call(List<V> vals, Optional<S> old) {
        try {
            Optional<S> r = owner.updateFunc().call(vals, old);
            return r == null ? Optional.empty() : r;
        } catch (Exception e) {
            throw UserCodeException.wrap(e);
        }
    }

    static <K, S> void writeInitial(StateDStream<K, ?, S> owner, PairRDD<K, S> initial) {
        Serializer ser = initial.env().serializer();
        StateTable table = owner.access().runtime().stateStore().table(owner.operatorId());
        io.sluice.internal.rdd.Partitioner.Hash part = new io.sluice.internal.rdd.Partitioner.Hash(owner.numPartitions());
        try (StateTable.WriteBatch batch = table.newWriteBatch()) {
            for (Tuple2<K, S> kv : initial.collect()) {
                batch.put(key(part.partition(kv._1()), ser.serialize(kv._1())), ser.serialize(kv._2()));
            }
            batch.commit();
        }
    }

    static byte[] prefix(int partition) {
        return ByteBuffer.allocate(4).putInt(partition).array();
    }

    static byte[] key(int partition, byte[] serializedKey) {
        return ByteBuffer.allocate(4 + serializedKey.length).putInt(partition).put(serializedKey).array();
    }

    @Override
    public Iterator<Tuple2<K, S>> compute(int partition) {
        if (!materialized) {
            throw new IllegalStateException("Bug: state of batch " + time + " read before it was applied");
        }
        Serializer ser = env.serializer();
        // Read the whole partition eagerly so the native iterator is always closed.
        List<Tuple2<K, S>> out = new ArrayList<>();
        try (StateTable.StateIterator scan = table().scan(prefix(partition))) {
            while (scan.hasNext()) {
                scan.next();
                byte[] k = scan.key();
                out.add(new Tuple2<>(ser.deserialize(Arrays.copyOfRange(k, 4, k.length)), ser.deserialize(scan.value())));
            }
        }
        Iterator<Tuple2<K, S>> it = out.iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Tuple2<K, S> next() {
                if (!it.hasNext()) {
                    throw new NoSuchElementException();
                }
                return it.next();
            }
        };
    }
}
