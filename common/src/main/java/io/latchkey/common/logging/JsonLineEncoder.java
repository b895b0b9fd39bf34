package io.latchkey.common.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.LoggerContextVO;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;

/**
 * Logback's JSON encoder, one object per line, with a logged exception shown by the event's level. At ERROR, an
 * unexpected failure, the full stack trace travels as one string field, {@code stack_trace}, so the event stays one
 * line and an operator can find the cause; below ERROR, an expected failure, it is summarised at the end of the
 * formatted message as {@code  [Type: message <- Cause: message]}, as the text format does. Logback's own
 * {@code throwable} object, every frame as a JSON object, is never written.
 */
public final class JsonLineEncoder extends JsonEncoder {
    public static final String STACK_TRACE = "stack_trace";

    public JsonLineEncoder() {
        setWithThrowable(false);
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        IThrowableProxy throwable = event.getThrowableProxy();
        if (throwable == null) {
            return super.encode(event);
        }
        if (!event.getLevel().isGreaterOrEqual(Level.ERROR)) {
            return super.encode(new WithoutThrowable(
                    event, event.getFormattedMessage() + " [" + ExceptionSummary.of(throwable) + "]"));
        }
        String line = new String(
                super.encode(new WithoutThrowable(event, event.getFormattedMessage())), StandardCharsets.UTF_8);
        int close = line.lastIndexOf('}');
        StringBuilder out = new StringBuilder(line.length() + 4096).append(line, 0, close);
        out.append(",\"").append(STACK_TRACE).append("\":");
        appendJsonString(out, ThrowableProxyUtil.asString(throwable).stripTrailing());
        out.append(line, close, line.length());
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code value} as a JSON string: quotes, backslashes and every control character escaped, so no raw newline. */
    static void appendJsonString(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** The event without its exception, carrying {@code formattedMessage} instead of its own. */
    private record WithoutThrowable(ILoggingEvent event, String formattedMessage) implements ILoggingEvent {
        @Override
        public String getFormattedMessage() {
            return formattedMessage;
        }

        @Override
        public IThrowableProxy getThrowableProxy() {
            return null;
        }

        @Override
        public String getThreadName() {
            return event.getThreadName();
        }

        @Override
        public Level getLevel() {
            return event.getLevel();
        }

        @Override
        public String getMessage() {
            return event.getMessage();
        }

        @Override
        public Object[] getArgumentArray() {
            return event.getArgumentArray();
        }

        @Override
        public String getLoggerName() {
            return event.getLoggerName();
        }

        @Override
        public LoggerContextVO getLoggerContextVO() {
            return event.getLoggerContextVO();
        }

        @Override
        public StackTraceElement[] getCallerData() {
            return event.getCallerData();
        }

        @Override
        public boolean hasCallerData() {
            return event.hasCallerData();
        }

        @Override
        public List<Marker> getMarkerList() {
            return event.getMarkerList();
        }

        @Override
        public Map<String, String> getMDCPropertyMap() {
            return event.getMDCPropertyMap();
        }

        @Override
        @SuppressWarnings("deprecation")
        public Map<String, String> getMdc() {
            return event.getMdc();
        }

        @Override
        public long getTimeStamp() {
            return event.getTimeStamp();
        }

        @Override
        public int getNanoseconds() {
            return event.getNanoseconds();
        }

        @Override
        public Instant getInstant() {
            return event.getInstant();
        }

        @Override
        public long getSequenceNumber() {
            return event.getSequenceNumber();
        }

        @Override
        public List<KeyValuePair> getKeyValuePairs() {
            return event.getKeyValuePairs();
        }

        @Override
        public void prepareForDeferredProcessing() {
            event.prepareForDeferredProcessing();
        }
    }
}
