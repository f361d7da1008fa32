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
    private static final int WRITE_CHUNK = 16_384;

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
        // Writes are committed in chunks so a partition of millions of keys never sits in one
        // write batch on the heap. A crash in between leaves the working copy half-updated,
        // which is harmless: recovery always starts from a checkpoint's snapshot.
        StateTable.WriteBatch batch = table.newWriteBatch();
        int pending = 0;
        try (StateTable.StateIterator scan = table.scan(prefix)) {
            while (scan.hasNext()) {
                if (pending >= WRITE_CHUNK) {
                    batch.commit();
                    batch.close();
                    batch = table.newWriteBatch();
                    pending = 0;
                }
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
                        pending++;
                    }
                } else {
                    batch.delete(keyBytes);
                    pending++;
                }
            }
            for (Map.Entry<K, List<V>> e : fresh.entrySet()) {
                Optional<S> next = call(e.getValue(), Optional.empty());
                if (next.isPresent()) {
                    batch.put(key(p, ser.serialize(e.getKey())), ser.serialize(next.get()));
                }
            }
            batch.commit();
        } finally {
            batch.close();
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
        return new ChunkedScan<>(table(), prefix(partition), ChunkedScan.DEFAULT_CHUNK,
                (k, v) -> new Tuple2<>(ser.<K>deserialize(Arrays.copyOfRange(k, 4, k.length)), ser.<S>deserialize(v)));
    }
}
