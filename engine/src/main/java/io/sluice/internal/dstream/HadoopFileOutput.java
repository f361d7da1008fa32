package io.sluice.internal.dstream;

import io.sluice.RDD;
import io.sluice.SluiceException;
import io.sluice.Time;
import io.sluice.Tuple2;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Modifier;
import java.util.Iterator;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapred.FileOutputFormat;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapred.JobContext;
import org.apache.hadoop.mapred.JobContextImpl;
import org.apache.hadoop.mapred.JobID;
import org.apache.hadoop.mapred.JobStatus;
import org.apache.hadoop.mapred.OutputCommitter;
import org.apache.hadoop.mapred.OutputFormat;
import org.apache.hadoop.mapred.RecordWriter;
import org.apache.hadoop.mapred.Reporter;
import org.apache.hadoop.mapred.TaskAttemptContext;
import org.apache.hadoop.mapred.TaskAttemptContextImpl;
import org.apache.hadoop.mapred.TaskAttemptID;
import org.apache.hadoop.mapred.TaskID;
import org.apache.hadoop.mapreduce.TaskType;

/**
 * Writes one batch of pairs with an old-API ({@code org.apache.hadoop.mapred}) output format, as
 * Spark's {@code saveAsHadoopFile}, into a directory committed by batch time (DESIGN.md I6).
 *
 * <p>The output format is driven as a Hadoop job whose output path is the temporary directory of
 * {@link BatchDirectoryCommitter}: {@code checkOutputSpecs}, the committer's {@code setupJob};
 * then one task per partition on the task threads (task attempt context, {@code setupTask}, the
 * record writer over the partition's pairs, {@code close}, {@code commitTask} when the committer
 * needs it); then {@code commitJob}, and the rename to {@code prefix-<timeMs>[.suffix]}. A failed
 * task aborts itself and the job. Files are named as Spark names them ({@code part-NNNNN}), and
 * the default {@code FileOutputCommitter} writes {@code _SUCCESS}.
 *
 * <p>Durability: the rename is atomic, but the file contents are as durable as the output
 * format's record writer makes them on {@code close} (page cache for the local filesystem,
 * replicated for HDFS); unlike {@link TextFileOutput}, part files are not {@code hsync}ed.
 */
@SuppressWarnings({"rawtypes", "unchecked"})
public final class HadoopFileOutput {
    private final BatchDirectoryCommitter committer;
    private final Class<?> keyClass;
    private final Class<?> valueClass;
    private final Class<? extends OutputFormat> outputFormatClass;

    /**
     * @param conf the configuration every batch starts from (copied per batch, not now)
     * @throws IllegalArgumentException if the prefix is empty or the output format cannot be
     *     instantiated
     * @throws NullPointerException if a class is null
     */
    public HadoopFileOutput(String prefix, String suffix, Class<?> keyClass, Class<?> valueClass,
                            Class<? extends OutputFormat> outputFormatClass, Configuration conf) {
        this.keyClass = Objects.requireNonNull(keyClass, "saveAsHadoopFiles: keyClass");
        this.valueClass = Objects.requireNonNull(valueClass, "saveAsHadoopFiles: valueClass");
        this.outputFormatClass = checkInstantiable("saveAsHadoopFiles", outputFormatClass, "org.apache.hadoop.mapred");
        this.committer = new BatchDirectoryCommitter("saveAsHadoopFiles", prefix, suffix, conf,
                "check that the directory is writable and that " + outputFormatClass.getName()
                        + " is configured in the JobConf");
    }

    /** The directory name of batch {@code time}: {@code prefix-<ms>} plus {@code .suffix} if any. */
    public String directoryFor(Time time) {
        return committer.directoryFor(time);
    }

