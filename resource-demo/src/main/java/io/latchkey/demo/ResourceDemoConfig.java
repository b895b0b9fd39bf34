package io.latchkey.demo;

import io.latchkey.common.config.Env;
import io.latchkey.verifier.VerifierSettings;

/** resource-demo settings: its listener and the verifier's settings (audience {@code resource-demo}). */
public record ResourceDemoConfig(String host, int port, VerifierSettings verifier) {
    public static ResourceDemoConfig from(Env env) {
        return new ResourceDemoConfig(
                env.string("LATCHKEY_HOST", "0.0.0.0"),
                env.port("LATCHKEY_PORT", 8082),
                VerifierSettings.from(env, "resource-demo"));
    }
}
