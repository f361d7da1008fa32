package io.sluice.internal.util;

import io.sluice.SluiceException;

/** A user function threw; the cause is the user's exception, unwrapped from no other layer. */
public final class UserCodeException extends SluiceException {
    private static final long serialVersionUID = 1L;

    public UserCodeException(Throwable cause) {
        super("A user function threw " + cause, cause);
    }

    /** Rethrows {@code t} unchanged if it is unchecked, else wraps it. */
    public static RuntimeException wrap(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new UserCodeException(t);
    }
}
