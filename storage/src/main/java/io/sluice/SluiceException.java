package io.sluice;

/**
 * The root of every exception Sluice throws. Messages name the cause and, where the user can
 * act, the fix.
 */
public class SluiceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SluiceException(String message) {
        super(message);
    }

    public SluiceException(String message, Throwable cause) {
        super(message, cause);
    }
}
