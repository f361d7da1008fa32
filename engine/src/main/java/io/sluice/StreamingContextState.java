package io.sluice;

/** The lifecycle of a {@link StreamingContext}: INITIALIZED, then ACTIVE, then STOPPED. */
public enum StreamingContextState {
    /** Created; operations may be added; not started yet. */
    INITIALIZED,
    /** Started; no new operations may be added. */
    ACTIVE,
    /** Stopped; it cannot be started again. */
    STOPPED
}
