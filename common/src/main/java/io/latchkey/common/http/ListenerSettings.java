package io.latchkey.common.http;

import io.latchkey.common.config.Env;
import io.vertx.core.http.HttpServerOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What every listener of a process shares: how long a connection may sit idle, how long a request may take to
 * arrive (its headers and body), how many connections it holds at once, and where the management listener binds.
 * A slow or idle client would otherwise hold a socket, a file descriptor and buffers for as long as it likes.
 *
 * @param idleTimeout {@code LATCHKEY_HTTP_IDLE_TIMEOUT}: no byte read or written for this long closes the connection
 * @param requestTimeout {@code LATCHKEY_HTTP_REQUEST_TIMEOUT}: a request not fully received this long after its first
 *     byte (or after the connection opened) is answered 408 and the connection closed
 * @param maxConnections {@code LATCHKEY_HTTP_MAX_CONNECTIONS}: connections per listener (all its event loops); more
 *     are closed as they arrive
 * @param managementHost {@code LATCHKEY_MANAGEMENT_HOST}
 * @param managementPort {@code LATCHKEY_MANAGEMENT_PORT}
 */
public record ListenerSettings(
        Duration idleTimeout, Duration requestTimeout, int maxConnections, String managementHost, int managementPort) {
    public static final String IDLE_TIMEOUT = "LATCHKEY_HTTP_IDLE_TIMEOUT";
    public static final String REQUEST_TIMEOUT = "LATCHKEY_HTTP_REQUEST_TIMEOUT";
    public static final String MAX_CONNECTIONS = "LATCHKEY_HTTP_MAX_CONNECTIONS";
    public static final String MANAGEMENT_HOST = "LATCHKEY_MANAGEMENT_HOST";
    public static final String MANAGEMENT_PORT = "LATCHKEY_MANAGEMENT_PORT";

    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_CONNECTIONS = 4096;

    /**
     * The settings {@code env} gives. The management port defaults to {@code defaultManagementPort}, or to 0 (any
     * free port) when {@code LATCHKEY_PORT} is 0, as in tests, so two processes of one test never collide.
     */
    public static ListenerSettings from(Env env, int defaultManagementPort) {
        boolean ephemeral = env.optional("LATCHKEY_PORT").map("0"::equals).orElse(false);
        return new ListenerSettings(
                env.duration(IDLE_TIMEOUT, DEFAULT_IDLE_TIMEOUT),
                env.duration(REQUEST_TIMEOUT, DEFAULT_REQUEST_TIMEOUT),
                env.integer(MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS, 1, 1_000_000),
                env.string(MANAGEMENT_HOST, "127.0.0.1"),
                env.port(MANAGEMENT_PORT, ephemeral ? 0 : defaultManagementPort));
    }

    /** The defaults, with the management listener on loopback at any free port: for tests that build configs. */
    public static ListenerSettings defaults() {
        return new ListenerSettings(
                DEFAULT_IDLE_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, DEFAULT_MAX_CONNECTIONS, "127.0.0.1", 0);
    }

    /**
     * The idle timeout on {@code options}, and HTTP/2 over cleartext off: no client of ours upgrades, and the h2c
     * detector would hold a new connection until its first bytes, out of {@link ConnectionGuard}'s sight.
     */
    public HttpServerOptions applyTo(HttpServerOptions options) {
        return options.setIdleTimeout(Math.toIntExact(idleTimeout.toMillis()))
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setHttp2ClearTextEnabled(false);
    }
}
