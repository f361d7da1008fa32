package io.sluice.internal.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Every configuration key Sluice reads, declared once. Spark's {@code spark.streaming.*} keys
 * keep their meaning under {@code sluice.streaming.*}.
 */
public final class StreamingConfig {

    private StreamingConfig() {
    }

    public static final ConfigKey<String> MASTER = new ConfigKey<>("sluice.master",
            "where tasks run: local, local[n] or local[*] (n task threads)", "local[*]",
            s -> s, s -> MasterUrl.isValid(s), "local, local[n] with n >= 1, or local[*]");

    public static final ConfigKey<String> APP_NAME = new ConfigKey<>("sluice.app.name",
            "the application's name, recorded in checkpoints", "sluice-app", s -> s,
            s -> !s.isEmpty(), "a non-empty name");

    public static final ConfigKey<Duration> BLOCK_INTERVAL = new ConfigKey<>(
            "sluice.streaming.blockInterval",
            "how often a receiver's buffered records are cut into a block and logged", "200ms",
            StreamingConfig::parseDuration, d -> d.toMillis() > 0, "a positive duration such as 200ms");

    public static final ConfigKey<String> CLOCK = new ConfigKey<>("sluice.streaming.clock",
            "system (real time) or manual (time advanced by tests through ManualClock)", "system",
            s -> s.toLowerCase(Locale.ROOT), s -> s.equals("system") || s.equals("manual"),
            "system or manual");

    public static final ConfigKey<Integer> CONCURRENT_JOBS = new ConfigKey<>(
            "sluice.streaming.concurrentJobs",
            "how many output jobs of one batch may run at once", "1", Integer::parseInt,
            n -> n >= 1, "an integer >= 1");

    public static final ConfigKey<Boolean> WAL_ENABLE = new ConfigKey<>(
            "sluice.streaming.receiver.writeAheadLog.enable",
            "log received blocks to the write-ahead log before acknowledging them (only when a"
                    + " checkpoint directory is set)", "true", StreamingConfig::parseBoolean,
            b -> true, "true or false");

    public static final ConfigKey<String> WAL_DURABILITY = new ConfigKey<>(
            "sluice.streaming.writeAheadLog.durability",
            "process (survives kill -9) or fsync (survives power loss)", "fsync",
            s -> s.toLowerCase(Locale.ROOT), s -> s.equals("process") || s.equals("fsync"),
            "process or fsync");

    public static final ConfigKey<String> LOCAL_DIR = new ConfigKey<>("sluice.streaming.localDir",
            "local directory for the write-ahead logs and the working copy of the state; defaults"
                    + " to <checkpointDir>/local for a local checkpoint directory, else"
                    + " <java.io.tmpdir>/sluice-<appName>", null, s -> s, s -> !s.isEmpty(),
            "a local path");

    public static final ConfigKey<Duration> CHECKPOINT_INTERVAL = new ConfigKey<>(
            "sluice.streaming.checkpoint.interval",
            "how often a checkpoint is taken; a multiple of the batch duration; defaults to 10"
                    + " batches but at least 10 s", null, StreamingConfig::parseDuration,
            d -> d.toMillis() > 0, "a positive duration such as 10s");

    public static final ConfigKey<Integer> CHECKPOINT_RETAINED = new ConfigKey<>(
            "sluice.streaming.checkpoint.retained", "how many checkpoints are kept", "3",
            Integer::parseInt, n -> n >= 1, "an integer >= 1");

    public static final ConfigKey<Duration> RECEIVER_RESTART_DELAY = new ConfigKey<>(
            "sluice.streaming.receiverRestartDelay",
            "how long a receiver waits before it is started again after restart() or an error",
            "2s", StreamingConfig::parseDuration, d -> !d.isNegative(), "a duration >= 0");

    public static final ConfigKey<Duration> RECEIVER_MAX_RESTART_DELAY = new ConfigKey<>(
            "sluice.streaming.receiver.maxRestartDelay",
            "the longest wait before a receiver that keeps failing is started again (restart"
                    + " delays grow from receiverRestartDelay up to this)", "1min",
            StreamingConfig::parseDuration, d -> !d.isNegative(), "a duration >= 0");

    public static final ConfigKey<Double> RECEIVER_RESTART_BACKOFF_MULTIPLIER = new ConfigKey<>(
            "sluice.streaming.receiver.restartBackoffMultiplier",
            "how much the restart delay grows with each failure in a row", "2.0",
            Double::parseDouble, d -> d >= 1.0 && !d.isInfinite(), "a number >= 1.0 (1.0: a constant delay)");

