package io.latchkey.common.logging;

import ch.qos.logback.classic.spi.IThrowableProxy;

/**
 * A logged exception as one short line: each type in its cause chain with its message, never the stack frames,
 * so a log line shows what failed without printing the code's internals.
 */
final class ExceptionSummary {
    private static final int MAX_MESSAGE = 200;
    private static final int MAX_CAUSES = 5;

    private ExceptionSummary() {}

    /** For example {@code IllegalStateException: outer <- RuntimeException: inner}. */
    static String of(IThrowableProxy throwable) {
        StringBuilder out = new StringBuilder();
        IThrowableProxy current = throwable;
        for (int depth = 0; current != null && depth < MAX_CAUSES; depth++, current = current.getCause()) {
            if (depth > 0) {
                out.append(" <- ");
            }
            String className = current.getClassName();
            out.append(className.substring(className.lastIndexOf('.') + 1));
            String message = current.getMessage();
            if (message != null && !message.isBlank()) {
                out.append(": ").append(oneLine(message));
            }
        }
        return out.toString();
    }

    private static String oneLine(String message) {
        String flat = message.replaceAll("[\\r\\n\\t]+", " ").strip();
        return flat.length() <= MAX_MESSAGE ? flat : flat.substring(0, MAX_MESSAGE) + "...";
    }
}
