package io.sluice.internal.dstream;

import io.sluice.RDD;
import io.sluice.SluiceException;
import io.sluice.internal.SluiceEnv;
import io.sluice.internal.storage.serde.SerializationException;
import io.sluice.internal.storage.serde.Serializer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.BytesWritable;
import org.apache.hadoop.io.NullWritable;
import org.apache.hadoop.mapred.FileInputFormat;
import org.apache.hadoop.mapred.FileSplit;
import org.apache.hadoop.mapred.InputSplit;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapred.SequenceFileInputFormat;
import org.apache.hadoop.mapred.SequenceFileRecordReader;

/**
 * Reads back object files written by {@code saveAsObjectFiles} (the format of
 * {@link ObjectFileOutput}): one partition per split, and one split per file unless a file is
 * larger than a filesystem block or more partitions are asked for.
 *
 * <p>The input is listed with Hadoop's {@code SequenceFileInputFormat} when the RDD is created, as
 * Spark's {@code objectFile} does: the path may be a directory, a glob or a comma-separated list
 * of them; files whose names start with {@code _} or {@code .} ({@code _SUCCESS}, checksum files,
 * temporary directories) are skipped. Splits are ordered by file path and offset, so reading the
 * directory of one batch gives its records in the order they were written.
 *
 * <p>Each partition streams its file block by block (up to ten records in memory at a time) and
 * closes it when the iterator is exhausted or fails; an iterator abandoned early
 * ({@code take}) leaves its file to be closed by garbage collection.
 */
public final class ObjectFileRDD<T> extends RDD<T> {
    private final String path;
    private final JobConf jobConf;
    private final List<FileSplit> splits;

    /**
     * Lists the input now.
     *
     * @throws IllegalArgumentException if {@code minPartitions < 1}
     * @throws SluiceException naming the path if it does not exist or cannot be listed
     */
    public ObjectFileRDD(SluiceEnv env, Configuration conf, String path, int minPartitions) {
        super(env);
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException("objectFile needs a non-empty path, got [" + path + "]");
        }
        if (minPartitions < 1) {
            throw new IllegalArgumentException("objectFile: minPartitions must be >= 1, got " + minPartitions);
        }
        this.path = path;
        this.jobConf = new JobConf(conf);
        FileInputFormat.setInputPaths(jobConf, path);
        List<FileSplit> found = new ArrayList<>();
        try {
            for (InputSplit s : new SequenceFileInputFormat<NullWritable, BytesWritable>().getSplits(jobConf, minPartitions)) {
                found.add((FileSplit) s);
            }
        } catch (IOException e) {
            throw new SluiceException("objectFile cannot list [" + path + "]: " + e.getMessage()
                    + "; give a directory written by saveAsObjectFiles (prefix-<timeMs>[.suffix]), a glob or a"
                    + " comma-separated list of them", e);
        }
        found.sort(Comparator.comparing((FileSplit s) -> s.getPath().toString()).thenComparingLong(FileSplit::getStart));
        this.splits = Collections.unmodifiableList(found);
    }

    @Override
    public int getNumPartitions() {
        return splits.size();
    }

    @Override
    public Iterator<T> compute(int partition) {
        FileSplit split = splits.get(partition);
        SequenceFileRecordReader<NullWritable, BytesWritable> reader;
        try {
            reader = new SequenceFileRecordReader<>(jobConf, split);
        } catch (IOException e) {
            throw notObjectFile(split, e.getMessage(), e);
        }
        if (reader.getKeyClass() != NullWritable.class || reader.getValueClass() != BytesWritable.class) {
            String found = reader.getKeyClass().getName() + ", " + reader.getValueClass().getName();
            closeQuietly(reader, null);
            throw notObjectFile(split, "it is a SequenceFile of (" + found + ")", null);
        }
        return new Blocks<>(reader, split, env.serializer());
    }

    private SluiceException notObjectFile(FileSplit split, String why, Throwable cause) {
        return new SluiceException("objectFile cannot read [" + split.getPath() + "] (under [" + path + "]): " + why
                + "; objectFile reads only SequenceFiles of (NullWritable, BytesWritable) written by"
                + " saveAsObjectFiles", cause);
    }

    private static void closeQuietly(SequenceFileRecordReader<?, ?> reader, Throwable failure) {
        try {
            reader.close();
        } catch (IOException e) {
            if (failure != null) {
                failure.addSuppressed(e);
            }
        }
    }

    /** The records of one split, one deserialized block at a time. */
    private final class Blocks<R> implements Iterator<R> {
        private final SequenceFileRecordReader<NullWritable, BytesWritable> reader;
        private final FileSplit split;
        private final Serializer serializer;
        private final NullWritable key = NullWritable.get();
        private final BytesWritable value = new BytesWritable();
        private Iterator<R> block = Collections.emptyIterator();
        private boolean closed;

        Blocks(SequenceFileRecordReader<NullWritable, BytesWritable> reader, FileSplit split,
               Serializer serializer) {
            this.reader = reader;
            this.split = split;
            this.serializer = serializer;
        }

        @Override
        public boolean hasNext() {
            while (!block.hasNext()) {
                if (closed) {
                    return false;
                }
                try {
                    if (!reader.next(key, value)) {
                        closed = true;
                        reader.close();
                        return false;
                    }
                    List<R> records = serializer.deserializeBlock(value.copyBytes());
                    block = records.iterator();
                } catch (IOException e) {
                    closed = true;
                    closeQuietly(reader, e);
                    throw new SluiceException("objectFile cannot read [" + split.getPath() + "] (under ["
                            + path + "]): " + e + "; check that the file is readable and was written completely"
                            + " by saveAsObjectFiles", e);
                } catch (SerializationException e) {
                    closed = true;
                    closeQuietly(reader, e);
                    throw new SerializationException("objectFile cannot read a block of [" + split.getPath()
                            + "] (under [" + path + "]): " + e.getMessage(), e);
                }
            }
            return true;
        }

        @Override
        public R next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return block.next();
        }
    }

    @Override
    public String toString() {
        return "ObjectFileRDD[" + path + ", " + getNumPartitions() + " partitions]";
    }
}
