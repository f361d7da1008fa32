package io.sluice;

/**
 * Receives batch and receiver events of a context, as Spark's {@code StreamingListener}.
 * Methods are called on the engine's threads, one event at a time per listener; keep them
 * short. Every method does nothing by default.
 */
public interface StreamingListener {

    /** The jobs of a batch were generated and queued. */
    default void onBatchSubmitted(BatchInfo batch) {
    }

    /** The first job of a batch started. */
    default void onBatchStarted(BatchInfo batch) {
    }

    /** Every job of a batch ended (successfully or not: see {@link BatchInfo#failure()}). */
    default void onBatchCompleted(BatchInfo batch) {
    }

    /** A receiver started. */
    default void onReceiverStarted(int streamId, String receiverName) {
    }

    /** A receiver reported an error or is restarting after one. */
    default void onReceiverError(int streamId, String receiverName, String message, Throwable error) {
    }

    /** A receiver stopped. */
    default void onReceiverStopped(int streamId, String receiverName) {
    }
}
