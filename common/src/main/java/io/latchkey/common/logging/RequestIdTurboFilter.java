package io.latchkey.common.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.MDC;
import org.slf4j.Marker;

/**
 * Copies the current request's id into the MDC as {@code requestId} just before each log event is built, so text
 * patterns ({@code %X{requestId}}) and the JSON encoder's {@code mdc} object carry it. Event loops interleave
 * requests, so the MDC is set or cleared on every call rather than trusted to hold the right value.
 */
public final class RequestIdTurboFilter extends TurboFilter {
    public static final String MDC_KEY = "requestId";

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        RequestIds.current().ifPresentOrElse(id -> MDC.put(MDC_KEY, id), () -> MDC.remove(MDC_KEY));
        return FilterReply.NEUTRAL;
    }
}
