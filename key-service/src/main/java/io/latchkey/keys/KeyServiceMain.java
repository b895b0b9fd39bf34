package io.latchkey.keys;

import io.latchkey.common.ServiceLauncher;
import io.latchkey.keys.config.KeyServiceConfig;

/** Starts key-service from the environment. */
public final class KeyServiceMain {
    private KeyServiceMain() {}

    public static void main(String[] args) {
        ServiceLauncher.launch(
                "key-service", (env, metrics) -> new KeyServiceVerticle(KeyServiceConfig.from(env), metrics));
    }
}
