package io.sluice.internal.dstream;

import io.sluice.RDD;
import io.sluice.Time;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes one batch as a directory of text files on any Hadoop filesystem, committed by batch
 * time (DESIGN.md I6): one {@code part-NNNNN} file per partition holding one line per record
 * ({@code String.valueOf}, UTF-8), each synced, then {@code _SUCCESS}, then the atomic rename of
 * {@link BatchDirectoryCommitter}.
 */
public final class TextFileOutput {
    private final BatchDirectoryCommitter committer;

    /** @throws IllegalArgumentException if the prefix is null or empty */
    public TextFileOutput(String prefix, String suffix, Configuration conf) {
        this.committer = new BatchDirectoryCommitter("saveAsTextFiles", prefix, suffix, conf,
                "check that the directory is writable");
    }

    /** The directory name of batch {@code time}: {@code prefix-<ms>} plus {@code .suffix} if any. */
    public String directoryFor(Time time) {
        return committer.directoryFor(time);
    }

    /**
     * Writes {@code rdd} as the output of batch {@code time}; returns when it is committed.
     *
     * @throws io.sluice.SluiceException naming the batch and the directory if writing fails
     */
    public <T> void write(RDD<T> rdd, Time time) {
        committer.commitPartitions(rdd, time, TextFileOutput::writePart);
    }

    private static <T> void writePart(FileSystem fs, Path file, Iterator<T> it) throws IOException {
        try (FSDataOutputStream out = fs.create(file, true)) {
            Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
            while (it.hasNext()) {
                w.write(String.valueOf(it.next()));
                w.write('\n');
            }
            w.flush();
            out.hsync();
        }
    }
}
