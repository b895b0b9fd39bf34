package io.latchkey.common;

/** A start-up failure whose message is safe to log as it is: it names what to fix and holds no secret. */
public final class StartException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StartException(String message) {
        super(message);
    }

    public StartException(String message, Throwable cause) {
        super(message, cause);
    }
}
