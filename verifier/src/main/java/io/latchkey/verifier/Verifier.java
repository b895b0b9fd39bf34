package io.latchkey.verifier;

import io.latchkey.verifier.discovery.AuthServerMetadata;
import io.latchkey.verifier.discovery.MetadataClient;
import io.latchkey.verifier.jwks.JwksCache;
import io.latchkey.verifier.revocation.RevocationFeed;
import io.latchkey.verifier.revocation.RevocationList;
import io.latchkey.verifier.token.CompactJws;
import io.latchkey.verifier.token.JwsHeaderRules;
import io.latchkey.verifier.token.Rs256Signature;
import io.latchkey.verifier.token.TokenRules;
import io.latchkey.verifier.token.VerifiedTokenCache;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies Latchkey access tokens without calling the authorization server per request: discovers the JWKS and the
 * revocation feed from the issuer's metadata, keeps both current in the background, and checks each token's
 * signature, header, claims and revocation. Until the revocation list and the keys are loaded, and whenever the feed
 * has been silent past the staleness bound, {@link #verify} fails with {@link VerifierUnavailable}. Create one per
 * Vert.x instance and share it between verticles.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9068#section-4">RFC 9068 §4</a>
 */
public final class Verifier {
    private static final Logger LOG = LoggerFactory.getLogger(Verifier.class);
    private static final long FIRST_DISCOVERY_RETRY_MS = 250;
    private static final long LONGEST_DISCOVERY_RETRY_MS = 10_000;

    private final Vertx vertx;
    private final VerifierSettings settings;
    private final Clock clock;
    private final WebClient webClient;
    private final HttpClient streamClient;
    private final TokenRules rules;
    private final RevocationList revocations = new RevocationList();
    private final VerifiedTokenCache cache;
    private final VerifierMetrics metrics = new VerifierMetrics();

    private volatile JwksCache jwks;
    private volatile RevocationFeed feed;
    private volatile boolean closed;

    private Verifier(Vertx vertx, VerifierSettings settings, Clock clock) {
        this.vertx = vertx;
        this.settings = settings;
        this.clock = clock;
        // Metadata, JWKS and feed fetches trust only the configured CA bundle (or the JVM's store), never all.
        this.webClient = WebClient.create(
                vertx, settings.tls().applyTo(new WebClientOptions().setUserAgent("latchkey-verifier")));
        this.streamClient = vertx.createHttpClient(settings.tls().applyTo(new HttpClientOptions().setIdleTimeout(0)));
        this.rules = new TokenRules(settings.issuer(), settings.audience());
        this.cache = new VerifiedTokenCache(settings.verifiedTokenCacheSize());
    }

    public static Verifier create(Vertx vertx, VerifierSettings settings) {
        return new Verifier(vertx, settings, Clock.systemUTC());
    }

    /**
     * Starts discovery, the JWKS cache and the revocation feed in the background, retrying until they answer; the
     * returned future completes at once. Call it from a verticle: the feed's timers and connections live on its
     * context. Watch {@link #ready()} for when tokens can be verified.
     */
    public Future<Void> start() {
        discover(FIRST_DISCOVERY_RETRY_MS);
        return Future.succeededFuture();
    }

    /** Whether the keys and the revocation list are loaded and the feed is within its staleness bound. */
    public boolean ready() {
        JwksCache keys = jwks;
        RevocationFeed revocationFeed = feed;
        return keys != null && revocationFeed != null && keys.loaded() && revocationFeed.fresh();
    }

    /** Whether the revocation list is loaded and the feed spoke within its staleness bound. */
    public boolean feedFresh() {
        RevocationFeed revocationFeed = feed;
        return revocationFeed != null && revocationFeed.fresh();
    }

    /** Whether the signing keys are loaded (they stay usable while key-service is away). */
    public boolean keysLoaded() {
        JwksCache keys = jwks;
        return keys != null && keys.loaded();
    }

    public String audience() {
        return settings.audience();
    }

    /**
     * Verifies a bearer token. Fails with {@link TokenRejected} for a token that must not be accepted and with
     * {@link VerifierUnavailable} when the verifier cannot currently vouch for any token.
     */
    public Future<AccessToken> verify(String token) {
        if (!ready()) {
            metrics.unavailable();
            return Future.failedFuture(new VerifierUnavailable("revocation list or keys not current"));
        }
        long now = clock.millis() / 1000;
        AccessToken cached = cache.get(token, now);
        if (cached != null) {
            return notRevoked(cached, now, true);
        }
        CompactJws jws;
        String kid;
        try {
            jws = CompactJws.parse(token);
            kid = rules.checkHeader(jws.header());
        } catch (TokenRejected e) {
            return rejected(e);
        } catch (RuntimeException e) {
            // Whatever a crafted token trips over, it is the token's fault: a 401, never a 5xx.
            return rejected(new TokenRejected(
                    TokenRejected.Reason.MALFORMED, e.getClass().getSimpleName()));
        }
        if (revocations.isKeyRevoked(kid)) {
            return rejected(new TokenRejected(TokenRejected.Reason.REVOKED, "key " + kid + " revoked"));
        }
        return jwks.key(kid).transform(ar -> {
            if (ar.failed()) {
                return ar.cause() instanceof TokenRejected e ? rejected(e) : Future.failedFuture(ar.cause());
            }
            long checkedAt = clock.millis() / 1000;
            AccessToken verified;
            try {
                Rs256Signature.verify(jws, ar.result());
                verified = rules.checkClaims(kid, jws.claims(), checkedAt);
            } catch (TokenRejected e) {
                return rejected(e);
            } catch (RuntimeException e) {
                return rejected(new TokenRejected(
                        TokenRejected.Reason.MALFORMED, e.getClass().getSimpleName()));
            }
            cache.put(token, verified, checkedAt);
            return notRevoked(verified, checkedAt, false);
        });
    }

    /**
     * Verifies the signature of another kind of JWT the issuer signs with the same keys, such as an OpenID Connect ID
     * token ({@code typ} {@code JWT}) or a back-channel logout token ({@code logout+jwt}): the header rules of an
     * access token but with {@code typ} {@code typ}, the key the {@code kid} names from the cached JWKS (an unknown one
     * refetches it, within the same rate limit), the algorithm that key is pinned to, and never a key the revocation
     * feed listed. The claims come back unchecked: what they must say is the caller's to check. Fails with {@link
     * TokenRejected} for a token that must not be accepted and with {@link VerifierUnavailable} while {@link #ready()}
     * is false. Access tokens go through {@link #verify}, never here.
     *
     * @throws IllegalArgumentException when {@code typ} is the access-token type
     */
    public Future<SignedJwt> verifySigned(String token, String typ) {
        if (typ == null || typ.isEmpty() || TokenRules.ACCESS_TOKEN_TYPE.equalsIgnoreCase(typ)) {
            throw new IllegalArgumentException("access tokens are verified with verify(), with their claims");
        }
        if (!ready()) {
            return Future.failedFuture(new VerifierUnavailable("revocation list or keys not current"));
        }
        CompactJws jws;
        String kid;
        try {
            jws = CompactJws.parse(token);
            kid = JwsHeaderRules.check(jws.header(), typ);
        } catch (TokenRejected e) {
            return Future.failedFuture(e);
        } catch (RuntimeException e) {
            return Future.failedFuture(new TokenRejected(
                    TokenRejected.Reason.MALFORMED, e.getClass().getSimpleName()));
        }
        if (revocations.isKeyRevoked(kid)) {
            return Future.failedFuture(new TokenRejected(TokenRejected.Reason.REVOKED, "key " + kid + " revoked"));
        }
        return jwks.key(kid).compose(key -> {
            try {
                Rs256Signature.verify(jws, key);
            } catch (TokenRejected e) {
                return Future.failedFuture(e);
            } catch (RuntimeException e) {
                return Future.failedFuture(new TokenRejected(
                        TokenRejected.Reason.MALFORMED, e.getClass().getSimpleName()));
            }
            return Future.succeededFuture(new SignedJwt(kid, JwsHeaderRules.ALGORITHM, jws.claims()));
        });
    }

    public VerifierMetrics metrics() {
        return metrics;
    }

    /** The verifier's counters and gauges in Prometheus text format. */
    public String metricsText() {
        JwksCache keys = jwks;
        return metrics.render(ready(), keys == null ? 0 : keys.size(), revocations.size());
    }

    public Future<Void> close() {
        closed = true;
        if (jwks != null) {
            jwks.close();
        }
        if (feed != null) {
            feed.close();
        }
        webClient.close();
        return streamClient.close();
    }

    private Future<AccessToken> notRevoked(AccessToken token, long now, boolean fromCache) {
        if (revocations.isRevoked(token, now)) {
            return rejected(new TokenRejected(TokenRejected.Reason.REVOKED, "listed"));
        }
        if (fromCache) {
            metrics.cached();
        } else {
            metrics.verified();
        }
        return Future.succeededFuture(token);
    }

    private Future<AccessToken> rejected(TokenRejected rejection) {
        metrics.rejected(rejection.reason());
        return Future.failedFuture(rejection);
    }

    private void discover(long retryMs) {
        if (closed) {
            return;
        }
        new MetadataClient(webClient)
                .fetch(settings.authServerUrls(), settings.issuer())
                .onSuccess(this::follow)
                .onFailure(e -> {
                    LOG.warn("Discovery of {} failed; retrying in {} ms", settings.issuer(), retryMs);
                    vertx.setTimer(retryMs, id -> discover(Math.min(retryMs * 2, LONGEST_DISCOVERY_RETRY_MS)));
                });
    }

    private void follow(AuthServerMetadata metadata) {
        if (closed) {
            return;
        }
        URI jwksUrl = settings.jwksUrl().orElse(metadata.jwksUri());
        JwksCache keys =
                new JwksCache(vertx, webClient, jwksUrl, settings.jwksRefetchInterval(), clock, metrics::jwksRefreshed);
        // The metadata names the public feed URL; reach it through each back-channel URL instead.
        String feedPath = metadata.revocationListEndpoint().getRawPath();
        List<URI> feedUrls = settings.authServerUrls().stream()
                .map(base -> URI.create(MetadataClient.base(base) + feedPath))
                .toList();
        RevocationFeed revocationFeed = new RevocationFeed(
                vertx,
                webClient,
                streamClient,
                feedUrls,
                basic(settings.feedClientId(), settings.feedClientSecret()),
                settings.feedStalenessBound(),
                revocations,
                keys::forget,
                clock);
        jwks = keys;
        feed = revocationFeed;
        LOG.info(
                "Verifying tokens of {} for audience {}; keys from {}",
                settings.issuer(),
                settings.audience(),
                jwksUrl);
        keys.start();
        revocationFeed.start();
    }

    /** RFC 6749 §2.3.1: id and secret are form-encoded before base64. */
    private static String basic(String id, String secret) {
        String pair =
                URLEncoder.encode(id, StandardCharsets.UTF_8) + ":" + URLEncoder.encode(secret, StandardCharsets.UTF_8);
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }
}
