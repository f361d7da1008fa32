package io.sluice.internal.receiver;

import io.sluice.RDD;
import io.sluice.internal.SluiceEnv;
import java.util.Iterator;
import java.util.List;

/** The RDD of one stream's blocks for one batch: one partition per block. */
public final class BlockRDD<T> extends RDD<T> {
    private final List<ReceivedBlockInfo> blocks;
    private final ReceivedBlockStore store;
    private final Object[] loaded;

    public BlockRDD(SluiceEnv env, List<ReceivedBlockInfo> blocks, ReceivedBlockStore store) {
        super(env);
        this.blocks = List.copyOf(blocks);
        this.store = store;
        this.loaded = new Object[blocks.size()];
    }

    @Override
    public int getNumPartitions() {
        return blocks.size();
    }

    /** The blocks of this RDD. */
    public List<ReceivedBlockInfo> blocks() {
        return blocks;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Iterator<T> compute(int partition) {
        // The block leaves the memory store on first read; keep it for later reads of the batch.
        synchronized (loaded) {
            if (loaded[partition] == null) {
                loaded[partition] = store.take(blocks.get(partition));
            }
            return ((List<T>) loaded[partition]).iterator();
        }
    }
}