    /**
     * Writes {@code rdd} as the output of batch {@code time}; returns when it is committed.
     *
     * @throws SluiceException naming the batch, the directory and the fix if writing fails
     */
    public <K, V> void write(RDD<Tuple2<K, V>> rdd, Time time) {
        committer.commit(time, (fs, dir) -> {
            JobConf job = new JobConf(committer.conf());
            job.setOutputKeyClass(keyClass);
            job.setOutputValueClass(valueClass);
            job.setOutputFormat(outputFormatClass);
            FileOutputFormat.setOutputPath(job, fs.makeQualified(dir));
            // The batch time names the job, as Spark's job tracker id names its jobs; each run of
            // a batch writes its own temporary directory, so equal ids never meet.
            JobID jobId = new JobID(String.valueOf(time.milliseconds()), 0);
            job.set("mapreduce.job.id", jobId.toString());
            JobContext jobContext = new JobContextImpl(job, jobId);
            job.getOutputFormat().checkOutputSpecs(fs, job);
            OutputCommitter jobCommitter = job.getOutputCommitter();
            jobCommitter.setupJob(jobContext);
            try {
                rdd.env().scheduler().prepare(rdd);
                rdd.env().scheduler().runTasks(rdd.getNumPartitions(), p -> {
                    try {
                        writeTask(fs, job, jobId, p, rdd.compute(p), time);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    return null;
                });
                jobCommitter.commitJob(jobContext);
            } catch (IOException | RuntimeException | Error e) {
                try {
                    jobCommitter.abortJob(jobContext, JobStatus.FAILED);
                } catch (IOException | RuntimeException abortFailure) {
                    e.addSuppressed(abortFailure);
                }
                throw e;
            }
        });
    }

    private <K, V> void writeTask(FileSystem fs, JobConf job, JobID jobId, int partition,
                                  Iterator<Tuple2<K, V>> records, Time time) throws IOException {
        TaskAttemptID attempt = new TaskAttemptID(new TaskID(jobId, TaskType.MAP, partition), 0);
        JobConf conf = new JobConf(job);
        // What an old-API format reads to find its task (FileOutputFormat.getTaskOutputPath), as
        // Spark's HadoopRDD.addLocalConfiguration sets it.
        conf.set("mapreduce.task.id", attempt.getTaskID().toString());
        conf.set("mapreduce.task.attempt.id", attempt.toString());
        conf.setBoolean("mapreduce.task.ismap", true);
        conf.setInt("mapreduce.task.partition", partition);
        TaskAttemptContext context = new TaskAttemptContextImpl(conf, attempt);
        OutputCommitter taskCommitter = conf.getOutputCommitter();
        taskCommitter.setupTask(context);
        RecordWriter writer = null;
        try {
            writer = conf.getOutputFormat().getRecordWriter(fs, conf, BatchDirectoryCommitter.partName(partition),
                    Reporter.NULL);
            while (records.hasNext()) {
                Tuple2<K, V> kv = records.next();
                try {
                    writer.write(kv._1(), kv._2());
                } catch (IOException | ClassCastException e) {
                    throw rejected("saveAsHadoopFiles", kv, time, directoryFor(time), keyClass, valueClass,
                            outputFormatClass, e);
                }
            }
            RecordWriter w = writer;
            writer = null;
            w.close(Reporter.NULL);
            if (taskCommitter.needsTaskCommit(context)) {
                taskCommitter.commitTask(context);
            }
        } catch (IOException | RuntimeException | Error e) {
            if (writer != null) {
                try {
                    writer.close(Reporter.NULL);
                } catch (IOException | RuntimeException closeFailure) {
                    e.addSuppressed(closeFailure);
                }
            }
            try {
                taskCommitter.abortTask(context);
            } catch (IOException | RuntimeException abortFailure) {
                e.addSuppressed(abortFailure);
            }
            throw e;
        }
    }

    /** The message of a record an output format refused: its classes, never its contents. */
    static SluiceException rejected(String operation, Tuple2<?, ?> kv, Time time, String dir, Class<?> keyClass,
                                    Class<?> valueClass, Class<?> format, Exception e) {
        return new SluiceException(operation + " cannot write a record of (" + className(kv._1()) + ", "
                + className(kv._2()) + ") in batch " + time + " to [" + dir + "] with " + format.getName()
                + ": " + e + "; map the records to (" + keyClass.getName() + ", " + valueClass.getName()
                + ") pairs the output format accepts before saving, e.g. mapToPair(kv -> new Tuple2<>(new"
                + " Text(kv._1()), new IntWritable(kv._2())))", e);
    }

    private static String className(Object o) {
        return o == null ? "null" : o.getClass().getName();
    }

    /** Fails at declaration, not at the first batch, for a format Hadoop cannot instantiate. */
    static <C> Class<C> checkInstantiable(String operation, Class<C> format, String api) {
        Objects.requireNonNull(format, operation + ": outputFormatClass");
        if (format.isInterface() || Modifier.isAbstract(format.getModifiers())) {
            throw new IllegalArgumentException(operation + ": outputFormatClass [" + format.getName()
                    + "] is abstract; give a concrete " + api + " output format such as " + api + ".TextOutputFormat");
        }
        try {
            format.getDeclaredConstructor();
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(operation + ": outputFormatClass [" + format.getName()
                    + "] has no constructor without arguments, which Hadoop needs to instantiate it", e);
        }
        return format;
    }
}
