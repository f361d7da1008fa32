package io.sluice.internal.dstream;

import io.sluice.RDD;
import io.sluice.StreamingContext;
import io.sluice.Time;
import io.sluice.internal.rdd.UnionRDD;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;

/**
 * A stream fed from a queue of RDDs, for tests and demos: each batch takes one RDD
 * ({@code oneAtATime}) or all queued RDDs; an empty queue gives the default RDD, else an empty RDD. The
 * queue's contents are not part of checkpoints and are not recovered.
 */
public final class QueueInputDStream<T> extends InputDStream<T> {
    private final Queue<RDD<T>> queue;
    private final boolean oneAtATime;
    private final RDD<T> defaultRDD;

    public QueueInputDStream(StreamingContext ssc, Queue<RDD<T>> queue, boolean oneAtATime, RDD<T> defaultRDD) {
        super(ssc);
        this.queue = queue;
        this.oneAtATime = oneAtATime;
        this.defaultRDD = defaultRDD;
    }

    @Override
    protected Optional<RDD<T>> compute(Time validTime) {
        List<RDD<T>> taken = new ArrayList<>();
        synchronized (queue) {
            if (oneAtATime) {
                RDD<T> r = queue.poll();
                if (r != null) {
                    taken.add(r);
                }
            } else {
                RDD<T> r;
                while ((r = queue.poll()) != null) {
                    taken.add(r);
                }
            }
        }
        if (taken.isEmpty()) {
            // As Spark: the default RDD, else an empty one, so output operations still run.
            return Optional.of(defaultRDD != null ? defaultRDD
                    : io.sluice.internal.rdd.ParallelCollectionRDD.<T>empty(ssc.runtime().env()));
        }
        if (taken.size() == 1) {
            return Optional.of(taken.get(0));
        }
        return Optional.of(new UnionRDD<>(taken.get(0).env(), taken));
    }
}
