package io.sluice.internal.dstream;

import io.sluice.RDD;
import io.sluice.Receiver;
import io.sluice.StreamingContext;
import io.sluice.Time;
import io.sluice.internal.receiver.BlockRDD;
import io.sluice.internal.receiver.ReceivedBlockInfo;
import java.util.List;
import java.util.Optional;

/**
 * An input stream fed by a {@link Receiver}: the RDD of batch t holds the blocks the tracker
 * allocated to t, one partition per block (empty when no block arrived).
 */
public class ReceiverInputDStream<T> extends InputDStream<T> {
    private final Receiver<T> receiver;

    public ReceiverInputDStream(StreamingContext ssc, Receiver<T> receiver) {
        super(ssc);
        if (receiver == null) {
            throw new IllegalArgumentException("receiver must not be null");
        }
        this.receiver = receiver;
    }

    /** The receiver that feeds this stream. */
    public Receiver<T> receiver() {
        return receiver;
    }

    @Override
    protected Optional<RDD<T>> compute(Time validTime) {
        var rt = ssc.runtime();
        List<ReceivedBlockInfo> blocks = rt.tracker().blocksOf(validTime, id());
        return Optional.of(new BlockRDD<>(rt.env(), blocks, rt.blockStore()));
    }
}