    public static final ConfigKey<Duration> RECEIVER_STOP_TIMEOUT = new ConfigKey<>(
            "sluice.streaming.receiver.stopTimeout",
            "how long stopping or restarting a receiver waits for its threads to end before it"
                    + " interrupts them and warns", "10s", StreamingConfig::parseDuration,
            d -> !d.isNegative(), "a duration >= 0");

    public static final ConfigKey<Long> RECEIVER_MAX_RATE = new ConfigKey<>(
            "sluice.streaming.receiver.maxRate",
            "the most records per second each receiver stores (store calls block to keep it);"
                    + " 0 or negative: no limit", "0", Long::parseLong, n -> true,
            "an integer (records per second; 0 or negative for no limit)");

    public static final ConfigKey<Boolean> BACKPRESSURE_ENABLED = new ConfigKey<>(
            "sluice.streaming.backpressure.enabled",
            "adapt each receiver's rate (never above receiver.maxRate), and how much a direct input"
                    + " such as Kafka plans per batch, to how fast batches are processed (PID estimator)", "false", StreamingConfig::parseBoolean, b -> true,
            "true or false");

    public static final ConfigKey<Long> BACKPRESSURE_INITIAL_RATE = new ConfigKey<>(
            "sluice.streaming.backpressure.initialRate",
            "with backpressure, the rate receivers (each) and direct inputs (each stream) start at"
                    + " before the first estimate; defaults to receiver.maxRate for receivers and to no"
                    + " limit for direct inputs", null, Long::parseLong,
            n -> n > 0, "a positive integer (records per second)");

    public static final ConfigKey<Double> BACKPRESSURE_PID_PROPORTIONAL = new ConfigKey<>(
            "sluice.streaming.backpressure.pid.proportional",
            "PID estimator: weight of the difference between the current rate and the last"
                    + " batch's processing rate", "1.0", Double::parseDouble, d -> d >= 0,
            "a number >= 0");

    public static final ConfigKey<Double> BACKPRESSURE_PID_INTEGRAL = new ConfigKey<>(
            "sluice.streaming.backpressure.pid.integral",
            "PID estimator: weight of the accumulated backlog (scheduling delay)", "0.2",
            Double::parseDouble, d -> d >= 0, "a number >= 0");

    public static final ConfigKey<Double> BACKPRESSURE_PID_DERIVED = new ConfigKey<>(
            "sluice.streaming.backpressure.pid.derived",
            "PID estimator: weight of the change of the error", "0.0", Double::parseDouble,
            d -> d >= 0, "a number >= 0");

    public static final ConfigKey<Double> BACKPRESSURE_PID_MIN_RATE = new ConfigKey<>(
            "sluice.streaming.backpressure.pid.minRate",
            "PID estimator: the lowest rate it sets (records per second)", "100",
            Double::parseDouble, d -> d > 0 && !d.isInfinite(), "a number > 0");

    public static final ConfigKey<Integer> SOCKET_MAX_LINE_LENGTH = new ConfigKey<>(
            "sluice.streaming.socket.maxLineLength",
            "the longest line socketTextStream accepts, in bytes; longer lines are dropped,"
                    + " counted and reported to listeners", "1048576", Integer::parseInt,
            n -> n >= 1, "an integer >= 1 (bytes)");

    public static final ConfigKey<String> KRYO_REGISTRATOR = new ConfigKey<>(
            "sluice.kryo.registrator",
            "class implementing io.sluice.internal.storage.serde.KryoRegistrator that registers"
                    + " serializers for record and state types", null, s -> s, s -> !s.isEmpty(),
            "a fully qualified class name");

    public static final ConfigKey<Integer> DEFAULT_PARALLELISM = new ConfigKey<>(
            "sluice.default.parallelism",
            "number of partitions of shuffles and state when not given; defaults to the number of"
                    + " task threads", null, Integer::parseInt, n -> n >= 1, "an integer >= 1");

    public static final ConfigKey<Long> STATE_BLOCK_CACHE_BYTES = new ConfigKey<>(
            "sluice.state.blockCacheBytes", "RocksDB block cache shared by all state", "67108864",
            Long::parseLong, n -> n > 0, "a positive number of bytes");

    public static final ConfigKey<Long> STATE_OUTPUT_BUFFER_BYTES = new ConfigKey<>(
            "sluice.state.outputBufferBytes",
            "heap an updateStateByKey batch may use to keep the states it wrote, serialized, so that"
                    + " the batch's output operations read them without scanning the state store again;"
                    + " a partition beyond its share is read from the store. 0: always read the store."
                    + " Defaults to a sixteenth of the maximum heap", null,
            Long::parseLong, n -> n >= 0, "a number of bytes >= 0");

