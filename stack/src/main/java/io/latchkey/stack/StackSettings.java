package io.latchkey.stack;

import io.latchkey.common.config.Env;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What the dev stack runs with: its data folder, the ports of the three services (and of their management
 * listeners, loopback only), an external database when
 * {@code LATCHKEY_DB_URL} is set (then the embedded one is not started, and seeding needs {@code --seed}), and
 * with {@code --tls} HTTPS everywhere from a throw-away dev CA kept under {@code <data dir>/tls/}.
 */
record StackSettings(
        Path dataDir,
        Optional<String> externalDatabaseUrl,
        int databasePort,
        int authServerPort,
        int keyServicePort,
        int keyServiceInternalPort,
        int resourceDemoPort,
        int authServerManagementPort,
        int keyServiceManagementPort,
        int resourceDemoManagementPort,
        boolean seed,
        boolean tls) {

    static StackSettings from(Env env, List<String> args) {
        for (String arg : args) {
            if (!arg.equals("--seed") && !arg.equals("--tls")) {
                throw new IllegalArgumentException("unknown option " + arg + " (options: --seed, --tls)");
            }
        }
        Optional<String> external = env.optional("LATCHKEY_DB_URL");
        return new StackSettings(
                Path.of(env.string("LATCHKEY_STACK_DIR", ".latchkey")).toAbsolutePath(),
                external,
                env.port("LATCHKEY_STACK_DB_PORT", 0),
                env.port("LATCHKEY_AUTH_SERVER_PORT", 8080),
                env.port("LATCHKEY_KEY_SERVICE_PORT", 8081),
                env.port("LATCHKEY_KEY_SERVICE_INTERNAL_PORT", 8091),
                env.port("LATCHKEY_RESOURCE_DEMO_PORT", 8082),
                env.port("LATCHKEY_AUTH_SERVER_MANAGEMENT_PORT", 9080),
                env.port("LATCHKEY_KEY_SERVICE_MANAGEMENT_PORT", 9081),
                env.port("LATCHKEY_RESOURCE_DEMO_MANAGEMENT_PORT", 9082),
                external.isEmpty() || args.contains("--seed"),
                args.contains("--tls"));
    }

    String scheme() {
        return tls ? "https" : "http";
    }

    String issuer() {
        return scheme() + "://localhost:" + authServerPort;
    }

    String jwksUri() {
        return scheme() + "://localhost:" + keyServicePort + "/.well-known/jwks.json";
    }

    String keyServiceInternalUrl() {
        return scheme() + "://localhost:" + keyServiceInternalPort;
    }

    String resourceDemoUrl() {
        return scheme() + "://localhost:" + resourceDemoPort;
    }
}
