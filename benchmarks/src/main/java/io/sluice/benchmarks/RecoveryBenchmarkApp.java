package io.sluice.benchmarks;

import io.sluice.SluiceConf;
import io.sluice.StreamingContext;
import io.sluice.Time;
import io.sluice.Tuple2;
import io.sluice.internal.checkpoint.HadoopCheckpointStore;
import io.sluice.internal.checkpoint.StateTransfer;
import io.sluice.internal.recovery.Checkpointer;
import io.sluice.internal.recovery.LocalDirs;
import io.sluice.internal.storage.state.RocksDBStateStore;
import io.sluice.internal.storage.state.StateStoreOptions;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;

/**
 * The application whose recovery {@link RecoveryTimeBenchmark} measures, run in a child JVM per
 * measurement: a receiver of integer keys, {@code updateStateByKey} counting them (a
 * {@code Long} per key, as in a stateful word count), and an output that counts the state.
 * Batches of 1 s on the manual clock, WAL durability {@code process}, one checkpoint every 60 s.
 *
 * <p>Modes (first argument):
 * <ul>
 *   <li>{@code prepare <dir> <keys> <backlog>}: a fresh run that loads {@code keys} keys (in
 *       batches of at most 2 million, all before batch 60 s), is checkpointed after batch 60 s,
 *       then runs {@code backlog} more batches (each updates 1,000 keys) whose allocations are
 *       in the tracker log and whose blocks are in the WAL, and halts the JVM as a kill would:
 *       a recovery must re-run those batches from the WAL onto the checkpoint's state.</li>
 *   <li>{@code recover <dir> <keys> <backlog>}: getOrCreate, start, and wait for the first
 *       re-run batch, then for the last one; prints one line of timings and halts (so nothing
 *       it did, no checkpoint, changes the prepared directory).</li>
 *   <li>{@code restore <dir>}: the state restore of a recovery alone, as {@code start} does it:
 *       read the newest checkpoint, make the local snapshot copy match its manifest, open the
 *       state store on it through hard links; prints its timings.</li>
 *   <li>{@code baseline <dir>}: starts its logging and reports at once: the floor under every
 *       figure, a JVM with this class path and these flags that does nothing.</li>
 * </ul>
 * Timings are printed as one line {@code RESULT key=value ...} with milliseconds since the JVM
 * started (from the operating system's process start time as the JVM reports it), after a line
 * {@link #REACHED} printed the moment the measured point was reached. {@code logging} is when
 * the application's logging had started (done first in {@code main}, so that Logback's start-up
 * is a phase of its own); {@code cpu*} fields are the process's CPU milliseconds at the same
 * points.
 */
public final class RecoveryBenchmarkApp {

    static final long BATCH_MS = 1000;
    static final long CHECKPOINT_TIME_MS = 60_000;
    static final int LOAD_BATCH_KEYS = 2_000_000;
    static final int BACKLOG_BATCH_KEYS = 1000;

    private RecoveryBenchmarkApp() {
    }

    private static long MAIN_CPU;
    private static long LOGGING_AT;
    private static long LOGGING_CPU;

    /**
     * The line a child prints, at once, when it reaches the point a benchmark measures to (the
     * first completed batch of {@code recover}, the opened state of {@code restore}), before its
     * {@code RESULT} line: {@link RecoveryTimeBenchmark} stops its clock when it reads it.
     */
    static final String REACHED = "REACHED";

