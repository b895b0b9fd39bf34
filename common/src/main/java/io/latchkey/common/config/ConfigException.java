package io.latchkey.common.config;

/**
 * A missing or malformed setting. The message is one line that starts with the variable's name and never
 * contains the setting's value, since the value may be a secret.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String variable, String problem) {
        super(variable + ": " + problem);
    }
}
