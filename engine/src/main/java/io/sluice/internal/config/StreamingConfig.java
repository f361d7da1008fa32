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

    public static final ConfigKey<Boolean> STOP_GRACEFULLY_ON_SHUTDOWN = new ConfigKey<>(
            "sluice.streaming.stopGracefullyOnShutdown",
            "on JVM shutdown (SIGTERM), finish the data already received before exiting", "false",
            StreamingConfig::parseBoolean, b -> true, "true or false");

    public static final ConfigKey<Duration> FILESTREAM_MIN_REMEMBER = new ConfigKey<>(
            "sluice.streaming.fileStream.minRememberDuration",
            "how far back (by modification time) a file stream looks for new files, rounded up to"
                    + " whole batches; a file older than this when it appears is not read", "60s",
            StreamingConfig::parseDuration, d -> d.toMillis() > 0, "a positive duration such as 60s");

    /** All keys, in the order the README documents them. */
    public static final List<ConfigKey<?>> ALL = List.of(MASTER, APP_NAME, BLOCK_INTERVAL, CLOCK,
            CONCURRENT_JOBS, WAL_ENABLE, WAL_DURABILITY, LOCAL_DIR, CHECKPOINT_INTERVAL,
            CHECKPOINT_RETAINED, RECEIVER_RESTART_DELAY, KRYO_REGISTRATOR, DEFAULT_PARALLELISM,
            STATE_BLOCK_CACHE_BYTES, STOP_GRACEFULLY_ON_SHUTDOWN, FILESTREAM_MIN_REMEMBER);

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