    public static void main(String[] args) throws Exception {
        long mainAt = now();
        MAIN_CPU = cpu();
        // The application's logging starts here rather than inside getOrCreate, so that its
        // cost (SLF4J binding Logback, configured by BenchmarkLogging) is reported as a phase of its own.
        org.slf4j.LoggerFactory.getLogger(RecoveryBenchmarkApp.class);
        LOGGING_AT = now();
        LOGGING_CPU = cpu();
        String mode = args[0];
        Path dir = Paths.get(args[1]).toAbsolutePath();
        switch (mode) {
            case "prepare" -> prepare(dir, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            case "recover" -> recover(dir, Integer.parseInt(args[2]), Integer.parseInt(args[3]), mainAt);
            case "restore" -> restore(dir, mainAt);
            case "baseline" -> {
                reached();
                System.out.printf(Locale.ROOT, "RESULT jvmStart=%d main=%d logging=%d cpuMain=%d cpuLogging=%d%n",
                        jvmStart(), mainAt, LOGGING_AT, MAIN_CPU, LOGGING_CPU);
            }
            default -> throw new IllegalArgumentException("Unknown mode [" + mode + "]: prepare, recover, restore or baseline");
        }
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }

    /** When this JVM started, epoch milliseconds. */
    static long jvmStart() {
        return ManagementFactory.getRuntimeMXBean().getStartTime();
    }

    /** Milliseconds since this JVM started. */
    static long now() {
        return System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
    }

    /**
     * CPU milliseconds this process has used so far (all threads, user and system): on a shared
     * machine, wall time includes waiting for a core; CPU time is the work itself.
     */
    static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1_000_000;
    }

    private static final class App {
        final KeyReceiver receiver = new KeyReceiver();
        final StreamingContext ssc;

        App(String checkpointDir) {
            SluiceConf conf = new SluiceConf(false).setMaster("local[2]").setAppName("recovery-benchmark")
                    .set("sluice.streaming.clock", "manual")
                    .set("sluice.streaming.checkpoint.interval", CHECKPOINT_TIME_MS / 1000 + "s")
                    .set("sluice.streaming.writeAheadLog.durability", "process");
            ssc = new StreamingContext(conf, Duration.ofMillis(BATCH_MS));
            ssc.checkpoint(checkpointDir);
            ssc.receiverStream(receiver)
                    .mapToPair(k -> new Tuple2<>(k, 1L))
                    .updateStateByKey((List<Long> vs, Optional<Long> s) -> {
                        long sum = s.orElse(0L);
                        for (long v : vs) {
                            sum += v;
                        }
                        return Optional.of(sum);
                    })
                    .foreachRDD(rdd -> {
                        rdd.count();
                    });
        }
    }

    private static void reached() {
        System.out.println(REACHED);
        System.out.flush();
    }

    private static void prepare(Path dir, int keys, int backlog) throws Exception {
        if (backlog >= CHECKPOINT_TIME_MS / BATCH_MS) {
            throw new IllegalArgumentException("A backlog of [" + backlog + "] batches would reach the next checkpoint");
        }
        // Only the checkpoint (with its local directory) is this run's: the caller keeps other
        // files in dir, such as the child's stderr.
        LocalDirs.delete(dir.resolve("checkpoint"));
        String cp = dir.resolve("checkpoint").toString();
        App app = new App(cp);
        StreamingContext ssc = StreamingContext.getOrCreate(cp, () -> app.ssc);
        ssc.start();
        app.receiver.awaitStarted();
        int loadBatches = (keys + LOAD_BATCH_KEYS - 1) / LOAD_BATCH_KEYS;
        long firstLoad = CHECKPOINT_TIME_MS / BATCH_MS - loadBatches + 1;
        long loadStart = System.nanoTime();
        int next = 0;
        for (long b = 1; b <= CHECKPOINT_TIME_MS / BATCH_MS + backlog; b++) {
            if (b >= firstLoad && next < keys) {
                int end = Math.min(keys, next + LOAD_BATCH_KEYS);
                for (int from = next; from < end; from += 100_000) {
                    List<Integer> block = new ArrayList<>(100_000);
                    for (int k = from; k < Math.min(end, from + 100_000); k++) {
                        block.add(k);
                    }
                    app.receiver.push(block);
                }
                next = end;
            } else if (b > CHECKPOINT_TIME_MS / BATCH_MS) {
                List<Integer> block = new ArrayList<>(BACKLOG_BATCH_KEYS);
                int start = (int) ((b * 7919L) % Math.max(1, keys - BACKLOG_BATCH_KEYS));
                for (int k = 0; k < BACKLOG_BATCH_KEYS; k++) {
                    block.add(start + k);
                }
                app.receiver.push(block);
            }
            Time t = ssc.manualClock().advance(Duration.ofMillis(BATCH_MS));
            if (!ssc.awaitBatchCompletion(t, Duration.ofMinutes(10))) {
                throw new IllegalStateException("Batch " + t + " did not complete within 10 minutes");
            }
        }
        System.out.printf(Locale.ROOT, "RESULT prepared=%d backlog=%d prepareMs=%d%n", keys, backlog,
                (System.nanoTime() - loadStart) / 1_000_000);
    }