    public static final ConfigKey<Boolean> STOP_GRACEFULLY_ON_SHUTDOWN = new ConfigKey<>(
            "sluice.streaming.stopGracefullyOnShutdown",
            "on JVM shutdown (SIGTERM), finish the data already received before exiting", "false",
            StreamingConfig::parseBoolean, b -> true, "true or false");

    public static final ConfigKey<Duration> GRACEFUL_STOP_TIMEOUT = new ConfigKey<>(
            "sluice.streaming.gracefulStopTimeout",
            "how long a graceful stop (stop(true), or SIGTERM with stopGracefullyOnShutdown) waits for"
                    + " a batch to take the data received before the stop, and then again for the queued"
                    + " batches to run; past it, it logs 'Graceful stop incomplete' and stops without them"
                    + " (a restart processes them); defaults to 10 batches but at least 10 s", null,
            StreamingConfig::parseDuration, d -> d.toMillis() > 0, "a positive duration such as 60s");

    public static final ConfigKey<String> RECOVERY_DOWN_TIME_BATCHES = new ConfigKey<>(
            "sluice.streaming.recovery.downTimeBatches",
            "what a recovery does with the batch times that passed while the application was down:"
                    + " generate them (as Spark does, at most maxDownTimeBatches) or skip them (the data"
                    + " received meanwhile goes into the next batch)", "generate",
            s -> s.toLowerCase(Locale.ROOT), s -> s.equals("generate") || s.equals("skip"),
            "generate or skip");

    public static final ConfigKey<Integer> RECOVERY_MAX_DOWN_TIME_BATCHES = new ConfigKey<>(
            "sluice.streaming.recovery.maxDownTimeBatches",
            "with downTimeBatches=generate, at most this many of the latest down-time batch times"
                    + " are generated; earlier ones are skipped with a warning", "100", Integer::parseInt,
            n -> n >= 0, "an integer >= 0");

    public static final ConfigKey<Duration> FILESTREAM_MIN_REMEMBER = new ConfigKey<>(
            "sluice.streaming.fileStream.minRememberDuration",
            "how far back (by modification time) a file stream looks for new files, rounded up to"
                    + " whole batches; a file older than this when it appears is not read", "60s",
            StreamingConfig::parseDuration, d -> d.toMillis() > 0, "a positive duration such as 60s");

    /** All keys, in the order the README documents them. */
    public static final List<ConfigKey<?>> ALL = List.of(MASTER, APP_NAME, BLOCK_INTERVAL, CLOCK,
            CONCURRENT_JOBS, WAL_ENABLE, WAL_DURABILITY, LOCAL_DIR, CHECKPOINT_INTERVAL,
            CHECKPOINT_RETAINED, RECEIVER_RESTART_DELAY, RECEIVER_MAX_RESTART_DELAY,
            RECEIVER_RESTART_BACKOFF_MULTIPLIER, RECEIVER_STOP_TIMEOUT, RECEIVER_MAX_RATE,
            BACKPRESSURE_ENABLED, BACKPRESSURE_INITIAL_RATE, BACKPRESSURE_PID_PROPORTIONAL,
            BACKPRESSURE_PID_INTEGRAL, BACKPRESSURE_PID_DERIVED, BACKPRESSURE_PID_MIN_RATE,
            SOCKET_MAX_LINE_LENGTH, KRYO_REGISTRATOR, DEFAULT_PARALLELISM,
            STATE_BLOCK_CACHE_BYTES, STATE_OUTPUT_BUFFER_BYTES, STOP_GRACEFULLY_ON_SHUTDOWN, GRACEFUL_STOP_TIMEOUT,
            RECOVERY_DOWN_TIME_BATCHES,
            RECOVERY_MAX_DOWN_TIME_BATCHES, FILESTREAM_MIN_REMEMBER);

    /** Parses {@code 200ms}, {@code 10s}, {@code 2min}, {@code 1h}, {@code 1d}, or a plain number of ms. */
    public static Duration parseDuration(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < t.length() && Character.isDigit(t.charAt(i))) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("not a duration: " + s);
        }
        long n = Long.parseLong(t.substring(0, i));
        String unit = t.substring(i).trim();
        return switch (unit) {
            case "", "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m", "min" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> throw new IllegalArgumentException("unknown unit in " + s);
        };
    }

    static boolean parseBoolean(String s) {
        if (s.equalsIgnoreCase("true")) {
            return true;
        }
        if (s.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException("not a boolean: " + s);
    }
}
