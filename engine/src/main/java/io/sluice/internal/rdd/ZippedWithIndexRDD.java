package io.sluice.internal.rdd;

import io.sluice.RDD;
import io.sluice.Tuple2;
import io.sluice.internal.scheduler.StageBoundary;
import io.sluice.internal.scheduler.TaskScheduler;
import java.util.Iterator;
import java.util.List;

/**
 * Each record paired with its index in partition order: the first record of partition 0 has
 * index 0, the first of partition {@code p} has the number of records in partitions
 * {@code 0..p-1}.
 *
 * <p>Materializing counts the records of every partition but the last (one pass over the
 * parent, as Spark's zipWithIndex runs a job); computing then reads the parent a second time.
 * The parent must give the same records in the same order each time it is computed.
 */
public final class ZippedWithIndexRDD<T> extends RDD<Tuple2<T, Long>> implements StageBoundary {
    private final RDD<T> parent;
    private volatile long[] startIndices;

    public ZippedWithIndexRDD(RDD<T> parent) {
        super(parent.env());
        this.parent = parent;
    }

    @Override
    public int getNumPartitions() {
        return parent.getNumPartitions();
    }

    @Override
    public List<RDD<?>> dependencies() {
        return List.of(parent);
    }

    @Override
    public void materialize(TaskScheduler scheduler) {
        if (startIndices != null) {
            return;
        }
        synchronized (this) {
            if (startIndices != null) {
                return;
            }
            int n = parent.getNumPartitions();
            List<Long> counts = scheduler.runTasks(Math.max(0, n - 1), p -> {
                long c = 0;
                for (Iterator<T> it = parent.compute(p); it.hasNext(); it.next()) {
                    c++;
                }
                return c;
            });
            long[] starts = new long[n];
            for (int p = 1; p < n; p++) {
                starts[p] = starts[p - 1] + counts.get(p - 1);
            }
            startIndices = starts;
        }
    }

    @Override
    public Iterator<Tuple2<T, Long>> compute(int partition) {
        long[] starts = startIndices;
        if (starts == null) {
            throw new IllegalStateException("Bug: zipWithIndex read before its counting stage ran");
        }
        Iterator<T> it = parent.compute(partition);
        return new Iterator<>() {
            private long next = starts[partition];

            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Tuple2<T, Long> next() {
                return new Tuple2<>(it.next(), next++);
            }
        };
    }
}
