package io.latchkey.common.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.CoreConstants;

/**
 * {@code %exByLevel} in the text pattern: a logged exception shown by the event's level. At ERROR, an unexpected
 * failure, it is the full stack trace on the lines after the event, so an operator can find the cause; below
 * ERROR, an expected failure, it is {@code  [Type: message <- Cause: message]} on the event's own line. Being a
 * throwable converter, it also stops logback from appending a trace of its own.
 */
public final class ThrowableByLevelConverter extends ThrowableProxyConverter {
    @Override
    public String convert(ILoggingEvent event) {
        IThrowableProxy throwable = event.getThrowableProxy();
        if (throwable == null) {
            return "";
        }
        if (!event.getLevel().isGreaterOrEqual(Level.ERROR)) {
            return " [" + ExceptionSummary.of(throwable) + "]";
        }
        String trace = super.convert(event);
        // The trace ends with a line separator and the pattern's %n follows: drop one so no blank line is left.
        if (trace.endsWith(CoreConstants.LINE_SEPARATOR)) {
            trace = trace.substring(0, trace.length() - CoreConstants.LINE_SEPARATOR.length());
        }
        return trace.isEmpty() ? "" : CoreConstants.LINE_SEPARATOR + trace;
    }
}
