package io.latchkey.keys.config;

import io.latchkey.common.config.Env;
import io.latchkey.common.config.Secrets;
import io.latchkey.db.DatabaseSettings;

/** key-service settings, read and checked once at start. */
public record KeyServiceConfig(
        DatabaseSettings database,
        String host,
        int port,
        String internalHost,
        int internalPort,
        String issuer,
        String internalSecret) {

    public static KeyServiceConfig from(Env env) {
        return new KeyServiceConfig(
                DatabaseSettings.fromEnv(env),
                env.string("LATCHKEY_HOST", "0.0.0.0"),
                env.port("LATCHKEY_PORT", 8081),
                env.string("LATCHKEY_INTERNAL_HOST", "127.0.0.1"),
                env.port("LATCHKEY_INTERNAL_PORT", 8091),
                env.origin("LATCHKEY_ISSUER", "http://localhost:8080"),
                Secrets.required(env, "LATCHKEY_INTERNAL_SECRET"));
    }
}
