package io.sluice.internal.scheduler;

import io.sluice.Time;
import io.sluice.internal.dstream.DStreamGraph;
import io.sluice.internal.dstream.DirectInputDStream;
import io.sluice.internal.dstream.InputDStream;
import io.sluice.internal.dstream.Job;
import io.sluice.internal.dstream.ReceiverInputDStream;
import io.sluice.internal.receiver.InputPlan;
import io.sluice.internal.receiver.ReceivedBlockInfo;
import io.sluice.internal.receiver.ReceivedBlockTracker;
import io.sluice.internal.receiver.ReceiverTracker;
import io.sluice.internal.util.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Generates the jobs of each batch when its time comes, on a timer thread driven by a
 * {@link Clock} (the system clock, or the manual clock of tests).
 *
 * <p>For batch t: buffered records of every receiver are cut into durable blocks, every waiting
 * block is allocated to t (logged before anything runs, DESIGN.md I2), every input stream takes
 * its RDD of t, the graph turns its output operations into jobs, and the jobs are queued on the
 * {@link JobScheduler}.
 *
 * <p>After recovery ({@link #startRecovered}) the batches whose allocation was logged after the
 * checkpoint are re-generated first, with their logged allocations, then every batch time that
 * passed while the application was down, then the timer resumes.
 */
public final class JobGenerator {
    private static final Logger LOG = LoggerFactory.getLogger(JobGenerator.class);

    private final Clock clock;
    private final long batchMs;
    private final DStreamGraph graph;
    private final ReceivedBlockTracker tracker;
    private final ReceiverTracker receivers;
    private final JobScheduler jobs;
    private final Consumer<Throwable> onError;
    private volatile boolean stopped;
    private volatile long lastGeneratedMs = Long.MIN_VALUE;
    private Thread timer;

    public JobGenerator(Clock clock, Duration batchDuration, DStreamGraph graph, ReceivedBlockTracker tracker,
                        ReceiverTracker receivers, JobScheduler jobs, Consumer<Throwable> onError) {
        this.clock = clock;
        this.batchMs = batchDuration.toMillis();
        this.graph = graph;
        this.tracker = tracker;
        this.receivers = receivers;
        this.jobs = jobs;
        this.onError = onError;
    }

    /** The zero time a fresh start would use now: the first batch time minus one batch. */
    public Time freshZeroTime() {
        long now = clock.getTimeMillis();
        long first = (Math.floorDiv(now, batchMs) + 1) * batchMs;
        return new Time(first - batchMs);
    }

    /** Starts the timer for a fresh context whose graph started at {@code zero}. */
    public void startFresh(Time zero) {
        startTimer(zero.milliseconds() + batchMs);
    }

    /**
     * Re-generates the batches after checkpoint {@code checkpointTime}: first those with a logged
     * allocation, then the batch times that passed while down, then starts the timer.
     */
    public void startRecovered(Time checkpointTime) {
        startRecovered(checkpointTime, false, Integer.MAX_VALUE);
    }

    /**
     * Re-generates the batches after checkpoint {@code checkpointTime} whose allocation was
     * logged, then handles the batch times that passed while the application was down, then
     * starts the timer at the first batch time after now.
     *
     * <p>Down time: with {@code skipDownTime} no batch is generated for it, and the blocks
     * received but not allocated go into the timer's first batch; else the latest
     * {@code maxDownTimeBatches} of those times are generated, one batch each, and any earlier
     * ones skipped with a warning. Either way the timer never starts in the past, so it does not
     * generate an outage's batches in a tight loop. Skipped times never run: stateful operators
     * go from the batch before the gap to the one after it, and windows with an inverse subtract
     * from the window they last computed (see ReducedWindowedDStream).
     */
    public void startRecovered(Time checkpointTime, boolean skipDownTime, int maxDownTimeBatches) {
        long last = checkpointTime.milliseconds();
        List<Long> rerun = tracker.allocatedTimes();
        for (long t : rerun) {
            if (t > last) {
                generateJobs(new Time(t));
                last = t;
            }
        }
        long now = clock.getTimeMillis();
        long downUntil = Math.floorDiv(now, batchMs) * batchMs;
        long downTimes = Math.max(0, (downUntil - last) / batchMs);
        long generated = skipDownTime ? 0 : Math.min(downTimes, maxDownTimeBatches);
        if (generated < downTimes) {
            long firstSkipped = last + batchMs;
            long lastSkipped = downUntil - generated * batchMs;
            LOG.warn("{} batch times passed while the application was down; skipping {} of them ({} .. {} ms)"
                            + " per sluice.streaming.recovery.downTimeBatches={} and maxDownTimeBatches={}: the data"
                            + " received meanwhile goes into the next batch", downTimes, downTimes - generated,
                    firstSkipped, lastSkipped, skipDownTime ? "skip" : "generate", maxDownTimeBatches);
        }
        for (long t = downUntil - (generated - 1) * batchMs; generated > 0 && t <= downUntil; t += batchMs) {
            generateJobs(new Time(t));
        }
        LOG.info("Recovered after checkpoint {}: re-running {} logged batches and {} batches of down time",
                checkpointTime, rerun.size(), generated);
        startTimer(Math.max(last, downUntil) + batchMs);
    }

    private void startTimer(long firstTimeMs) {
        timer = new Thread(() -> {
            long next = firstTimeMs;
            while (!stopped) {
                try {
                    clock.waitTillTime(next);
                } catch (InterruptedException e) {
                    return;
                }
                if (stopped) {
                    return;
                }
                try {
                    generateFromTimer(new Time(next));
                } catch (Throwable e) {
                    LOG.error("Cannot generate the jobs of batch {}: {}", next, e.toString(), e);
                    onError.accept(e);
                    return;
                }
                next += batchMs;
            }
        }, "sluice-job-generator");
        timer.setDaemon(true);
        timer.start();
    }

    private synchronized void generateFromTimer(Time time) {
        if (!stopped) {
            generateJobs(time);
        }
    }

    /** Generates and queues the jobs of batch {@code time}. */
    public synchronized void generateJobs(Time time) {
        // Work done while generating (transform functions) belongs to the batch generated.
        long previousContext = io.sluice.internal.shared.BatchContext.set(time.milliseconds());
        try {
            generate(time);
        } finally {
            io.sluice.internal.shared.BatchContext.set(previousContext);
        }
    }

    private void generate(Time time) {
        receivers.flushAll();
        Map<Integer, InputPlan> plans = new HashMap<>();
        if (!tracker.isAllocated(time)) {
            // A new batch: direct inputs choose what it reads now, and the choice is logged with
            // the allocation. A re-run batch keeps the plans logged at its first generation.
            for (InputDStream<?> in : graph.inputs()) {
                if (in instanceof DirectInputDStream<?, ?> d) {
                    plans.put(d.id(), d.plan(time));
                }
            }
        }
        tracker.allocateBlocksToBatch(time, plans);
        // Every input takes its batch now, whether or not an output reads it at this time (a
        // window may read it later): a queue stream's RDDs then map to batch times in order.
        for (InputDStream<?> in : graph.inputs()) {
            in.getOrCompute(time);
        }
        List<Job> js = graph.generateJobs(time);
        long records = 0;
        for (InputDStream<?> in : graph.inputs()) {
            if (in instanceof ReceiverInputDStream<?>) {
                for (ReceivedBlockInfo b : tracker.blocksOf(time, in.id())) {
                    records += b.numRecords();
                }
            } else if (in instanceof DirectInputDStream<?, ?>) {
                records += tracker.planOf(time, in.id()).map(p -> Math.max(0, p.records())).orElse(0L);
            }
        }
        lastGeneratedMs = time.milliseconds();
        jobs.submitJobSet(time, js, records);
    }

    /** The last batch time generated, or Long.MIN_VALUE. */
    public long lastGeneratedMs() {
        return lastGeneratedMs;
    }

    /** Stops the timer; no batch is generated afterwards. */
    public void stop() {
        Thread t;
        synchronized (this) {
            // Holding the lock, no generation is in progress and none starts after this.
            stopped = true;
            t = timer;
            if (t != null) {
                t.interrupt();
            }
        }
        if (t != null) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
