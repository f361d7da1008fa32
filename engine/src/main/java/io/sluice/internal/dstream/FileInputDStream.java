package io.sluice.internal.dstream;

import io.sluice.RDD;
import io.sluice.SluiceException;
import io.sluice.StreamingContext;
import io.sluice.Time;
import io.sluice.function.Function;
import io.sluice.internal.config.StreamingConfig;
import io.sluice.internal.receiver.InputPlan;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.InputFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stream of the files that appear in a directory of any Hadoop filesystem, each read once with
 * a new-API Hadoop {@link InputFormat}, as Spark's {@code FileInputDStream}, but with no state
 * outside the batch plans and checkpoints, so recovery neither skips nor re-reads a file.
 *
 * <h2>Which files a batch reads</h2>
 * Batch t lists the directory (or every directory a glob matches) once and selects each plain
 * file in it that:
 * <ul>
 *   <li>is not hidden or temporary: its name does not start with {@code .} or {@code _} and does
 *       not end with {@code ._COPYING_} or {@code .tmp};</li>
 *   <li>has a modification time m with {@code threshold < m <= t}, where the threshold is the
 *       later of the start of the remember window ({@code t - R}, R being
 *       {@code sluice.streaming.fileStream.minRememberDuration} rounded up to whole batches) and,
 *       with {@code newFilesOnly}, the stream's zero time (files written before the start are
 *       ignored); a file with {@code m > t} waits for a later batch;</li>
 *   <li>was not selected by an earlier batch (the stream remembers the files it selected while
 *       their batch is within the remember window; older ones fail the time test anyway);</li>
 *   <li>passes the user's filter.</li>
 * </ul>
 * Files must therefore be moved into the directory atomically (written elsewhere, then renamed),
 * keep the modification time they were written with, and not change once moved. A file whose
 * modification time is older than the remember window when it appears is never read (Spark's
 * rule); a longer {@code minRememberDuration} tolerates longer delays.
 *
 * <h2>How recovery works, and why</h2>
 * The stream's {@link Position} is the threshold of {@code newFilesOnly} and the set of files
 * selected within the window. {@link #plan} computes batch t's files and the position after
 * them; both are logged with t's allocation before t runs, and a checkpoint of t records the
 * position after t. A batch re-run after a crash reads exactly its logged files; the stream
 * resumes from the position after the last logged batch, and the batch times that passed while
 * the application was down list the directory in turn, each taking the files whose
 * modification times fall before it. A file moved in while the application was down is thus
 * read once, by the first batch after its modification time (within the remember window).
 * Positions are immutable: a logged or checkpointed position never changes afterwards.
 *
 * <h2>Cost</h2>
 * One directory listing per batch (one per matched directory for a glob), on the job generator's
 * thread; then, for each selected file, a status call to check it is still as planned and the
 * input format's split computation (for {@code FileInputFormat}s one more status call per file).
 * The position, logged with every batch and kept in checkpoints, holds one entry per file
 * selected within the remember window.
 *
 * @param <K> key type of the input format
 * @param <V> value type of the input format
 * @param <T> record type of the stream
 */
public final class FileInputDStream<K, V, T> extends DirectInputDStream<T, FileInputDStream.Plan> {
    private static final Logger LOG = LoggerFactory.getLogger(FileInputDStream.class);

    /** One file of a batch, as listed when the batch was planned. */
    public record PlannedFile(String path, long length, long modificationTime) implements Serializable {
    }

    /** The files a batch reads, in path order. */
    public record Plan(List<PlannedFile> files) implements Serializable {
    }

    /**
     * Where the stream is: files with a modification time at or before {@code ignoreUpToMs}
     * are never read ({@code newFilesOnly}), and {@code selected} maps every file selected
     * within the remember window to the batch time that selected it. Never mutated.
     */
    public record Position(long ignoreUpToMs, TreeMap<String, Long> selected) implements Serializable {
    }

    private final String directory;
    private final Path directoryPath;
    private final Class<? extends InputFormat<K, V>> formatClass;
    private final Function<Path, Boolean> filter;
    private final boolean newFilesOnly;
    private final Configuration explicitConf;
    private final HadoopFilesRDD.RecordConverter<K, V, T> converter;
    private final long rememberMs;
    private Configuration conf;
    private FileSystem fs;
    private Position position;

    /**
     * @param filter the user's filter of paths, or null to accept every file not hidden or temporary
     * @param conf the Hadoop configuration to list and read with, or null for the context's
     *     (read when the context starts)
     * @param converter turns a key and value read (reused by the reader between records) into a
     *     record that the stream may keep
     * @throws IllegalArgumentException if the directory is empty
     */
    public FileInputDStream(StreamingContext ssc, String directory, Class<? extends InputFormat<K, V>> formatClass,
                            Function<Path, Boolean> filter, boolean newFilesOnly, Configuration conf,
                            HadoopFilesRDD.RecordConverter<K, V, T> converter) {
        super(ssc);
        if (directory == null || directory.isBlank()) {
            throw new IllegalArgumentException("A file stream needs a directory, got [" + directory + "]");
        }
        if (formatClass == null) {
            throw new IllegalArgumentException("A file stream needs an InputFormat class");
        }
        this.directory = directory;
        this.directoryPath = new Path(directory);
        this.formatClass = formatClass;
        this.filter = filter;
        this.newFilesOnly = newFilesOnly;
        this.explicitConf = conf == null ? null : new Configuration(conf);
        this.converter = converter;
        long batchMs = ssc.batchDuration().toMillis();
        long minRememberMs = ssc.conf().getRequired(StreamingConfig.FILESTREAM_MIN_REMEMBER).toMillis();
        long batches = Math.max(1, (minRememberMs + batchMs - 1) / batchMs);
        this.rememberMs = batches * batchMs;
    }

    /** The remember window R: {@code minRememberDuration} rounded up to whole batches. */
    public long rememberMs() {
        return rememberMs;
    }

    @Override
    public void resume(Serializable positionAfterLastBatch) {
        conf = explicitConf != null ? explicitConf : new Configuration(ssc.hadoopConfiguration());
        try {
            fs = directoryPath.getFileSystem(conf);
        } catch (IOException e) {
            throw new SluiceException("File stream: cannot reach the filesystem of [" + directory + "]: "
                    + e.getMessage() + "; check the URI's scheme and authority and the Hadoop configuration", e);
        }
        directories();   // fails now, at start, if there is nothing to list
        if (positionAfterLastBatch instanceof Position p) {
            position = p;
        } else {
            // The zero time, not the wall clock: a restart before the first batch was logged
            // recovers the same zero time from the first checkpoint, hence the same threshold.
            long zero = ssc.graph().zeroTime().orElseThrow().milliseconds();
            position = new Position(newFilesOnly ? zero : Long.MIN_VALUE, new TreeMap<>());
        }
        LOG.info("File stream {} on [{}]: remember window {} ms, {} files remembered", id(), directory, rememberMs,
                position.selected().size());
    }

    @Override
    public InputPlan plan(Time time) {
        if (position == null) {
            throw new IllegalStateException("file stream " + id() + " planned before it was resumed; this is a bug");
        }
        long t = time.milliseconds();
        long threshold = Math.max(position.ignoreUpToMs(), t - rememberMs);
        TreeMap<String, Long> selected = new TreeMap<>();
        for (Map.Entry<String, Long> e : position.selected().entrySet()) {
            // A file selected at or before the threshold has a modification time at or before it
            // too, so the time test alone keeps it from being selected again.
            if (e.getValue() > threshold) {
                selected.put(e.getKey(), e.getValue());
            }
        }
        List<PlannedFile> found = new ArrayList<>();
        for (Path dir : directories()) {
            FileStatus[] listed;
            try {
                listed = fs.listStatus(dir);
            } catch (IOException e) {
                throw new SluiceException("File stream: cannot list [" + dir + "] for batch " + time + ": "
                        + e.getMessage() + "; check that the directory exists and is readable (no file is"
                        + " skipped: a restart recovers from the last logged batch)", e);
            }
            for (FileStatus s : listed) {
                if (isNew(s, t, threshold, selected)) {
                    found.add(new PlannedFile(s.getPath().toString(), s.getLen(), s.getModificationTime()));
                }
            }
        }
        found.sort(Comparator.comparing(PlannedFile::path));
        for (PlannedFile f : found) {
            selected.put(f.path(), t);
        }
        position = new Position(position.ignoreUpToMs(), selected);
        if (!found.isEmpty()) {
            LOG.debug("File stream {}: batch {} reads {} new files", id(), time, found.size());
        }
        return new InputPlan(new Plan(List.copyOf(found)), position, -1);
    }

    private boolean isNew(FileStatus s, long t, long threshold, Map<String, Long> selected) {
        if (!s.isFile()) {
            return false;
        }
        String name = s.getPath().getName();
        if (isHiddenOrTemporary(name)) {
            return false;
        }
        long m = s.getModificationTime();
        if (m <= threshold || m > t) {
            return false;
        }
        if (selected.containsKey(s.getPath().toString())) {
            return false;
        }
        if (filter == null) {
            return true;
        }
        try {
            return Boolean.TRUE.equals(filter.call(s.getPath()));
        } catch (Exception e) {
            throw new SluiceException("File stream on [" + directory + "]: the filter threw on [" + s.getPath()
                    + "]: " + e, e);
        }
    }

    /** Names no file stream reads: hidden files, and files still being written by common tools. */
    public static boolean isHiddenOrTemporary(String name) {
        return name.startsWith(".") || name.startsWith("_") || name.endsWith("._COPYING_") || name.endsWith(".tmp");
    }

    private List<Path> directories() {
        FileStatus[] matched;
        try {
            matched = fs.globStatus(directoryPath);
        } catch (IOException e) {
            throw new SluiceException("File stream: cannot list [" + directory + "]: " + e.getMessage()
                    + "; check that the directory exists and is readable", e);
        }
        List<Path> dirs = new ArrayList<>();
        if (matched != null) {
            for (FileStatus s : matched) {
                if (s.isDirectory()) {
                    dirs.add(s.getPath());
                }
            }
        }
        if (dirs.isEmpty()) {
            throw new SluiceException("File stream: [" + directory + "] is not a directory"
                    + (matched == null || matched.length == 0 ? " (it does not exist, or the glob matches nothing)"
                            : " (it is a file)")
                    + ": create the directory before starting the context, or give the directory files are"
                    + " moved into (a glob must match at least one directory)");
        }
        dirs.sort(null);
        return dirs;
    }

    @Override
    protected RDD<T> read(Time time, Plan plan) {
        return new HadoopFilesRDD<>(ssc.runtime().env(), conf, formatClass, plan.files(), converter,
                "file stream on [" + directory + "], batch " + time);
    }

    @Override
    public String toString() {
        return "FileInputDStream[" + directory + "]";
    }
}
