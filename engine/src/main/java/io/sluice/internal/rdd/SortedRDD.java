package io.sluice.internal.rdd;

import io.sluice.RDD;
import io.sluice.Tuple2;
import io.sluice.internal.scheduler.StageBoundary;
import io.sluice.internal.scheduler.TaskScheduler;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;

/**
 * A sort by key: a range shuffle into {@code numPartitions} partitions, each sorted, so that
 * reading the partitions in order gives all records in key order (sortByKey, sortBy).
 *
 * <h2>How it works, and why</h2>
 * Spark samples its input in a separate job to choose the range bounds, then shuffles. Sluice's
 * shuffles are in memory anyway, so materializing does it in one pass over the parent:
 * <ol>
 *   <li>One task per parent partition drains the partition into a list and sorts it by key
 *       (a stable sort), giving one sorted run per map task.
 *   <li>The bounds are chosen from evenly spaced keys of each run, each weighted by the number
 *       of records it stands for (Spark's {@code RangePartitioner.determineBounds}): bound
 *       {@code i} is the first sampled key at which the cumulative weight reaches
 *       {@code (i + 1) / numPartitions} of the total. A small run is sampled whole, so small
 *       inputs get exact quantiles.
 *   <li>Reduce partition {@code r} holds the keys in {@code (bound[r-1], bound[r]]}: all records
 *       of one key land in one partition. Computing it binary-searches that range in every run
 *       and merges the slices, ties going to the earlier run.
 * </ol>
 * Because the runs are sorted stably and ties are merged in map-task order, records with equal
 * keys keep their input order (partition order, then position): the sort is stable. Repeated
 * bounds (a heavily repeated key) leave some partitions empty; the partition count is always
 * the requested one.
 *
 * <p>The bounds are only known once the parent is read, so this RDD reports no
 * {@link #partitioner()}.
 */
public final class SortedRDD<K, V> extends RDD<Tuple2<K, V>> implements StageBoundary {
    /** Sampled keys per run per output partition: enough for even partitions, cheap to sort. */
    private static final int SAMPLES_PER_PARTITION = 20;

    private final RDD<Tuple2<K, V>> parent;
    private final Comparator<? super K> order;
    private final Comparator<Tuple2<K, V>> byKey;
    private final int numPartitions;
    private volatile Runs<K, V> runs;

    private record Runs<K, V>(List<List<Tuple2<K, V>>> sorted, List<K> bounds) {
    }

    /**
     * @param order the key order of the result (already reversed for a descending sort)
     * @throws IllegalArgumentException if {@code numPartitions < 1}
     */
    public SortedRDD(RDD<Tuple2<K, V>> parent, Comparator<? super K> order, int numPartitions) {
        super(parent.env());
        if (numPartitions < 1) {
            throw new IllegalArgumentException("numPartitions of a sort must be >= 1, got " + numPartitions);
        }
        this.parent = parent;
        this.order = order;
        this.byKey = (a, b) -> order.compare(a._1(), b._1());
        this.numPartitions = numPartitions;
    }

    @Override
    public int getNumPartitions() {
        return numPartitions;
    }

    @Override
    public List<RDD<?>> dependencies() {
        return List.of(parent);
    }

    @Override
    public void materialize(TaskScheduler scheduler) {
        if (runs != null) {
            return;
        }
        synchronized (this) {
            if (runs != null) {
                return;
            }
            List<List<Tuple2<K, V>>> sorted = scheduler.runTasks(parent.getNumPartitions(), p -> {
                List<Tuple2<K, V>> run = new ArrayList<>();
                parent.compute(p).forEachRemaining(run::add);
                run.sort(byKey);
                return run;
            });
            runs = new Runs<>(sorted, bounds(sorted));
        }
    }

    private List<K> bounds(List<List<Tuple2<K, V>>> sorted) {
        long total = 0;
        for (List<Tuple2<K, V>> run : sorted) {
            total += run.size();
        }
        if (numPartitions == 1 || total == 0) {
            return List.of();
        }
        List<Tuple2<K, Double>> samples = new ArrayList<>();
        for (List<Tuple2<K, V>> run : sorted) {
            int size = run.size();
            int count = Math.min(size, SAMPLES_PER_PARTITION * numPartitions);
            for (int j = 0; j < count; j++) {
                int index = (int) (((long) j * size + size / 2) / count);
                samples.add(new Tuple2<>(run.get(index)._1(), (double) size / count));
            }
        }
        samples.sort((a, b) -> order.compare(a._1(), b._1()));
        List<K> bounds = new ArrayList<>(numPartitions - 1);
        double step = (double) total / numPartitions;
        double cumulative = 0;
        for (Tuple2<K, Double> s : samples) {
            cumulative += s._2();
            // Several bounds may fall on one heavy sample: they repeat, leaving partitions empty.
            while (bounds.size() < numPartitions - 1 && cumulative >= step * (bounds.size() + 1)) {
                bounds.add(s._1());
            }
        }
        K last = samples.get(samples.size() - 1)._1();
        while (bounds.size() < numPartitions - 1) {
            bounds.add(last); // rounding left the last targets unmet: they sit at the maximum
        }
        return bounds;
    }

    /** The first index in {@code run} whose key is greater than {@code bound}. */
    private int upperBound(List<Tuple2<K, V>> run, K bound) {
        int lo = 0;
        int hi = run.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (order.compare(run.get(mid)._1(), bound) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    @Override
    public Iterator<Tuple2<K, V>> compute(int partition) {
        Runs<K, V> r = runs;
        if (r == null) {
            throw new IllegalStateException("Bug: sorted RDD read before its map stage ran");
        }
        if (partition < 0 || partition >= numPartitions) {
            throw new IndexOutOfBoundsException("partition " + partition + " of " + numPartitions);
        }
        if (r.bounds().isEmpty() && partition > 0) {
            return Collections.emptyIterator(); // one partition, or no record at all
        }
        List<List<Tuple2<K, V>>> slices = new ArrayList<>(r.sorted().size());
        for (List<Tuple2<K, V>> run : r.sorted()) {
            int from = partition == 0 ? 0 : upperBound(run, r.bounds().get(partition - 1));
            int to = partition == numPartitions - 1 || r.bounds().isEmpty()
                    ? run.size() : upperBound(run, r.bounds().get(partition));
            if (from < to) {
                slices.add(run.subList(from, to));
            }
        }
        return slices.size() == 1 ? Collections.unmodifiableList(slices.get(0)).iterator() : merge(slices);
    }

    /** A k-way merge of sorted slices; equal keys come from the earlier slice first. */
    private Iterator<Tuple2<K, V>> merge(List<List<Tuple2<K, V>>> slices) {
        // A cursor is {slice index, position}; the slice index breaks ties, keeping stability.
        PriorityQueue<int[]> heap = new PriorityQueue<>(Math.max(1, slices.size()), (a, b) -> {
            int c = byKey.compare(slices.get(a[0]).get(a[1]), slices.get(b[0]).get(b[1]));
            return c != 0 ? c : Integer.compare(a[0], b[0]);
        });
        for (int i = 0; i < slices.size(); i++) {
            heap.add(new int[] {i, 0});
        }
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return !heap.isEmpty();
            }

            @Override
            public Tuple2<K, V> next() {
                int[] c = heap.poll();
                if (c == null) {
                    throw new NoSuchElementException();
                }
                List<Tuple2<K, V>> slice = slices.get(c[0]);
                Tuple2<K, V> kv = slice.get(c[1]);
                if (c[1] + 1 < slice.size()) {
                    heap.add(new int[] {c[0], c[1] + 1});
                }
                return kv;
            }
        };
    }
}
