package io.sluice.internal.storage.wal;

import io.sluice.SluiceException;

/** A write-ahead log operation failed; the message names the log directory and the cause. */
public final class WalException extends SluiceException {
    private static final long serialVersionUID = 1L;

    public WalException(String message) {
        super(message);
    }

    public WalException(String message, Throwable cause) {
        super(message, cause);
    }
}
