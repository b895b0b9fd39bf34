package io.latchkey.common;

import io.latchkey.common.config.ConfigException;

/** Turns a start failure into one line fit for a log: the setting at fault, or the failure's kind. */
public final class StartFailures {
    private StartFailures() {}

    public static String describe(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConfigException || t instanceof StartException) {
                return t.getMessage();
            }
        }
        // Exception messages from drivers may carry connection details; the class name is enough to act on.
        return failure.getClass().getSimpleName();
    }
}
