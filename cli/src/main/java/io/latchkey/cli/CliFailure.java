package io.latchkey.cli;

/**
 * A failure the CLI reports as one line on standard error and an exit code that says what failed: {@link #USAGE}
 * (a wrong command line), {@link #AUTH} (missing or wrong credentials, or a token that may not do this), {@link
 * #NOT_FOUND}, {@link #SERVER} (the server failed or could not be reached) or {@link #INVALID_INPUT} (the server
 * refused the request's content).
 */
public final class CliFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public static final int USAGE = 1;
    public static final int AUTH = 2;
    public static final int NOT_FOUND = 3;
    public static final int SERVER = 4;
    public static final int INVALID_INPUT = 5;

    private final int exitCode;

    public CliFailure(int exitCode, String message) {
        super(oneLine(message), null, false, false);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    /**
     * The message on one line of printable text, at most 300 characters: a server's description is shown as it is,
     * but it can never move the cursor, clear the screen or forge a second line.
     */
    static String oneLine(String message) {
        StringBuilder out = new StringBuilder();
        String text = message == null ? "failed" : message;
        for (int i = 0; i < text.length() && out.length() < 300; i++) {
            char c = text.charAt(i);
            out.append(Character.isISOControl(c) ? ' ' : c);
        }
        return out.toString().strip();
    }
}