    private static void recover(Path dir, int keys, int backlog, long mainAt) throws Exception {
        String cp = dir.resolve("checkpoint").toString();
        App[] holder = new App[1];
        StreamingContext ssc = StreamingContext.getOrCreate(cp, () -> (holder[0] = new App(cp)).ssc);
        long createdAt = now();
        long createdCpu = cpu();
        long crashTime = CHECKPOINT_TIME_MS + backlog * BATCH_MS;
        ssc.manualClock().setTime(crashTime);
        ssc.start();
        long startedAt = now();
        long startedCpu = cpu();
        Time first = new Time(CHECKPOINT_TIME_MS + BATCH_MS);
        if (backlog == 0) {
            // Nothing to re-run: the first batch is the first new one.
            ssc.manualClock().advance(Duration.ofMillis(BATCH_MS));
        }
        if (!ssc.awaitBatchCompletion(first, Duration.ofMinutes(10))) {
            throw new IllegalStateException("The first batch after recovery did not complete within 10 minutes");
        }
        long firstBatchAt = now();
        long firstBatchCpu = cpu();
        reached();
        Time last = new Time(Math.max(crashTime, first.milliseconds()));
        if (!ssc.awaitBatchCompletion(last, Duration.ofMinutes(10))) {
            throw new IllegalStateException("The backlog was not re-run within 10 minutes");
        }
        long caughtUpAt = now();
        System.out.printf(Locale.ROOT, "RESULT jvmStart=%d keys=%d backlog=%d main=%d logging=%d created=%d started=%d"
                        + " firstBatch=%d caughtUp=%d cpuMain=%d cpuLogging=%d cpuCreated=%d cpuStarted=%d"
                        + " cpuFirstBatch=%d%n",
                jvmStart(), keys, backlog, mainAt, LOGGING_AT, createdAt, startedAt, firstBatchAt, caughtUpAt,
                MAIN_CPU, LOGGING_CPU, createdCpu, startedCpu, firstBatchCpu);
    }

    private static void restore(Path dir, long mainAt) throws Exception {
        Path checkpoint = dir.resolve("checkpoint");
        Path local = checkpoint.resolve("local");
        long opened;
        long restored;
        long stateOpened;
        long openedCpu;
        long restoredCpu;
        long stateOpenedCpu;
        StateTransfer transfer;
        try (HadoopCheckpointStore store = HadoopCheckpointStore.open(checkpoint.toString(), new Configuration(), 3)) {
            long t = store.readLatestValid().orElseThrow().timeMs();
            opened = now();
            openedCpu = cpu();
            Path snapshot = Checkpointer.prepareLocalRestore(local, t);
            transfer = store.restoreState(t, snapshot);
            restored = now();
            restoredCpu = cpu();
            Path working = Files.createTempDirectory(dir, "restore-working-");
            try (RocksDBStateStore state = RocksDBStateStore.restore(snapshot, working,
                    StateStoreOptions.defaults())) {
                stateOpened = now();
                stateOpenedCpu = cpu();
                reached();
            }
            LocalDirs.delete(working);
        }
        System.out.printf(Locale.ROOT, "RESULT jvmStart=%d main=%d logging=%d checkpointRead=%d localCopyVerified=%d"
                        + " stateOpened=%d filesDownloaded=%d filesReused=%d bytesReused=%d cpuMain=%d cpuLogging=%d"
                        + " cpuCheckpointRead=%d cpuLocalCopyVerified=%d cpuStateOpened=%d%n", jvmStart(), mainAt,
                LOGGING_AT, opened, restored, stateOpened, transfer.filesTransferred(), transfer.filesReused(),
                transfer.bytesReused(), MAIN_CPU, LOGGING_CPU, openedCpu, restoredCpu, stateOpenedCpu);
    }
}
