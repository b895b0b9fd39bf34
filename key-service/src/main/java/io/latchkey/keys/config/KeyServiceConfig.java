package io.latchkey.keys.config;

import io.latchkey.common.config.ConfigException;
import io.latchkey.common.config.Env;
import io.latchkey.common.config.Secrets;
import io.latchkey.common.http.ListenerSettings;
import io.latchkey.common.tls.ServerTls;
import io.latchkey.db.DatabaseSettings;
import io.latchkey.keys.crypto.SigningAlgorithm;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * key-service settings, read and checked once at start. The key-life check: a new key must be in the JWKS longer
 * than common verifiers cache it ({@code max(JWKS max-age, 300 s) + 60 s <= publish_ahead}),
 * and it must be published before the next rotation is due ({@code publish_ahead < rotation interval}).
 */
public record KeyServiceConfig(
        DatabaseSettings database,
        String host,
        int port,
        String internalHost,
        int internalPort,
        String issuer,
        String internalSecret,
        byte[] kek,
        Duration accessTokenTtl,
        Duration rotationInterval,
        Duration publishAhead,
        Duration jwksMaxAge,
        int keySize,
        List<SigningAlgorithm> signingAlgorithms,
        SigningThreads signingThreads,
        Duration refreshInterval,
        Duration retireMargin,
        int internalEventLoops,
        ServerTls tls,
        ServerTls internalTls,
        ListenerSettings listeners) {

    /** Verifiers such as Nimbus and Spring cache a JWKS this long whatever its headers say. */
    public static final Duration VERIFIER_CACHE_FLOOR = Duration.ofSeconds(300);

    public static final Duration CACHE_MARGIN = Duration.ofSeconds(60);

    /**
     * Where {@code /internal/sign} computes signatures. Workers by default: in the benchmark on this machine kind
     * they matched or beat the event loops in throughput with a similar p99 (see README), and a burst of
     * signatures then never delays other work on the event loops.
     */
    public enum SigningThreads {
        EVENT_LOOP,
        WORKER
    }

    public static KeyServiceConfig from(Env env) {
        KeyServiceConfig config = new KeyServiceConfig(
                DatabaseSettings.fromEnv(env),
                env.string("LATCHKEY_HOST", "0.0.0.0"),
                env.port("LATCHKEY_PORT", 8081),
                env.string("LATCHKEY_INTERNAL_HOST", "127.0.0.1"),
                env.port("LATCHKEY_INTERNAL_PORT", 8091),
                env.origin("LATCHKEY_ISSUER", "http://localhost:8080"),
                Secrets.required(env, "LATCHKEY_INTERNAL_SECRET"),
                kek(env),
                env.duration("LATCHKEY_ACCESS_TOKEN_TTL", Duration.ofSeconds(300)),
                env.duration("LATCHKEY_KEY_ROTATION_INTERVAL", Duration.ofDays(30)),
                env.duration("LATCHKEY_KEY_PUBLISH_AHEAD", Duration.ofMinutes(10)),
                env.duration("LATCHKEY_JWKS_MAX_AGE", Duration.ofSeconds(300)),
                keySize(env),
                signingAlgorithms(env),
                signingThreads(env),
                env.duration("LATCHKEY_KEY_REFRESH_INTERVAL", Duration.ofMillis(500)),
                CACHE_MARGIN,
                env.integer(
                        "LATCHKEY_INTERNAL_EVENT_LOOPS", Runtime.getRuntime().availableProcessors(), 1, 64),
                ServerTls.from(env),
                ServerTls.mutualFrom(env),
                ListenerSettings.from(env, 9081));
        config.checkKeyLife(true);
        return config;
    }

    /**
     * Checks the key-life settings. {@code production} false drops the 300 s verifier-cache floor and the 60 s
     * margin, so tests can run a whole key life in seconds; the process always checks with both.
     */
    public KeyServiceConfig checkKeyLife(boolean production) {
        Duration cached =
                production && jwksMaxAge.compareTo(VERIFIER_CACHE_FLOOR) < 0 ? VERIFIER_CACHE_FLOOR : jwksMaxAge;
        Duration least = production ? cached.plus(CACHE_MARGIN) : cached;
        if (publishAhead.compareTo(least) < 0) {
            throw new ConfigException(
                    "LATCHKEY_KEY_PUBLISH_AHEAD",
                    "must be at least max(LATCHKEY_JWKS_MAX_AGE, 300s) + 60s = " + least.toSeconds()
                            + "s, so verifiers see a key before it signs");
        }
        if (publishAhead.compareTo(rotationInterval) >= 0) {
            throw new ConfigException(
                    "LATCHKEY_KEY_PUBLISH_AHEAD", "must be shorter than LATCHKEY_KEY_ROTATION_INTERVAL");
        }
        if (refreshInterval.compareTo(Duration.ofMillis(900)) > 0) {
            throw new ConfigException(
                    "LATCHKEY_KEY_REFRESH_INTERVAL", "must be at most 900ms so replicas stop revoked keys within 1 s");
        }
        return this;
    }

    /** A copy with other key-life durations: tests run rotations in seconds. */
    public KeyServiceConfig withKeyLife(
            Duration accessTokenTtl, Duration rotationInterval, Duration publishAhead, Duration jwksMaxAge) {
        return new KeyServiceConfig(
                database,
                host,
                port,
                internalHost,
                internalPort,
                issuer,
                internalSecret,
                kek,
                accessTokenTtl,
                rotationInterval,
                publishAhead,
                jwksMaxAge,
                keySize,
                signingAlgorithms,
                signingThreads,
                refreshInterval,
                retireMargin,
                internalEventLoops,
                tls,
                internalTls,
                listeners);
    }

    /**
     * A copy whose keys leave the JWKS {@code margin} (rather than 60 s) after their last token expires: tests
     * watch a whole key life in seconds.
     */
    public KeyServiceConfig withRetireMargin(Duration margin) {
        return new KeyServiceConfig(
                database,
                host,
                port,
                internalHost,
                internalPort,
                issuer,
                internalSecret,
                kek,
                accessTokenTtl,
                rotationInterval,
                publishAhead,
                jwksMaxAge,
                keySize,
                signingAlgorithms,
                signingThreads,
                refreshInterval,
                margin,
                internalEventLoops,
                tls,
                internalTls,
                listeners);
    }

    /** How long a key stays in the JWKS after its last signature: its tokens' lifetime plus the margin. */
    public Duration retireGrace() {
        return accessTokenTtl.plus(retireMargin);
    }

    /** A copy with another signing-thread choice: the benchmark measures both. */
    public KeyServiceConfig withSigningThreads(SigningThreads threads) {
        return new KeyServiceConfig(
                database,
                host,
                port,
                internalHost,
                internalPort,
                issuer,
                internalSecret,
                kek,
                accessTokenTtl,
                rotationInterval,
                publishAhead,
                jwksMaxAge,
                keySize,
                signingAlgorithms,
                threads,
                refreshInterval,
                retireMargin,
                internalEventLoops,
                tls,
                internalTls,
                listeners);
    }

    private static byte[] kek(Env env) {
        String raw = env.required("LATCHKEY_KEK");
        Secrets.check(env, "LATCHKEY_KEK", raw);
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(raw);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("LATCHKEY_KEK", "must be base64 of 32 random bytes");
        }
        if (decoded.length != 32) {
            throw new ConfigException("LATCHKEY_KEK", "must be base64 of 32 random bytes");
        }
        return decoded;
    }

    private static int keySize(Env env) {
        int size = env.integer("LATCHKEY_KEY_SIZE", 2048, 2048, 4096);
        if (size != 2048 && size != 3072 && size != 4096) {
            throw new ConfigException("LATCHKEY_KEY_SIZE", "must be 2048, 3072 or 4096");
        }
        return size;
    }

    /**
     * {@code LATCHKEY_SIGNING_ALGS}: a comma-separated list of RS256 and ES256 (default both). RS256 is always
     * kept, listed or not: RFC 9068 §2.1 makes it the one algorithm every verifier supports. Any other name stops
     * the start.
     */
    private static List<SigningAlgorithm> signingAlgorithms(Env env) {
        String raw = env.string("LATCHKEY_SIGNING_ALGS", "RS256,ES256");
        Set<SigningAlgorithm> algs = EnumSet.of(SigningAlgorithm.RS256);
        for (String name : raw.split(",")) {
            String trimmed = name.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            algs.add(SigningAlgorithm.named(trimmed)
                    .orElseThrow(() -> new ConfigException(
                            "LATCHKEY_SIGNING_ALGS", "must be a comma-separated list of RS256 and ES256")));
        }
        return List.copyOf(algs);
    }

    private static SigningThreads signingThreads(Env env) {
        String raw = env.string("LATCHKEY_SIGNING_THREADS", "worker");
        return switch (raw.toLowerCase()) {
            case "event-loop" -> SigningThreads.EVENT_LOOP;
            case "worker" -> SigningThreads.WORKER;
            default -> throw new ConfigException("LATCHKEY_SIGNING_THREADS", "must be worker or event-loop");
        };
    }

    @Override
    public String toString() {
        return "KeyServiceConfig[database=" + database + ", host=" + host + ", port=" + port + ", internalHost="
                + internalHost + ", internalPort=" + internalPort + ", issuer=" + issuer + ", keySize=" + keySize
                + ", signingAlgorithms=" + signingAlgorithms + ", tls=" + tls.enabled() + ", internalTls="
                + internalTls.enabled() + ", mutualTls="
                + internalTls.clientCa().isPresent() + "]";
    }
}
