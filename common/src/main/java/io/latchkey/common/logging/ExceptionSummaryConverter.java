package io.latchkey.common.logging;

import ch.qos.logback.classic.pattern.ThrowableHandlingConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;

/**
 * {@code %exSummary} in the text pattern: a logged exception as {@code  [Type: message <- Cause: message]} on
 * the event's own line. Being a throwable converter, it also stops logback from appending the stack trace.
 */
public final class ExceptionSummaryConverter extends ThrowableHandlingConverter {
    @Override
    public String convert(ILoggingEvent event) {
        IThrowableProxy throwable = event.getThrowableProxy();
        return throwable == null ? "" : " [" + ExceptionSummary.of(throwable) + "]";
    }
}
