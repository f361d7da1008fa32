package io.sluice;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A {@link TransactionalSink} that writes every batch as text files into one directory on any
 * Hadoop filesystem ({@code file://}, {@code hdfs://}, {@code s3a://}) and commits it with a
 * commit marker file, so that each batch's output is committed exactly once across crashes and
 * recoveries.
 *
 * <h2>Layout</h2>
 * <pre>
 *   dir/part-&lt;batchTimeMs&gt;-NNNNN     one file per partition, one line per record (String.valueOf, UTF-8)
 *   dir/_commits/&lt;batchTimeMs&gt;       the commit marker: batch time, record count, the batch's files
 *   dir/_temporary/...                files being written (a crashed attempt may leave some)
 * </pre>
 * {@code write} writes each partition file under {@code _temporary}, syncs it and renames it to
 * its final name, replacing the file of an earlier uncommitted attempt; {@code commit} writes
 * the marker under {@code _temporary}, syncs it and renames it into {@code _commits}; {@code
 * alreadyCommitted} checks that the marker exists. The marker is the single source of truth:
 * a batch is committed exactly when its marker exists, and a downstream reader should read only
 * the files the markers list ({@link #committedTimes()}, {@link #readCommitted(Time)}): a file
 * of a batch whose commit did not happen yet may already be present under its final name (it is
 * then replaced by the re-run with identical content). Names starting with {@code _} or
 * {@code .} are skipped by Hadoop input formats.
 *
 * <p>The marker can carry more than the file list: a pipeline reading from Kafka into files can
 * keep the batch's offset ranges next to it, as the marker is written once per batch time.
 *
 * <h2>Cost and limits</h2>
 * One task per partition, each writing and syncing one file; two renames and one small marker
 * file per batch. Markers are never deleted by the sink (one per batch, about 100 bytes): a
 * retention job that deletes old output files should delete their markers with them, but never
 * markers of batches a recovery could still re-run (those after the oldest retained checkpoint).
 * On a filesystem whose rename is not atomic (S3 without a committer) a crash during the marker
 * rename can leave a partial marker: such a marker fails validation and counts as absent.
 *
 * <pre>{@code
 * DStream<String> lines = ...;
 * TransactionalFileSink<String> sink = new TransactionalFileSink<>("hdfs:///out/lines", ssc.hadoopConfiguration());
 * lines.foreachRDDTransactional(sink);
 * // a reader, later:
 * for (long t : sink.committedTimes()) { List<String> batch = sink.readCommitted(new Time(t)); ... }
 * }</pre>
 *
 * <p>Thread-safe. The Hadoop {@link Configuration} is not copied: change it before start.
 *
 * @param <T> the record type
 */
public final class TransactionalFileSink<T> implements TransactionalSink<T> {
    /** Folder of commit markers, under the sink's directory. */
    public static final String COMMITS = "_commits";
    private static final String TEMPORARY = "_temporary";
    private static final String MAGIC = "sluice-commit v1";

    private final Path dir;
    private final Configuration conf;
    /** Files and record count written for a batch time and not yet committed. */
    private final Map<Long, Written> pending = new ConcurrentHashMap<>();

    private record Written(List<String> files, long records) {
    }

    /**
     * @param directory the output directory (any Hadoop filesystem URI or a local path)
     * @param conf the Hadoop configuration that resolves the directory's filesystem
     * @throws IllegalArgumentException if the directory is null or empty
     */
    public TransactionalFileSink(String directory, Configuration conf) {
        if (directory == null || directory.isEmpty()) {
            throw new IllegalArgumentException("TransactionalFileSink needs a non-empty directory, got [" + directory + "]");
        }
        this.dir = new Path(directory);
        this.conf = Objects.requireNonNull(conf, "conf");
    }

    /** The output directory. */
    public String directory() {
        return dir.toString();
    }

    /** {@inheritDoc} True when a valid commit marker of {@code time} exists. */
    @Override
    public boolean alreadyCommitted(Time time) throws IOException {
        return readMarker(time) != null;
    }

    /**
     * Writes one file {@code part-<timeMs>-NNNNN} per partition of {@code rdd} (empty partitions
     * too) on the task threads; each is synced, then renamed over the file of an earlier attempt.
     */
    @Override
    public void write(RDD<T> rdd, Time time) throws IOException {
        FileSystem fs = dir.getFileSystem(conf);
        Path tmp = new Path(dir, TEMPORARY);
        if (!fs.mkdirs(tmp)) {
            throw new IOException("cannot create " + tmp);
        }
        int n = rdd.getNumPartitions();
        long[] counts = new long[n];
        List<String> files = new ArrayList<>(n);
        for (int p = 0; p < n; p++) {
            files.add(partName(time, p));
        }
        rdd.env().scheduler().prepare(rdd);
        try {
            rdd.env().scheduler().runTasks(n, p -> {
                try {
                    counts[p] = writePart(fs, tmp, files.get(p), rdd.compute(p));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return null;
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        long records = 0;
        for (long c : counts) {
            records += c;
        }
        pending.put(time.milliseconds(), new Written(List.copyOf(files), records));
    }

    private long writePart(FileSystem fs, Path tmpDir, String name, Iterator<T> it) throws IOException {
        Path tmp = new Path(tmpDir, name + "-" + UUID.randomUUID());
        long count = 0;
        try (FSDataOutputStream out = fs.create(tmp, true)) {
            Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
            while (it.hasNext()) {
                w.write(String.valueOf(it.next()));
                w.write('\n');
                count++;
            }
            w.flush();
            out.hsync();
        }
        moveInto(fs, tmp, new Path(dir, name));
        return count;
    }

    /**
     * Writes the commit marker of {@code time} (batch time, record count, files), synced, and
     * renames it into {@code _commits}: the batch is committed when the rename returns.
     *
     * @throws IllegalStateException if {@link #write} did not run for {@code time} on this sink
     */
    @Override
    public void commit(Time time) throws IOException {
        Written w = pending.get(time.milliseconds());
        if (w == null) {
            throw new IllegalStateException("commit(" + time + ") without a write(rdd, " + time
                    + ") on this sink: call write first (DStream.foreachRDDTransactional does)");
        }
        FileSystem fs = dir.getFileSystem(conf);
        Path commits = new Path(dir, COMMITS);
        if (!fs.mkdirs(commits)) {
            throw new IOException("cannot create " + commits);
        }
        Path tmp = new Path(new Path(dir, TEMPORARY), "commit-" + time.milliseconds() + "-" + UUID.randomUUID());
        try (FSDataOutputStream out = fs.create(tmp, true)) {
            Writer wr = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            wr.write(MAGIC + "\n");
            wr.write("time=" + time.milliseconds() + "\n");
            wr.write("records=" + w.records() + "\n");
            wr.write("files=" + String.join(",", w.files()) + "\n");
            wr.write("end\n");
            wr.flush();
            out.hsync();
        }
        moveInto(fs, tmp, markerPath(time));
        pending.remove(time.milliseconds());
    }

    /**
     * The batch times committed so far, in order.
     *
     * @throws IOException if the directory cannot be listed
     */
    public SortedSet<Long> committedTimes() throws IOException {
        FileSystem fs = dir.getFileSystem(conf);
        SortedSet<Long> times = new TreeSet<>();
        FileStatus[] st;
        try {
            st = fs.listStatus(new Path(dir, COMMITS));
        } catch (FileNotFoundException e) {
            return times;
        }
        for (FileStatus s : st) {
            String name = s.getPath().getName();
            if (name.matches("\\d+") && readMarker(new Time(Long.parseLong(name))) != null) {
                times.add(Long.parseLong(name));
            }
        }
        return times;
    }

    /**
     * The records committed for batch {@code time}, file by file in partition order, as lines.
     *
     * @throws IllegalArgumentException if batch {@code time} is not committed
     * @throws IOException if a file of the batch cannot be read
     */
    public List<String> readCommitted(Time time) throws IOException {
        List<String> files = readMarker(time);
        if (files == null) {
            throw new IllegalArgumentException("Batch " + time + " is not committed in [" + dir + "]");
        }
        FileSystem fs = dir.getFileSystem(conf);
        List<String> lines = new ArrayList<>();
        for (String f : files) {
            try (FSDataInputStream in = fs.open(new Path(dir, f));
                 BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    lines.add(line);
                }
            }
        }
        return lines;
    }

    /** The files a valid marker of {@code time} lists, or null if there is no valid marker. */
    private List<String> readMarker(Time time) throws IOException {
        FileSystem fs = dir.getFileSystem(conf);
        List<String> lines = new ArrayList<>();
        try (FSDataInputStream in = fs.open(markerPath(time));
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lines.add(line);
            }
        } catch (FileNotFoundException e) {
            return null;
        }
        // A marker is valid only whole: a torn one (non-atomic rename) counts as no commit.
        if (lines.size() != 5 || !lines.get(0).equals(MAGIC) || !lines.get(4).equals("end")
                || !lines.get(1).equals("time=" + time.milliseconds()) || !lines.get(3).startsWith("files=")) {
            return null;
        }
        String files = lines.get(3).substring("files=".length());
        return files.isEmpty() ? List.of() : List.of(files.split(","));
    }

    private Path markerPath(Time time) {
        return new Path(new Path(dir, COMMITS), Long.toString(time.milliseconds()));
    }

    /** Renames {@code from} to {@code to}, replacing {@code to} if it exists. */
    private static void moveInto(FileSystem fs, Path from, Path to) throws IOException {
        if (fs.exists(to) && !fs.delete(to, false)) {
            throw new IOException("cannot delete " + to + ", left by an earlier attempt of the batch");
        }
        if (!fs.rename(from, to)) {
            throw new IOException("rename of " + from + " to " + to + " returned false");
        }
    }

    /** The name of the file of partition {@code p} of batch {@code time}. */
    static String partName(Time time, int p) {
        return String.format("part-%d-%05d", time.milliseconds(), p);
    }

    @Override
    public String toString() {
        return "TransactionalFileSink[" + dir + "]";
    }
}
