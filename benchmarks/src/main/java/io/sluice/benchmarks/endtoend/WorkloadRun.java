package io.sluice.benchmarks.endtoend;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs one {@link RunSpec} on one {@link EngineUnderTest}, the same way for every engine.
 *
 * <h2>Sustained throughput</h2>
 * The highest offered rate at which every batch's processing time stays under the batch
 * interval for {@code holdSeconds}. First a warm-up under real load ({@link #warmUp}: the rate
 * follows what the engine processes in about 60% of the interval, so that both engines' JIT has
 * compiled their batch path at volumes near their limits; a JVM's first run warms for
 * {@code sluice.bench.warmupSeconds}, default 15 s, later runs in the same JVM for
 * {@code sluice.bench.rewarmSeconds}, default 5 s). Then trials: a trial offers a rate, waits a
 * warm-up (two batches and at least 1 s; for the window, the window's length more), then holds
 * it. It fails as soon as a batch takes longer than the interval to process, a batch starts
 * more than an interval late (a backlog), or the source falls more than half a second of lines
 * behind its schedule (the receiver's {@code store} blocking, for example on the write-ahead
 * log); and at the end if the hold's batches processed less than 90% of the offered lines
 * (receivers: the engine's record counts; queue streams: {@link LinesProbe}). After a failure
 * the rate goes to 0 until the backlog has drained. The search starts at the warm-up's rate and
 * raises it until a trial fails (by the factor the passing trial's slowest batch projects,
 * between 2 and 8: {@link #growth}; halves it until one passes), then bisects geometrically
 * until the bounds are within 10% or the time budget runs out; the result is the highest rate
 * that passed.
 *
 * <h2>Latency</h2>
 * Of the highest passing trial: for every record of every batch in the hold, the time from
 * its scheduled creation ({@link LineSource#creationTimeMs}) to its batch's completion,
 * summarised by sampling each batch at up to 64 records weighted by the batch's size.
 */
public final class WorkloadRun {
    /** How long a JVM's first run warms up under load before its search, {@code sluice.bench.warmupSeconds}. */
    static final double WARMUP_SECONDS = Double.parseDouble(System.getProperty("sluice.bench.warmupSeconds", "15"));
    /** How long a later run in the same JVM warms up, {@code sluice.bench.rewarmSeconds}. */
    static final double REWARM_SECONDS = Double.parseDouble(System.getProperty("sluice.bench.rewarmSeconds", "5"));
    private final EngineUnderTest engine;
    private final RunSpec spec;
    private final double warmupSeconds;
    private final BatchLog log;
    private final long startNanos = System.nanoTime();

    /** A run of {@code spec} on {@code engine}, the first in its JVM. */
    public WorkloadRun(EngineUnderTest engine, RunSpec spec) {
        this(engine, spec, true);
    }

    /**
     * A run of {@code spec} on {@code engine}; {@code firstInJvm} chooses the warm-up's length
     * ({@link #WARMUP_SECONDS} or, with the JIT already warm from an earlier run of the same
     * pipeline, {@link #REWARM_SECONDS}).
     */
    public WorkloadRun(EngineUnderTest engine, RunSpec spec, boolean firstInJvm) {
        this.engine = engine;
        this.spec = spec;
        this.warmupSeconds = firstInJvm ? WARMUP_SECONDS : REWARM_SECONDS;
        // Records are numbered from what the shared source emitted before this run (an earlier
        // run in the same JVM).
        this.log = new BatchLog(LineSource.shared().emitted());
    }

    /** Runs the workload and returns what it measured; stops the engine in any case. */
    public RunResult run() throws InterruptedException {
        RunResult r = new RunResult();
        r.put("engine", engine.name()).put("engineVersion", engine.version()).put("workload", spec.workload().id())
                .put("batchMs", spec.batchMs()).put("wal", spec.wal()).put("holdSeconds", spec.holdSeconds())
                .put("blockIntervalMs", spec.blockIntervalMs());
        LineSource.shared().setRate(0);
        engine.start(spec, log);
        try {
            switch (spec.workload()) {
                case RECEIVER_WORD_COUNT, WINDOWED_COUNT -> throughput(r, new ReceiverLoad());
                case QUEUE_WORD_COUNT -> throughput(r, new QueueLoad());
                case SCHEDULING_OVERHEAD -> overhead(r);
                case UPDATE_STATE_1M -> updateState(r);
                default -> throw new IllegalStateException("a workload without a run: " + spec.workload());
            }
        } finally {
            LineSource.shared().setRate(0);
            engine.stop();
        }
        r.put("wallSeconds", String.format(Locale.ROOT, "%.1f", (System.nanoTime() - startNanos) / 1e9));
        return r;
    }

    // ------------------------------------------------------------------ throughput

    /** Where the offered rate goes. */
    private interface Load {
        void setRate(double linesPerSec);

        /** How far behind its schedule the source is, in lines. */
        long lagLines();

        void close();
    }

    private static final class ReceiverLoad implements Load {
        @Override
        public void setRate(double linesPerSec) {
            LineSource.shared().setRate(linesPerSec);
        }

        @Override
        public long lagLines() {
            return LineSource.shared().lagLines();
        }

        @Override
        public void close() {
            LineSource.shared().setRate(0);
        }
    }

    /** Keeps two datasets of the current size queued, one per batch. */
    private final class QueueLoad implements Load {
        private volatile int linesPerBatch;
        private volatile boolean closed;
        private final Thread feeder;

        QueueLoad() {
            feeder = new Thread(() -> {
                while (!closed) {
                    int n = linesPerBatch;
                    if (n > 0 && engine.queued() < 2) {
                        engine.enqueue(n);
                    } else {
                        try {
                            Thread.sleep(Math.max(1, spec.batchMs() / 10));
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            }, "queue-feeder");
            feeder.setDaemon(true);
            feeder.start();
        }

        @Override
        public void setRate(double linesPerSec) {
            linesPerBatch = (int) Math.round(linesPerSec * spec.batchMs() / 1000.0);
        }

        @Override
        public long lagLines() {
            return 0;
        }

        @Override
        public void close() {
            closed = true;
            feeder.interrupt();
        }
    }

    private void throughput(RunResult r, Load load) throws InterruptedException {
        long batch = spec.batchMs();
        long warmupMs = Math.max(2 * batch, 1000) + (spec.workload() == Workload.WINDOWED_COUNT ? spec.windowMs() : 0);
        long holdMs = Math.max(2 * batch, (long) (spec.holdSeconds() * 1000));
        // Let the pipeline come up (Spark starts its receiver as a job) before the first trial.
        long t0 = System.currentTimeMillis();
        log.awaitCompletion(t0 + batch, 60_000);
        double rate = warmUp(load);
        System.out.printf(Locale.ROOT, "  warm-up done after %.1f s, search starts at %,.0f lines/s%n",
                (System.nanoTime() - startNanos) / 1e9, rate);
        r.put("warmupSeconds", warmupSeconds).put("searchStartRate", (long) rate);
        // The search's budget counts from here: engine start-up is the driver's to account for.
        long deadline = System.nanoTime() + (long) (spec.budgetSeconds() * 1e9);

        double lo = 0;
        double hi = Double.POSITIVE_INFINITY;
        RunResult.Trial best = null;
        int trials = 0;
        boolean budgetHit = false;
        while (true) {
            RunResult.Trial t = trial(load, rate, warmupMs, holdMs);
            r.addTrial(t);
            trials++;
            System.out.printf(Locale.ROOT, "  %5.1f s trial %d: %,.0f lines/s %s (%s, %d batches, p50 %.0f ms, max %.0f ms)%n",
                    (System.nanoTime() - startNanos) / 1e9, trials, rate, t.pass() ? "PASS" : "FAIL", t.reason(), t.batches(), t.p50ProcessingMs(),
                    t.maxProcessingMs());
            if (t.pass()) {
                lo = rate;
                best = t;
            } else {
                hi = rate;
                if (!drain(load)) {
                    r.note("the backlog after a failed trial at " + (long) rate + " lines/s did not drain within 30 s;"
                            + " search stopped");
                    break;
                }
            }
            if (lo > 0 && hi / lo <= 1.1) {
                break;
            }
            if (System.nanoTime() > deadline) {
                budgetHit = true;
                break;
            }
            if (hi == Double.POSITIVE_INFINITY) {
                rate = rate * growth(t, batch);
            } else if (lo == 0) {
                rate = rate / 2;
                if (rate < 1000) {
                    r.note("no rate of 1,000 lines/s or more was sustained");
                    break;
                }
            } else {
                rate = Math.sqrt(lo * hi);
            }
        }
        load.close();
        if (budgetHit) {
            r.note("search stopped by its time budget of " + (long) spec.budgetSeconds() + " s: the sustained rate"
                    + " lies between " + (long) lo + " and " + (hi == Double.POSITIVE_INFINITY ? "unbounded" : (long) hi));
        }
        r.put("sustainedLinesPerSec", (long) lo);
        r.put("failedLinesPerSec", hi == Double.POSITIVE_INFINITY ? "none" : Long.toString((long) hi));
        r.put("sustainedMBPerSec", String.format(Locale.ROOT, "%.2f", lo * LineSource.shared().averageLineBytes() / 1e6));
        r.put("trials", trials);
        if (best != null) {
            r.put("p50ProcessingMs", best.p50ProcessingMs());
            r.put("maxProcessingMs", best.maxProcessingMs());
            if (spec.workload().receiver()) {
                r.put("latencyP50Ms", best.latencyP50Ms());
                r.put("latencyP99Ms", best.latencyP99Ms());
            }
        }
    }

    /**
     * Runs the pipeline under load for the warm-up time before anything counts, so that the
     * search measures compiled code, not the interpreter (Spark Streaming's batches in
     * particular get several times faster over the first million lines or so). The load follows
     * the engine: it starts at a quarter of the spec's start rate; once the batches that ran
     * wholly at the current rate (the latest two, the latest one at intervals of a second or
     * more) processed in under 40% of the interval, the rate rises towards what would take 60% (at most doubling);
     * a batch over 80%, a batch started an interval late or a source behind its schedule lowers
     * it by 40%. Both engines get the same treatment, each at its own capacity.
     *
     * @return the rate the search starts from: the highest that ran under 40% of the interval,
     *     or the last one tried
     */
    private double warmUp(Load load) throws InterruptedException {
        long batch = spec.batchMs();
        long settleMs = batch + (spec.workload() == Workload.WINDOWED_COUNT ? spec.windowMs() : 0);
        int need = batch >= 1000 ? 1 : 2;
        long end = System.currentTimeMillis() + Math.max(2 * batch, (long) (warmupSeconds * 1000));
        double rate = Math.max(1000, spec.startRate() / 4);
        double best = 0;
        load.setRate(rate);
        long since = System.currentTimeMillis();
        while (System.currentTimeMillis() < end) {
            Thread.sleep(Math.max(10, Math.min(50, batch / 2)));
            long now = System.currentTimeMillis();
            // The latest batches that ran wholly at this rate (a slow batch from before the JIT
            // compiled the path leaves this window as newer ones complete).
            List<BatchLog.Batch> seen = log.between(since + settleMs, Long.MAX_VALUE);
            seen = seen.subList(Math.max(0, seen.size() - need), seen.size());
            double maxProc = 0;
            long maxDelay = 0;
            for (BatchLog.Batch b : seen) {
                maxProc = Math.max(maxProc, b.processingMs());
                maxDelay = Math.max(maxDelay, b.schedulingDelayMs());
            }
            boolean behind = now > since + batch && load.lagLines() > Math.max(rate * 0.5, rate * batch / 1000.0);
            if (behind || maxProc > 0.8 * batch || maxDelay > batch) {
                rate = Math.max(1000, rate * 0.6);
                load.setRate(rate);
                since = now;
            } else if (seen.size() >= need && maxProc < 0.4 * batch) {
                best = Math.max(best, rate);
                rate *= maxProc > 0 ? Math.min(2, 0.6 * batch / maxProc) : 2;
                load.setRate(rate);
                since = now;
            }
        }
        BatchLog.Batch last = log.last();
        if (last != null && last.schedulingDelayMs() > batch / 2 && !drain(load)) {
            System.out.println("  the warm-up's backlog did not drain within 30 s");
        }
        return Math.max(1000, best > 0 ? best : rate);
    }

    /**
     * How much to raise the rate after a passing trial while no failure bounds the search: the
     * capacity the trial's slowest batch projects, 80% of the interval over its processing time,
     * but at least double and at most 8 times. A pipeline far from its limit gets there in one or
     * two trials instead of many doublings that a time-boxed search cannot afford.
     */
    static double growth(RunResult.Trial t, long batchMs) {
        double maxProc = t.maxProcessingMs();
        if (!(maxProc > 0)) {
            return 2;
        }
        return Math.max(2, Math.min(8, 0.8 * batchMs / maxProc));
    }

    private RunResult.Trial trial(Load load, double rate, long warmupMs, long holdMs) throws InterruptedException {
        long batch = spec.batchMs();
        load.setRate(rate);
        long start = System.currentTimeMillis();
        long holdFrom = start + warmupMs;
        long holdTo = holdFrom + holdMs;
        long maxLag = (long) Math.max(rate * 0.5, rate * batch / 1000.0);
        String reason = null;
        double maxProc = 0;
        // Watch until the last batch of the hold has had an interval to complete.
        while (System.currentTimeMillis() < holdTo + batch + 300) {
            Thread.sleep(20);
            for (BatchLog.Batch b : log.between(start + batch, Long.MAX_VALUE)) {
                maxProc = Math.max(maxProc, b.processingMs());
                boolean inHold = b.timeMs() >= holdFrom;
                if (b.processingMs() > (inHold ? batch : 3 * batch)) {
                    reason = "batch " + b.timeMs() + " processed in " + b.processingMs() + " ms";
                } else if (b.schedulingDelayMs() > (inHold ? batch : 3 * batch)) {
                    reason = "batch " + b.timeMs() + " started " + b.schedulingDelayMs() + " ms late";
                }
            }
            long lag = load.lagLines();
            if (reason == null && lag > maxLag && System.currentTimeMillis() > start + batch) {
                reason = "source " + lag + " lines behind schedule (store blocked)";
            }
            // A batch that should have completed long ago and has not: a backlog.
            BatchLog.Batch last = log.last();
            long now = System.currentTimeMillis();
            if (reason == null && last != null && now - last.timeMs() > 3 * batch + 1000) {
                reason = "no batch completed for " + (now - last.timeMs()) + " ms";
            }
            if (reason != null) {
                break;
            }
        }
        List<BatchLog.Batch> hold = log.between(holdFrom, holdTo);
        long records = hold.stream().mapToLong(BatchLog.Batch::records).sum();
        double achieved = hold.isEmpty() ? 0 : records * 1000.0 / (hold.size() * batch);
        if (reason == null && hold.size() < Math.max(1, holdMs / batch - 1)) {
            reason = "only " + hold.size() + " batches completed in the hold";
        }
        // Receivers: the engine's record counts; queue streams: the lines the pipeline counted.
        if (reason == null && achieved < 0.9 * rate) {
            reason = String.format(Locale.ROOT, "batches processed %,.0f lines/s", achieved);
        }
        List<Long> proc = new ArrayList<>();
        hold.forEach(b -> proc.add(b.processingMs()));
        double[] lat = latency(hold);
        return new RunResult.Trial(rate, reason == null, reason == null ? "ok" : reason, hold.size(), achieved,
                Stats.percentile(proc, 0.5), maxProc, lat[0], lat[1]);
    }

    /** {p50, p99} of creation-to-completion latency over the batches' records, or -1s. */
    private double[] latency(List<BatchLog.Batch> batches) {
        if (!spec.workload().receiver()) {
            return new double[] {-1, -1};
        }
        int cap = batches.size() * 64;
        double[] v = new double[cap];
        double[] w = new double[cap];
        int n = 0;
        LineSource src = LineSource.shared();
        for (BatchLog.Batch b : batches) {
            if (b.records() == 0) {
                continue;
            }
            int samples = (int) Math.min(64, b.records());
            double weight = (double) b.records() / samples;
            for (int s = 0; s < samples; s++) {
                long index = b.firstRecord() + (long) ((s + 0.5) * b.records() / samples);
                v[n] = b.endedMs() - src.creationTimeMs(index);
                w[n] = weight;
                n++;
            }
        }
        return new double[] {Stats.weightedPercentile(v, w, n, 0.5), Stats.weightedPercentile(v, w, n, 0.99)};
    }

    /** Stops the load and waits until batches are on time again; false after 30 s. */
    private boolean drain(Load load) throws InterruptedException {
        load.setRate(0);
        long batch = spec.batchMs();
        long until = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < until) {
            long now = System.currentTimeMillis();
            BatchLog.Batch last = log.last();
            if (last != null && now - last.timeMs() < 2 * batch + 100 && last.schedulingDelayMs() < batch
                    && last.records() == 0) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    // ------------------------------------------------------------------ scheduling overhead

    private void overhead(RunResult r) throws InterruptedException {
        double phaseSeconds = Math.max(3, spec.holdSeconds());
        long batch = spec.batchMs();
        long t0 = System.currentTimeMillis();
        log.awaitCompletion(t0 + batch, 60_000);
        // Wait (up to 30 s) until a batch starts on time: the engine has caught up with its start.
        long until = System.currentTimeMillis() + 30_000;
        BatchLog.Batch last = log.last();
        while (System.currentTimeMillis() < until && (last == null || last.schedulingDelayMs() >= batch)) {
            Thread.sleep(batch);
            last = log.last();
        }
        if (last == null || last.schedulingDelayMs() >= batch) {
            r.note("batches still started late 30 s after the first one completed (" + (last == null ? "none"
                    : last.schedulingDelayMs() + " ms") + "): the figures include that backlog");
        }
        // Empty batches first (nothing queued: the default, empty dataset), then 10 lines each.
        long emptyFrom = WallClock.nowMicros();
        Thread.sleep((long) (phaseSeconds * 1000));
        long emptyTo = WallClock.nowMicros();
        Thread feeder = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                if (engine.queued() < 2) {
                    engine.enqueue(10);
                }
                try {
                    Thread.sleep(Math.max(1, batch / 10));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "overhead-feeder");
        feeder.setDaemon(true);
        feeder.start();
        Thread.sleep(2 * batch);
        long smallFrom = WallClock.nowMicros();
        Thread.sleep((long) (phaseSeconds * 1000));
        long smallTo = WallClock.nowMicros();
        feeder.interrupt();
        feeder.join();
        phase(r, "empty", emptyFrom, emptyTo, 0);
        phase(r, "small", smallFrom, smallTo, 10);
    }

    /** Summarises the batches whose output completed between the two times (µs). */
    private void phase(RunResult r, String name, long fromMicros, long toMicros, long expectedRecords) {
        List<Double> overheadMs = new ArrayList<>();
        List<Double> workMs = new ArrayList<>();
        int unexpected = 0;
        for (long[] b : OverheadProbe.batches()) {
            long doneMicros = b[0] * 1000 + b[1];
            if (doneMicros < fromMicros || doneMicros > toMicros) {
                continue;
            }
            if (b[3] != expectedRecords) {
                unexpected++;
                continue;
            }
            workMs.add(b[2] / 1000.0);
            overheadMs.add((b[1] - b[2]) / 1000.0);
        }
        if (unexpected > 0) {
            r.note(name + " phase: " + unexpected + " batches with other than " + expectedRecords
                    + " records left out (the feeder and the batch timer raced)");
        }
        double due = (toMicros - fromMicros) / 1000.0 / spec.batchMs();
        r.put(name + ".batchesDue", (long) due);
        r.put(name + ".batches", overheadMs.size());
        r.put(name + ".overheadMeanMs", round(overheadMs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN)));
        r.put(name + ".overheadP50Ms", round(Stats.percentile(overheadMs, 0.5)));
        r.put(name + ".overheadP99Ms", round(Stats.percentile(overheadMs, 0.99)));
        r.put(name + ".overheadMaxMs", round(Stats.percentile(overheadMs, 1.0)));
        r.put(name + ".workMeanMs", round(workMs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN)));
    }

    private static double round(double d) {
        return Math.round(d * 1000) / 1000.0;
    }

    // ------------------------------------------------------------------ updateStateByKey, 1M keys

    private void updateState(RunResult r) throws InterruptedException {
        long batch = spec.batchMs();
        double seconds = Double.parseDouble(System.getProperty("sluice.bench.updateState.seconds", "20"));
        r.put("keys", UpdateInput.KEYS).put("updatesPerBatch", spec.updatesPerBatch());
        // The first batch loads the initial dataset of every key; measure from its completion.
        long t0 = System.currentTimeMillis();
        if (!log.awaitCompletion(t0, 90_000)) {
            r.note("no batch completed within 90 s of the start");
        }
        r.put("startupMs", System.currentTimeMillis() - t0);
        long start = System.currentTimeMillis();
        Thread.sleep((long) (seconds * 1000));
        // The batches whose processing ended in the window (by completion, not batch time: the
        // first batch leaves a backlog of batches that fell due while it loaded the state).
        List<BatchLog.Batch> all = new ArrayList<>();
        for (BatchLog.Batch b : log.all()) {
            if (b.endedMs() >= start) {
                all.add(b);
            }
        }
        BatchLog.Batch firstEver = log.all().isEmpty() ? null : log.all().get(0);
        List<Long> proc = new ArrayList<>();
        all.forEach(b -> proc.add(b.processingMs()));
        BatchLog.Batch last = all.isEmpty() ? null : all.get(all.size() - 1);
        long due = (System.currentTimeMillis() - start) / batch;
        r.put("batchesDue", due).put("batchesCompleted", all.size());
        r.put("firstBatchMs", firstEver == null ? -1 : firstEver.processingMs());
        r.put("p50ProcessingMs", Stats.percentile(proc, 0.5));
        r.put("maxProcessingMs", Stats.percentile(proc, 1.0));
        r.put("lastSchedulingDelayMs", last == null ? -1 : last.schedulingDelayMs());
        // Keeping up: a batch costs less than the interval, so the backlog shrinks (the one left
        // by loading the initial state included) instead of growing.
        boolean keptUp = !proc.isEmpty() && Stats.percentile(proc, 0.5) < batch;
        r.put("keptUp", keptUp);
        StringBuilder sb = new StringBuilder();
        for (BatchLog.Batch b : all) {
            sb.append(sb.length() == 0 ? "" : " ").append(b.processingMs());
        }
        r.put("processingMsPerBatch", sb.toString());
    }
}
