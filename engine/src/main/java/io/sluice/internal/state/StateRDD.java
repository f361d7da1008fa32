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
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The state of an updateStateByKey operator after one batch.
 *
 * <p>Materializing it applies the batch: one task per state partition reads the partition's
 * new values (from the shuffle), scans the partition's stored states, calls the update function
 * for every key that has a state or new values, and writes the changed states in write batches.
 * Computing a partition afterwards reads the copy of the partition's states that the update
 * kept in memory, or, if it outgrew its budget, scans the stored states.
 *
 * <p>Layout in the operator's table: key = 4-byte big-endian partition, then the serialized
 * key; value = the serialized state. A partition is a contiguous key range, so each task scans
 * and writes only its own range.
 */
final class StateRDD<K, V, S> extends RDD<Tuple2<K, S>> implements StageBoundary {
    private static final int WRITE_CHUNK = 16_384;
    /** The partition number in front of every serialized key in the table. */
    private static final int KEY_PREFIX_BYTES = 4;

    private final StateDStream<K, V, S> owner;
    private final PairRDD<K, Iterable<V>> newValues;
    private final Time time;
    /** Per partition, the batch's output kept serialized by the update, or null: scan the store. */
    private final AtomicReferenceArray<SerializedPartition> output;
    private volatile boolean materialized;

    StateRDD(StateDStream<K, V, S> owner, PairRDD<K, Iterable<V>> newValues, Time time) {
        super(newValues.env());
        this.owner = owner;
        this.newValues = newValues;
        this.time = time;
        this.output = new AtomicReferenceArray<>(owner.numPartitions());
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

    /*
     * How a batch is applied to a partition, and why it costs what it costs.
     *
     * The contract (Spark's): the function is called for every key of the state at every batch,
     * with an empty list for keys that got no new values. So every batch reads every stored
     * state: the cost per stored key is what decides whether a large state keeps up, and it is
     * kept to one in-place read of the state, one call, one write of the result, and one
     * compare of bytes:
     *
     * - Keys are identified by their serialized bytes, as in mapWithState and in the store
     *   itself. The new values are keyed by their stored key bytes and sorted, and merged with
     *   the scan of the partition, which RocksDB returns in the same (unsigned byte) order. So a
     *   stored key is never deserialized: the function does not take the key, and matching is a
     *   compare of bytes. (Deserializing every stored key to look it up in a hash map of new
     *   values was a third of the time at 1 M keys.)
     * - One native iterator (on one snapshot) per partition, and writes in write batches of
     *   WRITE_CHUNK entries.
     * - A state whose new serialized bytes equal the stored ones is not written again (and a
     *   state of an immutable JDK value type equal to the stored one is not even serialized to
     *   find out): only the changed states reach RocksDB, which keeps memtable flushes,
     *   compactions and the incremental checkpoint's upload proportional to the change.
     * - The pass sees every (key, state) of the partition after the batch, in the store's
     *   order: exactly what a scan after it would return. It keeps them serialized in memory
     *   (SerializedPartition, up to sluice.state.outputBufferBytes), and the batch's output
     *   operations read that instead of scanning the store a second time (a native call per
     *   entry, the largest cost left after the above). A partition past its budget is scanned.
     *   The copy is published only after the partition's writes are committed.
     */
    private Void updatePartition(int p) {
        Serializer ser = env.serializer();
        StateTable table = table();
        byte[] prefix = prefix(p);
        List<Fresh<V>> fresh = freshValues(p, ser);
        int nextFresh = 0;
        // Writes are committed in chunks so a partition of millions of keys never sits in one
        // write batch on the heap. A crash in between leaves the working copy half-updated,
        // which is harmless: recovery always starts from a checkpoint's snapshot.
        ChunkedWriter writer = new ChunkedWriter(table);
        SerializedPartition out = new SerializedPartition(owner.outputBufferBytesPerPartition());
        try (StateTable.StateIterator scan = table.scan(prefix)) {
            while (scan.hasNext()) {
                scan.next();
                byte[] keyBytes = scan.key();
                // New keys that sort before this stored key.
                while (nextFresh < fresh.size() && Arrays.compareUnsigned(fresh.get(nextFresh).key, keyBytes) < 0) {
                    insert(fresh.get(nextFresh++), ser, writer, out);
                }
                List<V> vals = List.of();
                if (nextFresh < fresh.size() && Arrays.equals(fresh.get(nextFresh).key, keyBytes)) {
                    vals = fresh.get(nextFresh++).values;
                }
                byte[] stored = scan.value();
                S old = ser.deserialize(stored);
                Optional<S> next = call(vals, Optional.ofNullable(old));
                if (next.isPresent()) {
                    S state = next.get();
                    byte[] v = old != null && isImmutableValue(state) && state.equals(old)
                            ? stored : ser.serialize(state);
                    if (v != stored && !Arrays.equals(v, stored)) {
                        writer.put(keyBytes, v);
                    }
                    out.add(keyBytes, KEY_PREFIX_BYTES, v);
                } else {
                    writer.delete(keyBytes);
                }
            }
            while (nextFresh < fresh.size()) {
                insert(fresh.get(nextFresh++), ser, writer, out);
            }
            writer.commit();
        } finally {
            writer.close();
        }
        output.set(p, out.finish());
        return null;
    }

    /**
     * Whether {@code state} is of a final JDK class whose instances never change and whose
     * equals compares the value: then a state equal to the stored one is the stored bytes, with
     * no need to serialize it to find out (a counter that got no new values, the common case).
     * Any other type is serialized and compared as bytes, since a mutable state may have been
     * changed in place and returned as the same, "equal", instance.
     */
    private static boolean isImmutableValue(Object state) {
        return state instanceof Long || state instanceof Integer || state instanceof String
                || state instanceof Double || state instanceof Float || state instanceof Short
                || state instanceof Byte || state instanceof Character || state instanceof Boolean;
    }

    /** A key with no stored state: the function gets no previous state. */
    private void insert(Fresh<V> f, Serializer ser, ChunkedWriter writer, SerializedPartition out) {
        Optional<S> next = call(f.values, Optional.empty());
        if (next.isPresent()) {
            byte[] v = ser.serialize(next.get());
            writer.put(f.key, v);
            out.add(f.key, KEY_PREFIX_BYTES, v);
        }
    }

    /**
     * The batch's new values of partition {@code p}, keyed by their stored key bytes, sorted in
     * the store's key order. Two keys with the same bytes are one key in the store (a key type
     * whose equals is identity, say), so their values are concatenated.
     */
    private List<Fresh<V>> freshValues(int p, Serializer ser) {
        List<Fresh<V>> fresh = new ArrayList<>();
        Iterator<Tuple2<K, Iterable<V>>> it = newValues.compute(p);
        while (it.hasNext()) {
            Tuple2<K, Iterable<V>> kv = it.next();
            List<V> l = new ArrayList<>();
            kv._2().forEach(l::add);
            fresh.add(new Fresh<>(key(p, ser.serialize(kv._1())), l));
        }
        fresh.sort(Fresh::compare);
        List<Fresh<V>> merged = new ArrayList<>(fresh.size());
        for (Fresh<V> f : fresh) {
            Fresh<V> last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && Arrays.equals(last.key, f.key)) {
                last.values.addAll(f.values);
            } else {
                merged.add(f);
            }
        }
        return merged;
    }

