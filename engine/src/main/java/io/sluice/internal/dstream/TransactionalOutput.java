package io.sluice.internal.dstream;

import io.sluice.RDD;
import io.sluice.SluiceException;
import io.sluice.Time;
import io.sluice.TransactionalSink;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the protocol of a {@link TransactionalSink} for one batch: skip if committed, else write
 * and commit. The batch counts as completed only after this returns (DESIGN.md I2, I6), so a
 * crash anywhere inside it makes a recovery run it again, and the sink's marker decides whether
 * that re-run writes or skips.
 */
public final class TransactionalOutput<T> {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionalOutput.class);

    private final TransactionalSink<T> sink;

    /** @throws IllegalArgumentException if {@code sink} is null */
    public TransactionalOutput(TransactionalSink<T> sink) {
        if (sink == null) {
            throw new IllegalArgumentException("foreachRDDTransactional needs a sink, got null");
        }
        this.sink = sink;
    }

    /**
     * Outputs batch {@code time} through the sink; returns when it is committed or was found
     * committed already.
     *
     * @throws SluiceException naming the batch and the sink if the sink fails with an I/O error
     */
    public void output(RDD<T> rdd, Time time) {
        try {
            if (sink.alreadyCommitted(time)) {
                LOG.info("Output of batch {} is already committed by {}: skipped (a batch re-run after recovery)",
                        time, sink);
                return;
            }
            sink.write(rdd, time);
            sink.commit(time);
        } catch (IOException e) {
            throw new SluiceException("Transactional output " + sink + " failed on batch " + time + ": " + e
                    + "; the batch is not recorded as completed, so a restart with getOrCreate re-runs it (and"
                    + " skips the write if the sink committed it). Check that the sink's destination is"
                    + " reachable and writable", e);
        }
    }
}
