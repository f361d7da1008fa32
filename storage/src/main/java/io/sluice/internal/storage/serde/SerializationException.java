package io.sluice.internal.storage.serde;

import io.sluice.SluiceException;

/** A value could not be serialized or deserialized; the message names the type and the fix. */
public final class SerializationException extends SluiceException {
    private static final long serialVersionUID = 1L;

    public SerializationException(String message, Throwable cause) {
        super(message, cause);
    }

    public SerializationException(String message) {
        super(message);
    }
}