    /**
     * New values of one key, under its stored key bytes (partition prefix included), with the
     * first 8 bytes after the prefix as an unsigned long ({@code head}, zero-padded): sorting by
     * head, then by the whole key, is the store's unsigned byte order, and mostly compares longs
     * (a sort of byte arrays alone was a tenth of a batch's time at 100 k updates).
     */
    private record Fresh<V>(byte[] key, List<V> values, long head) {
        Fresh(byte[] key, List<V> values) {
            this(key, values, head(key));
        }

        private static long head(byte[] key) {
            long h = 0;
            for (int i = 0; i < Long.BYTES; i++) {
                int at = KEY_PREFIX_BYTES + i;
                h = (h << 8) | (at < key.length ? key[at] & 0xFF : 0);
            }
            return h;
        }

        static int compare(Fresh<?> a, Fresh<?> b) {
            int c = Long.compareUnsigned(a.head, b.head);
            return c != 0 ? c : Arrays.compareUnsigned(a.key, b.key);
        }
    }

    /** Writes committed every {@link #WRITE_CHUNK} entries. */
    private static final class ChunkedWriter implements AutoCloseable {
        private final StateTable table;
        private StateTable.WriteBatch batch;
        private int pending;

        ChunkedWriter(StateTable table) {
            this.table = table;
            this.batch = table.newWriteBatch();
        }

        void put(byte[] key, byte[] value) {
            batch.put(key, value);
            written();
        }

        void delete(byte[] key) {
            batch.delete(key);
            written();
        }

        private void written() {
            if (++pending >= WRITE_CHUNK) {
                commit();
            }
        }

        /** Commits the pending writes; the batch is emptied and stays usable. */
        void commit() {
            if (pending > 0) {
                batch.commit();
                pending = 0;
            }
        }

        @Override
        public void close() {
            batch.close();
        }
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
        SerializedPartition kept = output.get(partition);
        if (kept != null) {
            return kept.iterator(ser);
        }
        return new ChunkedScan<>(table(), prefix(partition), ChunkedScan.DEFAULT_CHUNK,
                (k, v) -> new Tuple2<>(ser.<K>deserialize(k, KEY_PREFIX_BYTES, k.length - KEY_PREFIX_BYTES),
                        ser.<S>deserialize(v)));
    }
}
