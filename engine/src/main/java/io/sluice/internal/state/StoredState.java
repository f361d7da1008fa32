package io.sluice.internal.state;

/**
 * A mapWithState value in the state store: the state and the batch time of the key's last
 * data (for timeouts).
 */
public record StoredState(Object state, long lastDataMs) {
}
