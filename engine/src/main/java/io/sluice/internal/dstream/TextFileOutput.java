package io.sluice.internal.dstream;

import io.sluice.RDD;
import io.sluice.SluiceException;
import io.sluice.Time;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes one batch as a directory of text files on any Hadoop filesystem, committed by batch
 * time (DESIGN.md I6).
 *
 * <p>The batch is written into a temporary sibling directory, every part file synced, then the
 * directory is renamed to {@code prefix-<timeMs>[.suffix]}. If that directory already exists (the
 * batch is re-run after recovery), it is replaced. Readers therefore see either no directory or a
 * complete one; a crash between the delete and the rename leaves no directory, and the re-run of
 * the batch writes it again.
 */
public final class TextFileOutput implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final String prefix;
    private final String suffix;
    private final transient Configuration conf;

    public TextFileOutput(String prefix, String suffix, Configuration conf) {
        if (prefix == null || prefix.isEmpty()) {
            throw new IllegalArgumentException("saveAsTextFiles needs a non-empty prefix");
        }
        this.prefix = prefix;
        this.suffix = suffix == null ? "" : suffix;
        this.conf = conf;
    }

    /** The directory name of batch {@code time}: {@code prefix-<ms>} plus {@code .suffix} if any. */
    public String directoryFor(Time time) {
        return prefix + "-" + time.milliseconds() + (suffix.isEmpty() ? "" : "." + suffix);
    }

    /** Writes {@code rdd} as the output of batch {@code time}; returns when it is committed. */
    public <T> void write(RDD<T> rdd, Time time) {
        Path target = new Path(directoryFor(time));
        try {
            FileSystem fs = target.getFileSystem(conf);
            Path parent = target.getParent();
            if (parent != null) {
                fs.mkdirs(parent);
            }
            Path tmp = new Path(parent, "._temporary-" + target.getName() + "-" + UUID.randomUUID());
            fs.mkdirs(tmp);
            rdd.env().scheduler().prepare(rdd);
            rdd.env().scheduler().runTasks(rdd.getNumPartitions(), p -> {
                writePart(fs, new Path(tmp, String.format("part-%05d", p)), rdd.compute(p));
                return null;
            });
            try (FSDataOutputStream ok = fs.create(new Path(tmp, "_SUCCESS"), true)) {
                ok.hsync();
            }
            if (fs.exists(target)) {
                fs.delete(target, true);
            }
            if (!fs.rename(tmp, target)) {
                throw new IOException("rename of " + tmp + " to " + target + " returned false");
            }
        } catch (IOException | UncheckedIOException e) {
            throw new SluiceException("Cannot write the output of batch " + time + " to [" + target
                    + "]: " + e.getMessage() + "; check that the directory is writable", e);
        }
    }

    private static <T> void writePart(FileSystem fs, Path file, Iterator<T> it) {
        try (FSDataOutputStream out = fs.create(file, true)) {
            Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
            while (it.hasNext()) {
                w.write(String.valueOf(it.next()));
                w.write('\n');
            }
            w.flush();
            out.hsync();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
