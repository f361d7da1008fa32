package io.sluice.internal.dstream;

import io.sluice.RDD;
import io.sluice.Time;
import io.sluice.internal.storage.serde.SerializationException;
import io.sluice.internal.storage.serde.Serializer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.BytesWritable;
import org.apache.hadoop.io.NullWritable;
import org.apache.hadoop.io.SequenceFile;

/**
 * Writes one batch as a directory of object files, committed by batch time (DESIGN.md I6) by
 * {@link BatchDirectoryCommitter}.
 *
 * <p>The format, read back by {@link ObjectFileRDD}: one Hadoop SequenceFile {@code part-NNNNN}
 * per partition (empty partitions too), uncompressed, of {@link NullWritable} keys and
 * {@link BytesWritable} values; each value is a block of up to {@value #BLOCK_SIZE} consecutive
 * records of the partition, serialized with the context's serializer
 * ({@link Serializer#serializeBlock}: Kryo, starting with a format version byte). Spark groups
 * records the same way but serializes each group as a Java-serialized array, so the files of one
 * cannot be read by the other.
 */
public final class ObjectFileOutput {
    /** Records per SequenceFile value, as Spark's saveAsObjectFile groups them. */
    public static final int BLOCK_SIZE = 10;

    private final BatchDirectoryCommitter committer;

    /** @throws IllegalArgumentException if the prefix is null or empty */
    public ObjectFileOutput(String prefix, String suffix, Configuration conf) {
        this.committer = new BatchDirectoryCommitter("saveAsObjectFiles", prefix, suffix, conf,
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
     * @throws SerializationException naming the batch, the directory, the record type and the
     *     fix if a record cannot be serialized
     */
    public <T> void write(RDD<T> rdd, Time time) {
        Serializer serializer = rdd.env().serializer();
        Configuration conf = committer.conf();
        committer.commitPartitions(rdd, time, (fs, file, records) -> {
            try {
                writePart(conf, serializer, fs, file, records);
            } catch (SerializationException e) {
                throw new SerializationException("saveAsObjectFiles cannot write the output of batch " + time
                        + " to [" + directoryFor(time) + "]: "
                        + e.getMessage(), e);
            }
        });
    }

    private static <T> void writePart(Configuration conf, Serializer serializer, FileSystem fs, Path file,
                                      Iterator<T> records) throws IOException {
        try (SequenceFile.Writer w = SequenceFile.createWriter(conf,
                SequenceFile.Writer.file(fs.makeQualified(file)),
                SequenceFile.Writer.keyClass(NullWritable.class),
                SequenceFile.Writer.valueClass(BytesWritable.class),
                SequenceFile.Writer.compression(SequenceFile.CompressionType.NONE))) {
            List<T> block = new ArrayList<>(BLOCK_SIZE);
            while (records.hasNext()) {
                block.add(records.next());
                if (block.size() == BLOCK_SIZE) {
                    w.append(NullWritable.get(), new BytesWritable(serializer.serializeBlock(block)));
                    block.clear();
                }
            }
            if (!block.isEmpty()) {
                w.append(NullWritable.get(), new BytesWritable(serializer.serializeBlock(block)));
            }
            w.hsync();
        }
    }
}
