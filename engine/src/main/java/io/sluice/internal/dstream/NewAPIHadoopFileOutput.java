package io.sluice.internal.dstream;

import io.sluice.RDD;
import io.sluice.SluiceException;
import io.sluice.Time;
import io.sluice.Tuple2;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.JobContext;
import org.apache.hadoop.mapreduce.JobID;
import org.apache.hadoop.mapreduce.JobStatus;
import org.apache.hadoop.mapreduce.OutputCommitter;
import org.apache.hadoop.mapreduce.OutputFormat;
import org.apache.hadoop.mapreduce.RecordWriter;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.TaskID;
import org.apache.hadoop.mapreduce.TaskType;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;
import org.apache.hadoop.mapreduce.task.JobContextImpl;
import org.apache.hadoop.mapreduce.task.TaskAttemptContextImpl;
import org.apache.hadoop.util.ReflectionUtils;

/**
 * Writes one batch of pairs with a new-API ({@code org.apache.hadoop.mapreduce}) output format,
 * as Spark's {@code saveAsNewAPIHadoopFile}, into a directory committed by batch time
 * (DESIGN.md I6).
 *
 * <p>The output format is driven as a Hadoop job whose output path is the temporary directory of
 * {@link BatchDirectoryCommitter}: {@code checkOutputSpecs}, the committer's {@code setupJob};
 * then one task per partition on the task threads (a {@link TaskAttemptContextImpl}, a fresh
 * output format instance, since {@code FileOutputFormat} caches its committer, {@code setupTask},
 * the record writer over the partition's pairs, {@code close}, {@code commitTask} when the
 * committer needs it); then {@code commitJob}, and the rename to {@code prefix-<timeMs>[.suffix]}.
 * A failed task aborts itself and the job. Tasks are reduce tasks, so files are named as Spark
 * names them ({@code part-r-NNNNN}); the default {@code FileOutputCommitter} writes
 * {@code _SUCCESS}.
 *
 * <p>Durability: the rename is atomic, but the file contents are as durable as the output
 * format's record writer makes them on {@code close}; part files are not {@code hsync}ed.
 */
@SuppressWarnings({"rawtypes", "unchecked"})
public final class NewAPIHadoopFileOutput {
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
    public NewAPIHadoopFileOutput(String prefix, String suffix, Class<?> keyClass, Class<?> valueClass,
                                  Class<? extends OutputFormat> outputFormatClass, Configuration conf) {
        this.keyClass = Objects.requireNonNull(keyClass, "saveAsNewAPIHadoopFiles: keyClass");
        this.valueClass = Objects.requireNonNull(valueClass, "saveAsNewAPIHadoopFiles: valueClass");
        this.outputFormatClass = HadoopFileOutput.checkInstantiable("saveAsNewAPIHadoopFiles", outputFormatClass,
                "org.apache.hadoop.mapreduce.lib.output");
        this.committer = new BatchDirectoryCommitter("saveAsNewAPIHadoopFiles", prefix, suffix, conf,
                "check that the directory is writable and that " + outputFormatClass.getName()
                        + " is configured in the Configuration");
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
            Job hadoopJob = Job.getInstance(committer.conf());
            hadoopJob.setOutputKeyClass(keyClass);
            hadoopJob.setOutputValueClass(valueClass);
            hadoopJob.setOutputFormatClass(outputFormatClass);
            Configuration job = hadoopJob.getConfiguration();
            job.set(FileOutputFormat.OUTDIR, fs.makeQualified(dir).toString());
            // The batch time names the job, as Spark's job tracker id names its jobs; each run of
            // a batch writes its own temporary directory, so equal ids never meet.
            JobID jobId = new JobID(String.valueOf(time.milliseconds()), 0);
            job.set("mapreduce.job.id", jobId.toString());
            JobContext jobContext = new JobContextImpl(job, jobId);
            OutputFormat jobFormat = ReflectionUtils.newInstance(outputFormatClass, job);
            OutputCommitter jobCommitter;
            try {
                jobFormat.checkOutputSpecs(jobContext);
                jobCommitter = jobFormat.getOutputCommitter(new TaskAttemptContextImpl(job,
                        new TaskAttemptID(new TaskID(jobId, TaskType.JOB_SETUP, 0), 0)));
            } catch (InterruptedException e) {
                throw interrupted(e);
            }
            jobCommitter.setupJob(jobContext);
            try {
                rdd.env().scheduler().prepare(rdd);
                rdd.env().scheduler().runTasks(rdd.getNumPartitions(), p -> {
                    try {
                        writeTask(job, jobId, p, rdd.compute(p), time);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    return null;
                });
                jobCommitter.commitJob(jobContext);
            } catch (IOException | RuntimeException | Error e) {
                try {
                    jobCommitter.abortJob(jobContext, JobStatus.State.FAILED);
                } catch (IOException | RuntimeException abortFailure) {
                    e.addSuppressed(abortFailure);
                }
                throw e;
            }
        });
    }

    private <K, V> void writeTask(Configuration job, JobID jobId, int partition, Iterator<Tuple2<K, V>> records,
                                  Time time) throws IOException {
        TaskAttemptID attempt = new TaskAttemptID(new TaskID(jobId, TaskType.REDUCE, partition), 0);
        JobConf conf = new JobConf(job);
        conf.set("mapreduce.task.id", attempt.getTaskID().toString());
        conf.set("mapreduce.task.attempt.id", attempt.toString());
        conf.setBoolean("mapreduce.task.ismap", false);
        conf.setInt("mapreduce.task.partition", partition);
        TaskAttemptContext context = new TaskAttemptContextImpl(conf, attempt);
        OutputFormat format = ReflectionUtils.newInstance(outputFormatClass, conf);
        OutputCommitter taskCommitter;
        try {
            taskCommitter = format.getOutputCommitter(context);
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
        taskCommitter.setupTask(context);
        RecordWriter writer = null;
        try {
            writer = format.getRecordWriter(context);
            while (records.hasNext()) {
                Tuple2<K, V> kv = records.next();
                try {
                    writer.write(kv._1(), kv._2());
                } catch (IOException | ClassCastException e) {
                    throw HadoopFileOutput.rejected("saveAsNewAPIHadoopFiles", kv, time, directoryFor(time), keyClass,
                            valueClass, outputFormatClass, e);
                }
            }
            RecordWriter w = writer;
            writer = null;
            w.close(context);
            if (taskCommitter.needsTaskCommit(context)) {
                taskCommitter.commitTask(context);
            }
        } catch (InterruptedException e) {
            abort(writer, taskCommitter, context, e);
            throw interrupted(e);
        } catch (IOException | RuntimeException | Error e) {
            abort(writer, taskCommitter, context, e);
            throw e;
        }
    }

    private static void abort(RecordWriter writer, OutputCommitter committer, TaskAttemptContext context,
                              Throwable failure) {
        if (writer != null) {
            try {
                writer.close(context);
            } catch (IOException | InterruptedException | RuntimeException closeFailure) {
                failure.addSuppressed(closeFailure);
            }
        }
        try {
            committer.abortTask(context);
        } catch (IOException | RuntimeException abortFailure) {
            failure.addSuppressed(abortFailure);
        }
    }

    private static InterruptedIOException interrupted(InterruptedException e) {
        Thread.currentThread().interrupt();
        InterruptedIOException io = new InterruptedIOException("interrupted while writing the batch");
        io.initCause(e);
        return io;
    }
}
