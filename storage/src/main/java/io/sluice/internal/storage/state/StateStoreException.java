package io.sluice.internal.storage.state;

import io.sluice.SluiceException;

/** A state store operation failed; the message names the store directory, the table and the cause. */
public final class StateStoreException extends SluiceException {
    private static final long serialVersionUID = 1L;

    public StateStoreException(String message) {
        super(message);
    }

    public StateStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
