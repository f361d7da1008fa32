package io.sluice;

import java.io.IOException;

/**
 * An output that commits each batch by its batch time, so that a batch re-run after recovery
 * is skipped or overwritten, never duplicated. Register one with
 * {@link DStream#foreachRDDTransactional(TransactionalSink)}.
 *
 * <h2>The protocol</h2>
 * For every batch time {@code t} of the stream, on the job thread, Sluice calls:
 * <ol>
 *   <li>{@link #alreadyCommitted(Time) alreadyCommitted(t)}; if it returns true, nothing else
 *       for {@code t} (the batch is a re-run whose output was committed before a crash);</li>
 *   <li>{@link #write(RDD, Time) write(rdd, t)}: make the batch's output durable but not yet
 *       visible as committed, replacing whatever an earlier, uncommitted attempt of {@code t}
 *       left behind;</li>
 *   <li>{@link #commit(Time) commit(t)}: make it committed, atomically and durably (a marker
 *       file renamed into place, a database transaction that also records {@code t}, ...).</li>
 * </ol>
 * Only when every output of batch {@code t} returned does Sluice count {@code t} as completed.
 *
 * <h2>Why this gives exactly-once output (DESIGN.md I6)</h2>
 * Recovery re-runs every batch after the checkpoint it restores, with the same blocks, source
 * positions and prior state as the first run (I2 log-before-act, I3 deterministic replay): a
 * re-run batch {@code t} produces the same records as its first run. A crash can hit a batch at
 * three points, and each ends with the output of {@code t} committed exactly once:
 * <ul>
 *   <li>before or during {@code write}, or after it but before {@code commit} completed: no
 *       commit of {@code t} exists, so the re-run writes again (replacing the partial attempt)
 *       and commits;</li>
 *   <li>after {@code commit}, before Sluice recorded the batch (or a checkpoint after it): the
 *       re-run finds {@code alreadyCommitted(t)} true and skips; what it would have written is
 *       identical to what is committed;</li>
 *   <li>after a checkpoint that covers {@code t}: {@code t} is not re-run at all.</li>
 * </ul>
 * The argument needs from the sink: {@code commit} is atomic (all of {@code t} or nothing is
 * committed) and durable when it returns; {@code alreadyCommitted} sees every commit that
 * returned; {@code write} of an uncommitted time may be repeated. It also needs the records to
 * be a deterministic function of the input, as everything in a batch is in Sluice (no reading
 * of wall-clock time or random numbers inside the pipeline).
 *
 * <h2>Threads</h2>
 * Calls for one batch are sequential on one job thread; with {@code
 * sluice.streaming.concurrentJobs} above 1, calls for different outputs of the same batch may
 * run at once, each on its own sink. Batches are processed one after another, in time order.
 *
 * <p>{@link TransactionalFileSink} is a ready-made implementation on any Hadoop filesystem. A
 * database sink implements the same three methods: {@code write} stages the rows (or upserts
 * them by a key that includes {@code t}), {@code commit} runs one transaction that publishes
 * them and inserts {@code t} into a commits table, {@code alreadyCommitted} queries that table.
 *
 * <pre>{@code
 * counts.foreachRDDTransactional(new TransactionalFileSink<>("hdfs:///out/counts", ssc.hadoopConfiguration()));
 * }</pre>
 *
 * @param <T> the record type
 */
public interface TransactionalSink<T> {

    /**
     * Whether the output of batch {@code time} is already committed.
     *
     * @throws IOException if the sink cannot tell (the batch fails; a recovery asks again)
     */
    boolean alreadyCommitted(Time time) throws IOException;

    /**
     * Writes the output of batch {@code time}, not yet committed. May run again for the same
     * time after a crash, and must then replace the earlier attempt, not add to it.
     *
     * @throws IOException if the output cannot be written (the batch fails and is re-run by a
     *     recovery)
     */
    void write(RDD<T> rdd, Time time) throws IOException;

    /**
     * Commits the output written for batch {@code time}: atomically (all or nothing) and durably
     * when it returns.
     *
     * @throws IOException if the commit cannot be made durable (the batch fails; nothing of
     *     {@code time} may then count as committed)
     */
    void commit(Time time) throws IOException;
}
