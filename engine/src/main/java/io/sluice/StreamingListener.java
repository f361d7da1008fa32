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

    /** A receiver started ({@code onStart} returned). */
    default void onReceiverStarted(ReceiverInfo receiverInfo) {
    }

    /**
     * A receiver reported an error ({@code reportError}), or failed and is being restarted
     * (after {@code restart}, an exception from {@code onStart} or from a thread it started);
     * {@link ReceiverInfo#lastErrorMessage()} says which.
     */
    default void onReceiverError(ReceiverInfo receiverInfo) {
    }

    /** A receiver stopped ({@code onStop} returned), for a restart or for good. */
    default void onReceiverStopped(ReceiverInfo receiverInfo) {
    }
}
