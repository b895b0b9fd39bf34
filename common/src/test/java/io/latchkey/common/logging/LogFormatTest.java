package io.latchkey.common.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.latchkey.common.config.ConfigException;
import io.latchkey.common.config.Env;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogFormatTest {
    @Test
    void logFormatWhenUnsetThenText() {
        assertEquals(LogFormat.TEXT, LogFormat.from(new Env(Map.of())));
    }

    @Test
    void logFormatWhenJsonThenJson() {
        assertEquals(LogFormat.JSON, LogFormat.from(new Env(Map.of("LATCHKEY_LOG_FORMAT", "json"))));
    }

    @Test
    void logFormatWhenUnknownThenVariableNamed() {
        ConfigException e = assertThrows(
                ConfigException.class, () -> LogFormat.from(new Env(Map.of("LATCHKEY_LOG_FORMAT", "JSON"))));

        assertEquals("LATCHKEY_LOG_FORMAT: must be text or json", e.getMessage());
    }
}
