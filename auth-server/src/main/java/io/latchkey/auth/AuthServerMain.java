package io.latchkey.auth;

import io.latchkey.auth.config.AuthServerConfig;
import io.latchkey.common.ServiceLauncher;
import io.latchkey.common.crypto.NativeCrypto;

/** Starts auth-server from the environment. */
public final class AuthServerMain {
    private AuthServerMain() {}

    public static void main(String[] args) {
        NativeCrypto.install();
        ServiceLauncher.launch(
                "auth-server", (env, metrics) -> new AuthServerVerticle(AuthServerConfig.from(env), metrics));
    }
}
