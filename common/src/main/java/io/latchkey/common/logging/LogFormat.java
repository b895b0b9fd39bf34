package io.latchkey.common.logging;

import io.latchkey.common.config.ConfigException;
import io.latchkey.common.config.Env;

/**
 * {@code LATCHKEY_LOG_FORMAT}: {@code text} (the default) or {@code json}, one JSON object per line. Logback picks
 * the appender of that name (see {@code latchkey-logback.xml}); this check turns a typo into a clear start failure
 * instead of a silent process.
 */
public enum LogFormat {
    TEXT,
    JSON;

    public static final String SETTING = "LATCHKEY_LOG_FORMAT";

    public static LogFormat from(Env env) {
        return switch (env.string(SETTING, "text")) {
            case "text" -> TEXT;
            case "json" -> JSON;
            default -> throw new ConfigException(SETTING, "must be text or json");
        };
    }
}
