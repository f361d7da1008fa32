package io.sluice.internal.storage.state;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Child JVM of {@link LargeStateStoreTest}, run with a small heap: writes {@code keys} entries
 * into one table, snapshots the store, restores the snapshot elsewhere and scans it, then prints
 * {@code RESULT <entries> <sum of values> <seconds>}.
 */
public final class LargeStateStoreChild {
    private LargeStateStoreChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long keys = Long.parseLong(args[1]);
        long start = System.nanoTime();
        StateStoreOptions options = new StateStoreOptions(32L << 20, 16L << 20);
        try (RocksDBStateStore store = RocksDBStateStore.open(dir.resolve("work"), options)) {
            StateTable table = store.table("op");
            StateTable.WriteBatch batch = table.newWriteBatch();
            for (long k = 0; k < keys; k++) {
                batch.put(ByteBuffer.allocate(8).putLong(k).array(), ByteBuffer.allocate(8).putLong(k % 1000).array());
                if (k % 50_000 == 49_999) {
                    batch.commit();
                    batch.close();
                    batch = table.newWriteBatch();
                }
            }
            batch.commit();
            batch.close();
            store.snapshot(dir.resolve("snapshot"));
        }
        long entries = 0;
        long sum = 0;
        try (RocksDBStateStore restored = RocksDBStateStore.restore(dir.resolve("snapshot"), dir.resolve("restored"), options);
             StateTable.StateIterator it = restored.table("op").scan(new byte[0])) {
            while (it.hasNext()) {
                it.next();
                entries++;
                sum += ByteBuffer.wrap(it.value()).getLong();
            }
        }
        System.out.println("RESULT " + entries + " " + sum + " " + (System.nanoTime() - start) / 1_000_000_000.0
                + " maxHeapMiB=" + Runtime.getRuntime().maxMemory() / (1 << 20));
    }
}
