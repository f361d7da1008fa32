package io.sluice.internal.dstream;

import io.sluice.RDD;
import io.sluice.SluiceException;
import io.sluice.Time;
import io.sluice.internal.storage.fault.FaultPoints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Commits the output directory of one batch by batch time (DESIGN.md I6), for every file output
 * ({@code saveAsTextFiles}, {@code saveAsObjectFiles}, {@code saveAs[NewAPI]HadoopFiles}).
 *
 * <p>The batch is written into a temporary sibling directory (a hidden name starting with
 * {@code ._temporary-}, which Hadoop input formats and Sluice's file stream skip), then renamed
 * to {@code prefix-<timeMs>[.suffix]}. If that directory already exists (the batch is re-run
 * after recovery), it is deleted first. Readers therefore see either no directory or a complete
 * one: a crash between the delete and the rename leaves no directory, and the re-run of the
 * batch writes it again; a crash before the rename leaves only a hidden temporary directory.
 * A failed write deletes its temporary directory (best effort) and leaves any committed
 * directory of the same batch untouched.
 *
 * <p>Thread-safe: batches may be committed concurrently ({@code sluice.streaming.concurrentJobs});
 * each write has its own temporary directory. Two writers of the same batch at the same moment
 * are not coordinated (the last rename wins), which the job scheduler never does.
 */
public final class BatchDirectoryCommitter {
    /** The marker of a committed directory, as Hadoop's FileOutputCommitter writes it. */
    public static final String SUCCESS_MARKER = "_SUCCESS";

    private final String operation;
    private final String prefix;
    private final String suffix;
    private final Configuration conf;
    private final String fix;

    /**
     * @param operation the user-facing name of the output operation, for messages
     * @param prefix the directory prefix; must not be empty
     * @param suffix the directory suffix; {@code null} or empty for none
     * @param conf the Hadoop configuration that resolves the filesystem of the prefix
     * @param fix what a user should check when writing fails with an I/O error, for messages
     * @throws IllegalArgumentException if the prefix is null or empty
     */
    public BatchDirectoryCommitter(String operation, String prefix, String suffix, Configuration conf, String fix) {
        if (prefix == null || prefix.isEmpty()) {
            throw new IllegalArgumentException(operation + " needs a non-empty prefix, got [" + prefix + "]");
        }
        this.operation = operation;
        this.prefix = prefix;
        this.suffix = suffix == null ? "" : suffix;
        this.conf = conf;
        this.fix = fix;
    }

    /** Writes the content of a batch into a fresh directory that does not exist yet. */
    @FunctionalInterface
    public interface Contents {
        /**
         * Writes the batch under {@code dir}, which does not exist yet (create it, or let an
         * output committer create it); returns once everything written is durable.
         */
        void writeInto(FileSystem fs, Path dir) throws IOException;
    }

    /** Writes the records of one partition into one file. */
    @FunctionalInterface
    public interface PartWriter<T> {
        /** Writes {@code records} to {@code file} and syncs it before returning. */
        void write(FileSystem fs, Path file, Iterator<T> records) throws IOException;
    }

    /** The directory name of batch {@code time}: {@code prefix-<ms>} plus {@code .suffix} if any. */
    public String directoryFor(Time time) {
        return prefix + "-" + time.milliseconds() + (suffix.isEmpty() ? "" : "." + suffix);
    }

    /** The Hadoop configuration outputs are written with. */
    public Configuration conf() {
        return conf;
    }

    /**
     * Writes one file {@code part-NNNNN} per partition of {@code rdd} (empty partitions too) on
     * the task threads, then the {@code _SUCCESS} marker, and commits the directory of batch
     * {@code time}. Returns when it is committed.
     *
     * @throws SluiceException naming the batch, the directory and the fix if writing fails
     */
    public <T> void commitPartitions(RDD<T> rdd, Time time, PartWriter<T> writer) {
        commit(time, (fs, dir) -> {
            if (!fs.mkdirs(dir)) {
                throw new IOException("cannot create the directory " + dir);
            }
            rdd.env().scheduler().prepare(rdd);
            rdd.env().scheduler().runTasks(rdd.getNumPartitions(), p -> {
                try {
                    writer.write(fs, new Path(dir, partName(p)), rdd.compute(p));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return null;
            });
            try (FSDataOutputStream ok = fs.create(new Path(dir, SUCCESS_MARKER), true)) {
                ok.hsync();
            }
        });
    }

    /** The name of the file of partition {@code p}, as Spark and Hadoop's old API name it. */
    public static String partName(int p) {
        return String.format("part-%05d", p);
    }

    /**
     * Writes the batch with {@code contents} into a temporary sibling of its directory, then
     * renames it to {@link #directoryFor(Time)}, replacing the directory of an earlier run.
     * Returns when the directory is committed.
     *
     * @throws SluiceException naming the batch, the directory and the fix if an I/O error occurs;
     *     other exceptions of {@code contents} (a failing user function, say) pass unchanged
     */
    public void commit(Time time, Contents contents) {
        Path target = new Path(directoryFor(time));
        FileSystem fs = null;
        Path tmp = null;
        try {
            fs = target.getFileSystem(conf);
            Path parent = target.getParent();
            if (parent != null && !fs.mkdirs(parent)) {
                throw new IOException("cannot create the parent directory " + parent);
            }
            tmp = new Path(parent, "._temporary-" + target.getName() + "-" + UUID.randomUUID());
            contents.writeInto(fs, tmp);
            FaultPoints.hit(FaultPoints.OUTPUT_BEFORE_COMMIT);
            if (fs.exists(target) && !fs.delete(target, true)) {
                throw new IOException("cannot delete " + target + ", the output of an earlier run of the batch");
            }
            if (!fs.rename(tmp, target)) {
                throw new IOException("rename of " + tmp + " to " + target + " returned false");
            }
        } catch (IOException | UncheckedIOException e) {
            Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
            SluiceException failure = new SluiceException(operation + " cannot write the output of batch " + time
                    + " to [" + target + "]: " + cause + "; " + fix, cause);
            discard(fs, tmp, failure);
            throw failure;
        } catch (RuntimeException | Error e) {
            discard(fs, tmp, e);
            throw e;
        }
    }

    /** Deletes a failed write's temporary directory; a failure to do so is attached, not thrown. */
    private static void discard(FileSystem fs, Path tmp, Throwable failure) {
        if (fs == null || tmp == null) {
            return;
        }
        try {
            fs.delete(tmp, true);
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }
}
