package io.sluice;

import java.util.Optional;

/**
 * What happened to one batch, given to {@link StreamingListener}s.
 *
 * @param batchTime the batch time
 * @param numRecords records received in the batch (from receivers)
 * @param submissionTimeMs when its jobs were generated
 * @param processingStartTimeMs when its first job started, or -1
 * @param processingEndTimeMs when its last job ended, or -1
 * @param failure the error that failed the batch, if any
 */
public record BatchInfo(Time batchTime, long numRecords, long submissionTimeMs, long processingStartTimeMs,
                        long processingEndTimeMs, Optional<Throwable> failure) {

    /** Time from submission to processing start, if started. */
    public Optional<Long> schedulingDelay() {
        return processingStartTimeMs < 0 ? Optional.empty()
                : Optional.of(processingStartTimeMs - submissionTimeMs);
    }

    /** Time from processing start to end, if ended. */
    public Optional<Long> processingDelay() {
        return processingEndTimeMs < 0 || processingStartTimeMs < 0 ? Optional.empty()
                : Optional.of(processingEndTimeMs - processingStartTimeMs);
    }

    /** Time from submission to processing end, if ended. */
    public Optional<Long> totalDelay() {
        return processingEndTimeMs < 0 ? Optional.empty() : Optional.of(processingEndTimeMs - submissionTimeMs);
    }
}
