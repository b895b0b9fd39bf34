package io.latchkey.common.config;

/**
 * Start-up checks for secrets: outside dev mode ({@code LATCHKEY_DEV_MODE=true}) a secret must have at least
 * 32 characters and must not be one of the published {@link DevValues}.
 */
public final class Secrets {
    public static final int MIN_LENGTH = 32;
    public static final String DEV_MODE = "LATCHKEY_DEV_MODE";

    private Secrets() {}

    /** Reads a required secret and checks it. */
    public static String required(Env env, String name) {
        String value = env.required(name);
        check(env, name, value);
        return value;
    }

    /** Checks a secret that came from elsewhere, such as the password inside a database URL. */
    public static void check(Env env, String name, String value) {
        if (env.bool(DEV_MODE, false)) {
            return;
        }
        if (DevValues.isDevValue(value)) {
            throw new ConfigException(name, "is a published dev value; set a real secret or LATCHKEY_DEV_MODE=true");
        }
        if (value.length() < MIN_LENGTH) {
            throw new ConfigException(name, "must have at least " + MIN_LENGTH + " characters");
        }
    }
}
