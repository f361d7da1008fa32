package io.sluice.internal.dstream;

import io.sluice.RDD;
import io.sluice.SluiceException;
import io.sluice.internal.SluiceEnv;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.InputFormat;
import org.apache.hadoop.mapreduce.InputSplit;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.RecordReader;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.apache.hadoop.mapreduce.task.TaskAttemptContextImpl;
import org.apache.hadoop.util.ReflectionUtils;

/**
 * Exactly the files of a file stream's batch plan, read with a new-API Hadoop
 * {@link InputFormat}: one partition per input split (a file larger than the format's split size
 * is read by several partitions), in path and offset order.
 *
 * <p>When the RDD is created (on the job generator's thread) every planned file is checked to
 * exist with its planned length: a batch re-run after recovery must read the same bytes as its
 * first run, and a file that vanished or changed cannot give them, so the batch fails with an
 * error naming the file rather than silently reading other data. The splits are then computed
 * by the input format over exactly those files.
 *
 * <p>Each partition streams its split through the format's record reader and closes it when
 * the iterator is exhausted or fails; an iterator abandoned early ({@code take}) leaves its reader
 * to be closed by garbage collection.
 */
public final class HadoopFilesRDD<K, V, T> extends RDD<T> {

    /**
     * Turns the key and value a record reader returns into a stream record. Readers reuse their
     * key and value objects between records, so a converter must copy what it keeps.
     */
    @FunctionalInterface
    public interface RecordConverter<K, V, T> {
        /** The record for the reader's current {@code key} and {@code value}, read with {@code conf}. */
        T convert(K key, V value, Configuration conf);
    }

    private final Configuration conf;
    private final Class<? extends InputFormat<K, V>> formatClass;
    private final RecordConverter<K, V, T> converter;
    private final String what;
    private final List<InputSplit> splits;

    /**
     * Checks the planned files and computes their splits.
     *
     * @param what names the stream and batch in error messages
     * @throws SluiceException naming the file if a planned file is missing or has another length,
     *     or if the input format cannot compute its splits
     */
    public HadoopFilesRDD(SluiceEnv env, Configuration conf, Class<? extends InputFormat<K, V>> formatClass,
                          List<FileInputDStream.PlannedFile> files, RecordConverter<K, V, T> converter, String what) {
        super(env);
        this.conf = conf;
        this.formatClass = formatClass;
        this.converter = converter;
        this.what = what;
        if (files.isEmpty()) {
            this.splits = List.of();
            return;
        }
        List<Path> paths = new ArrayList<>(files.size());
        for (FileInputDStream.PlannedFile f : files) {
            paths.add(checkUnchanged(f));
        }
        try {
            Job job = Job.getInstance(conf);
            FileInputFormat.setInputPaths(job, paths.toArray(new Path[0]));
            InputFormat<K, V> format = ReflectionUtils.newInstance(formatClass, job.getConfiguration());
            List<InputSplit> found = new ArrayList<>(format.getSplits(job));
            found.sort(Comparator.comparing((InputSplit s) -> s instanceof FileSplit fs ? fs.getPath().toString() : "")
                    .thenComparingLong(s -> s instanceof FileSplit fs ? fs.getStart() : 0L));
            this.splits = Collections.unmodifiableList(found);
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new SluiceException(what + ": " + formatClass.getName() + " cannot compute the splits of "
                    + files.size() + " files (first [" + files.get(0).path() + "]): " + e.getMessage(), e);
        }
    }

    private Path checkUnchanged(FileInputDStream.PlannedFile f) {
        Path p = new Path(f.path());
        FileStatus s;
        try {
            FileSystem fs = p.getFileSystem(conf);
            s = fs.getFileStatus(p);
        } catch (FileNotFoundException e) {
            throw changed(f, "it no longer exists");
        } catch (IOException e) {
            throw new SluiceException(what + ": cannot check [" + f.path() + "]: " + e.getMessage()
                    + "; check that the file system is reachable", e);
        }
        if (s.getLen() != f.length()) {
            throw changed(f, "its length is now " + s.getLen() + " bytes, not the " + f.length() + " planned");
        }
        // FileInputFormat globs its input paths: escape the characters a glob would interpret.
        return new Path(escapeGlob(s.getPath().toString()));
    }

    private SluiceException changed(FileInputDStream.PlannedFile f, String why) {
        return new SluiceException(what + ": the file [" + f.path() + "] planned for this batch (" + f.length()
                + " bytes, modified at " + f.modificationTime() + ") cannot be read as planned: " + why
                + ". A batch re-run after recovery must read exactly what its first run read, so exactly-once"
                + " cannot be kept. Files must not change or vanish once moved into a file stream's directory:"
                + " restore the file as it was, or start from a new checkpoint directory");
    }

    static String escapeGlob(String path) {
        StringBuilder sb = new StringBuilder(path.length() + 8);
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\\' || c == '{' || c == '}' || c == '[' || c == ']' || c == '*' || c == '?') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    @Override
    public int getNumPartitions() {
        return splits.size();
    }

    @Override
    public Iterator<T> compute(int partition) {
        InputSplit split = splits.get(partition);
        TaskAttemptContext ctx = new TaskAttemptContextImpl(conf, new TaskAttemptID());
        InputFormat<K, V> format = ReflectionUtils.newInstance(formatClass, conf);
        RecordReader<K, V> reader;
        try {
            reader = format.createRecordReader(split, ctx);
            reader.initialize(split, ctx);
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw cannotRead(split, e);
        }
        return new Records(reader, split);
    }

    private SluiceException cannotRead(InputSplit split, Exception e) {
        String file = split instanceof FileSplit fs ? "[" + fs.getPath() + "] at offset " + fs.getStart() : split.toString();
        return new SluiceException(what + ": cannot read " + file + ": " + e
                + "; files must stay readable and unchanged once moved into a file stream's directory", e);
    }

    /** The records of one split. */
    private final class Records implements Iterator<T> {
        private final RecordReader<K, V> reader;
        private final InputSplit split;
        private boolean ready;
        private boolean done;

        Records(RecordReader<K, V> reader, InputSplit split) {
            this.reader = reader;
            this.split = split;
        }

        @Override
        public boolean hasNext() {
            if (ready) {
                return true;
            }
            if (done) {
                return false;
            }
            try {
                if (reader.nextKeyValue()) {
                    ready = true;
                    return true;
                }
                done = true;
                reader.close();
                return false;
            } catch (IOException | InterruptedException | RuntimeException e) {
                done = true;
                try {
                    reader.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw cannotRead(split, e);
            }
        }

        @Override
        public T next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            ready = false;
            try {
                return converter.convert(reader.getCurrentKey(), reader.getCurrentValue(), conf);
            } catch (IOException | InterruptedException e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw cannotRead(split, e);
            }
        }
    }

    @Override
    public String toString() {
        return "HadoopFilesRDD[" + what + ", " + splits.size() + " partitions]";
    }
}
