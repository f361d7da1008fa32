package io.sluice.examples;

import io.sluice.BatchInfo;
import io.sluice.DStream;
import io.sluice.PairDStream;
import io.sluice.PairRDD;
import io.sluice.RDD;
import io.sluice.SluiceConf;
import io.sluice.StreamingContext;
import io.sluice.StreamingListener;
import io.sluice.Time;
import io.sluice.Tuple2;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The demo: a stateful word count that survives {@code kill -9} with exact counts.
 *
 * <p>An embedded {@link ReplayableLineServer} on 127.0.0.1 serves deterministic lines of ten
 * words; a {@link ReplayableLineReceiver} reads them into the write-ahead log with their
 * positions; the pipeline splits lines into words, counts them per batch
 * ({@code reduceByKey}) and adds the counts up across batches ({@code updateStateByKey}, state
 * in RocksDB), along with the number of lines counted. After every batch it prints the batch's
 * records, the totals, the throughput and a self-check, {@code exact: yes}, that compares every
 * word's count with the counts computed directly from the generator for the lines counted.
 *
 * <p>Kill the JVM at any moment ({@code kill -9 <pid>}; the pid is printed at start) and run it
 * again: {@link StreamingContext#getOrCreate} restores the state of the last checkpoint,
 * re-runs the batches logged after it, and the receiver resumes the source from the end of the
 * last durable block, so the self-check keeps saying {@code exact: yes}.
 *
 * <pre>
 * RecoverableWordCount [--data DIR] [--batch 1s] [--lines N] [--rate LINES_PER_S] [--stop-after N]
 * </pre>
 * {@code --data} (default {@code ./demo-data}) holds checkpoints, the write-ahead logs and the
 * working state; delete it to start from scratch. {@code --lines} bounds the source (default
 * endless); {@code --rate} throttles the receiver (default 0: as fast as the pipeline goes);
 * {@code --stop-after} (or the environment variable {@code SLUICE_DEMO_STOP_AFTER}) stops once
 * that many lines are counted and prints the elapsed time and the rate. Any
 * {@code -Dsluice.*} system property overrides the configuration.
 */
public final class RecoverableWordCount {
    /** The seed of the demo's data. */
    public static final long SEED = 42L;

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());

    private RecoverableWordCount() {
    }

    // ---------------------------------------------------------------- the pipeline

    /**
     * The stateful word count of the demo (and of the chaos tests): every word of every line
     * counted across batches, plus {@link WordCountOracle#LINES_KEY} counting the lines. The
     * returned stream holds the whole state after each batch.
     */
    public static PairDStream<String, Long> countWords(DStream<String> lines) {
        return lines.flatMap(RecoverableWordCount::wordsAndLineMarker)
                .mapToPair(w -> new Tuple2<>(w, 1L))
                .reduceByKey(Long::sum)
                .updateStateByKey(RecoverableWordCount::addUp);
    }

    private static Iterator<String> wordsAndLineMarker(String line) {
        String[] words = line.split(" ");
        List<String> out = new ArrayList<>(words.length + 1);
        for (String w : words) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        out.add(WordCountOracle.LINES_KEY);
        return out.iterator();
    }

    private static Optional<Long> addUp(List<Long> counts, Optional<Long> state) {
        long sum = state.orElse(0L);
        for (long c : counts) {
            sum += c;
        }
        return Optional.of(sum);
    }

    // ---------------------------------------------------------------- the application

    /** Command-line options. */
    record Options(Path data, Duration batch, long lines, long rate, long stopAfter) {
        static Options parse(String[] args) {
            Path data = Paths.get("demo-data");
            Duration batch = Duration.ofSeconds(1);
            long lines = Long.MAX_VALUE;
            long rate = 0;
            String env = System.getenv("SLUICE_DEMO_STOP_AFTER");
            long stopAfter = env == null || env.isBlank() ? 0 : Long.parseLong(env.trim());
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("-h") || a.equals("--help")) {
                    throw new IllegalArgumentException("");
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value after " + a);
                }
                String v = args[++i];
                switch (a) {
                    case "--data" -> data = Paths.get(v);
                    case "--batch" -> batch = parseDuration(v);
                    case "--lines" -> lines = Long.parseLong(v.replace("_", ""));
                    case "--rate" -> rate = Long.parseLong(v.replace("_", ""));
                    case "--stop-after" -> stopAfter = Long.parseLong(v.replace("_", ""));
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            return new Options(data.toAbsolutePath().normalize(), batch, lines, rate, stopAfter);
        }

        static Duration parseDuration(String v) {
            String s = v.trim().toLowerCase(java.util.Locale.ROOT);
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            if (s.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 1000));
            }
            return Duration.ofMillis(Long.parseLong(s));
        }
    }

    private static final String USAGE = String.join("\n",
            "usage: RecoverableWordCount [--data DIR] [--batch 1s] [--lines N] [--rate LINES_PER_S] [--stop-after N]",
            "  --data DIR        checkpoints, write-ahead logs and state (default ./demo-data)",
            "  --batch D         batch interval, e.g. 1s or 500ms (default 1s); keep it across restarts",
            "  --lines N         the source serves lines [0, N) then idles (default: endless)",
            "  --rate N          read at most N lines per second (default 0: no limit)",
            "  --stop-after N    stop once N lines are counted and print the rate (or SLUICE_DEMO_STOP_AFTER)",
            "  -Dsluice.<key>=<value> overrides any configuration key (see the README)");

    /** Runs the demo; see the class comment. */
    public static void main(String[] args) throws Exception {
        Options opts;
        try {
            opts = Options.parse(args);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().isEmpty()) {
                System.err.println("RecoverableWordCount: " + e.getMessage());
            }
            System.err.println(USAGE);
            System.exit(e.getMessage().isEmpty() ? 0 : 2);
            return;
        }
        if (!JvmFlags.present()) {
            // Under `mvn exec:java` or a bare `java` the Chronicle Queue flags are missing: run
            // the demo in a child JVM that has them, rather than failing deep in the WAL.
            List<String> cmd = JvmFlags.javaCommand(RecoverableWordCount.class.getName(), List.of(), List.of(args));
            System.err.println("RecoverableWordCount: this JVM lacks the flags Chronicle Queue needs ("
                    + String.join(" ", JvmFlags.required()) + "); running the demo in a child JVM with them."
                    + " Prefer: mvn -q -pl examples exec:exec@demo");
            Process p = new ProcessBuilder(cmd).inheritIO().start();
            Runtime.getRuntime().addShutdownHook(new Thread(p::destroy));
            System.exit(p.waitFor());
            return;
        }
        if (System.getProperty("chronicle.analytics.disable") == null) {
            System.setProperty("chronicle.analytics.disable", "true");
        }
        new Demo(opts).run();
    }

    /** One run of the demo: the server, the context and the per-batch report. */
    private static final class Demo implements StreamingListener {
        private final Options opts;
        private final Path checkpointDir;
        private final Map<Long, BatchInfo> started = new ConcurrentHashMap<>();
        private final WordCountOracle oracle = new WordCountOracle(SEED);
        private final ArrayDeque<long[]> recent = new ArrayDeque<>();
        private StreamingContext ssc;
        private ReplayableLineServer server;
        private long contextStartMs;
        private long firstBatchLinesBefore = -1;
        private boolean inexact;
        private volatile long lastLines;
        private volatile long finishedMs;

        Demo(Options opts) {
            this.opts = opts;
            this.checkpointDir = opts.data().resolve("checkpoint");
        }

        void run() throws Exception {
            Files.createDirectories(opts.data());
            boolean hadCheckpoint = Files.isDirectory(checkpointDir) && !isEmpty(checkpointDir);
            long pid = ProcessHandle.current().pid();
            try (ReplayableLineServer s = new ReplayableLineServer(0, SEED, opts.lines())) {
                server = s;
                System.out.printf("Sluice RecoverableWordCount, pid %d (kill -9 %d to crash it, then run it again)%n",
                        pid, pid);
                String bound = opts.lines() == Long.MAX_VALUE ? "endless" : String.format("%,d", opts.lines());
                System.out.printf("  data %s; source 127.0.0.1:%d, %s lines of %d words; batch %d ms%n",
                        opts.data(), s.port(), bound, ReplayableLineServer.WORDS_PER_LINE, opts.batch().toMillis());
                System.out.println(hadCheckpoint
                        ? "  found " + checkpointDir + ": recovering from its newest valid checkpoint, if any"
                        : "  no checkpoint yet: starting fresh");
                ssc = StreamingContext.getOrCreate(checkpointDir.toString(), this::setup);
                ssc.start();
                contextStartMs = System.currentTimeMillis();
                while (!ssc.awaitTerminationOrTimeout(100)) {
                    if (finishedMs > 0) {
                        long t0 = System.currentTimeMillis();
                        ssc.stop(false);
                        System.out.printf("  context stopped in %,d ms%n", System.currentTimeMillis() - t0);
                    }
                }
            }
            if (finishedMs > 0) {
                long lines = lastLines - Math.max(0, firstBatchLinesBefore);
                double secs = (finishedMs - contextStartMs) / 1000.0;
                long words = lines * ReplayableLineServer.WORDS_PER_LINE;
                System.out.printf("Done: %,d lines (%,d words) counted by this run (re-run batches included) in"
                        + " %.1f s since the context started: %,.0f lines/s, %,.0f words/s; exact: %s%n",
                        lines, words, secs, lines / secs, words / secs, inexact ? "no" : "yes");
            }
            System.exit(inexact ? 1 : 0);
        }

        private static boolean isEmpty(Path dir) throws IOException {
            try (Stream<Path> s = Files.list(dir)) {
                return s.findAny().isEmpty();
            }
        }

        StreamingContext setup() {
            SluiceConf conf = new SluiceConf()
                    .setIfMissing("sluice.master", "local[*]")
                    .setIfMissing("sluice.app.name", "RecoverableWordCount")
                    .setIfMissing("sluice.streaming.checkpoint.interval",
                            Math.max(1, 5000 / opts.batch().toMillis()) * opts.batch().toMillis() + "ms")
                    .setIfMissing("sluice.streaming.receiverRestartDelay", "500ms");
            StreamingContext c = new StreamingContext(conf, opts.batch());
            c.checkpoint(checkpointDir.toString());
            c.addStreamingListener(this);
            DStream<String> lines = c.receiverStream(
                    new ReplayableLineReceiver(server.host(), server.port(), 10_000, 50, opts.rate()));
            countWords(lines).foreachRDD(this::report);
            return c;
        }

        @Override
        public void onBatchStarted(BatchInfo batch) {
            started.put(batch.batchTime().milliseconds(), batch);
        }

        private void report(RDD<Tuple2<String, Long>> rdd, Time time) {
            Map<String, Long> state = PairRDD.fromRDD(rdd).collectAsMap();
            WordCountOracle.Check check = oracle.check(state);
            long now = System.currentTimeMillis();
            BatchInfo info = started.remove(time.milliseconds());
            long records = info == null ? -1 : info.numRecords();
            long processing = info == null ? -1 : now - info.processingStartTimeMs();
            if (firstBatchLinesBefore < 0) {
                firstBatchLinesBefore = check.lines() - Math.max(0, records);
                long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
                System.out.printf("  first batch completed %,d ms after the JVM started (%,d ms after ssc.start())%n",
                        now - jvmStart, now - contextStartMs);
            }
            recent.addLast(new long[] {now, check.lines()});
            while (recent.size() > 6) {
                recent.removeFirst();
            }
            long[] first = recent.peekFirst();
            String rate = recent.size() < 2 || now == first[0] ? "-"
                    : String.format("%,.0f", (check.lines() - first[1]) * 1000.0 / (now - first[0]));
            boolean rerun = time.milliseconds() + opts.batch().toMillis() < contextStartMs;
            System.out.printf("%s  records %,7d  lines %,11d  words %,12d  distinct %4d  exact: %s  %s lines/s"
                            + "  (%d ms)%s%n",
                    CLOCK.format(Instant.ofEpochMilli(time.milliseconds())), records, check.lines(), check.words(),
                    check.distinct(), check.exact() ? "yes" : "no", rate, processing,
                    rerun ? "  [batch from before the restart]" : "");
            if (!check.exact()) {
                inexact = true;
                System.out.println("  MISMATCH: " + check.mismatch());
            }
            lastLines = check.lines();
            if (opts.stopAfter() > 0 && check.lines() >= opts.stopAfter() && finishedMs == 0) {
                finishedMs = now; // the main thread stops the context
            }
        }
    }
}
