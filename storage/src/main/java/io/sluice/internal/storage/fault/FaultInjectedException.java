package io.sluice.internal.storage.fault;

import io.sluice.SluiceException;

/** Thrown at a fault point armed with {@code -Dsluice.fault.action=throw}; only tests arm one. */
public final class FaultInjectedException extends SluiceException {
    private static final long serialVersionUID = 1L;

    /** An injected fault, described by {@code message}. */
    public FaultInjectedException(String message) {
        super(message);
    }
}
