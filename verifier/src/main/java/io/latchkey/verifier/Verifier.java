package io.latchkey.verifier;

import io.latchkey.common.dpop.DpopNonceCheck;
import io.latchkey.common.dpop.DpopProof;
import io.latchkey.common.dpop.DpopProofChecker;
import io.latchkey.common.dpop.DpopProofRejected;
import io.latchkey.common.dpop.InMemoryDpopReplayCache;
import io.latchkey.common.jose.JwsAlgorithm;
import io.latchkey.verifier.discovery.AuthServerMetadata;
import io.latchkey.verifier.discovery.MetadataClient;
import io.latchkey.verifier.jwks.JwksCache;
import io.latchkey.verifier.revocation.RevocationFeed;
import io.latchkey.verifier.revocation.RevocationList;
import io.latchkey.verifier.token.CompactJws;
import io.latchkey.verifier.token.JwsHeaderRules;
import io.latchkey.verifier.token.TokenRules;
import io.latchkey.verifier.token.TokenSignature;
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
import java.security.MessageDigest;
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
    private final DpopProofChecker dpop;
    private final InMemoryDpopReplayCache replays;
    private final String dpopAlgorithms;

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
        this.dpop = new DpopProofChecker(
                DpopProofChecker.DEFAULT_ALGORITHMS,
                DpopProofChecker.DEFAULT_WINDOW,
                DpopProofChecker.DEFAULT_LEEWAY,
                clock);
        this.replays = new InMemoryDpopReplayCache(settings.dpopReplayCacheSize(), dpop.acceptance(), clock);
        this.dpopAlgorithms = String.join(
                " ", dpop.algorithms().stream().map(JwsAlgorithm::jwsName).toList());
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

    public String audience() {
        return settings.audience();
    }

    /**
     * Verifies a bearer token. Fails with {@link TokenRejected} for a token that must not be accepted (a DPoP-bound one
     * included: without its proof it is refused) and with {@link VerifierUnavailable} when the verifier cannot
     * currently vouch for any token.
     */
    public Future<AccessToken> verify(String token) {
        return verifyToken(token, false);
    }

    /**
     * Verifies a DPoP-bound token with the DPoP proof of this request (RFC 9449 §7.1): the token as {@link #verify}
     * does, then the proof for method {@code htm} at {@code htu} (the URL the client called: see {@link
     * #dpopTargetUri}), its {@code ath} over this token, its key equal to the token's {@code cnf.jkt}, and its {@code
     * jti} not seen before within the {@code iat} window. The proof is checked on every request, whether or not the
     * token came from the verified-token cache. Fails with {@link TokenRejected} for the token, {@link
     * DpopProofRejected} for the proof, {@link VerifierUnavailable} while not ready.
     */
    public Future<AccessToken> verifyDpop(String token, String proof, String htm, String htu) {
        return verifyToken(token, true).compose(verified -> {
            try {
                DpopProof checked = dpop.check(proof, htm, htu, token, DpopNonceCheck.NONE);
                byte[] bound = verified.confirmationJkt().orElseThrow().getBytes(StandardCharsets.US_ASCII);
                if (!MessageDigest.isEqual(bound, checked.jkt().getBytes(StandardCharsets.US_ASCII))) {
                    throw new DpopProofRejected(
                            DpopProofRejected.Reason.KEY_MISMATCH,
                            "DPoP proof key is not the key the token is bound to");
                }
                if (!replays.firstUse(checked.jkt(), checked.jti(), checked.iat())) {
                    throw new DpopProofRejected(DpopProofRejected.Reason.REPLAYED, "DPoP proof jti already used");
                }
            } catch (DpopProofRejected e) {
                metrics.dpopRejected(e.reason());
                return Future.failedFuture(e);
            } catch (IllegalArgumentException e) {
                // Only the request's own URL can trip the normalizer here: the proof's htu is caught inside.
                metrics.dpopRejected(DpopProofRejected.Reason.WRONG_URI);
                return Future.failedFuture(new DpopProofRejected(
                        DpopProofRejected.Reason.WRONG_URI, "the request URL cannot be compared with htu"));
            }
            metrics.dpopAccepted();
            return Future.succeededFuture(verified);
        });
    }

    /**
     * The URL a DPoP proof for this request must name: {@code LATCHKEY_EXTERNAL_URL} plus {@code path} when set (the
     * address clients call, in front of any proxy), else {@code requestUrl}, the URL the request arrived at.
     */
    public String dpopTargetUri(String path, String requestUrl) {
        return settings.externalUrl().map(base -> base + path).orElse(requestUrl);
    }

    /** The proof algorithms accepted, space-separated, for the {@code algs} of a {@code DPoP} challenge. */
    public String dpopAlgorithms() {
        return dpopAlgorithms;
    }

    private Future<AccessToken> verifyToken(String token, boolean dpopScheme) {
        if (!ready()) {
            metrics.unavailable();
            return Future.failedFuture(new VerifierUnavailable("revocation list or keys not current"));
        }
        long now = clock.millis() / 1000;
        AccessToken cached = cache.get(token, now);
        if (cached != null) {
            return accepted(cached, now, true, dpopScheme);
        }
        CompactJws jws;
        String kid;
        JwsAlgorithm algorithm;
        try {
            jws = CompactJws.parse(token);
            kid = rules.checkHeader(jws.header());
            algorithm = JwsHeaderRules.algorithm(jws.header());
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
                TokenSignature.verify(jws, algorithm, ar.result());
                verified = rules.checkClaims(kid, jws.claims(), checkedAt);
            } catch (TokenRejected e) {
                return rejected(e);
            } catch (RuntimeException e) {
                return rejected(new TokenRejected(
                        TokenRejected.Reason.MALFORMED, e.getClass().getSimpleName()));
            }
            // Cached whatever its binding: the cache only saves the signature check, and the binding is checked below
            // on every request, the DPoP proof after that.
            cache.put(token, verified, checkedAt);
            return accepted(verified, checkedAt, false, dpopScheme);
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
        JwsAlgorithm algorithm;
        try {
            jws = CompactJws.parse(token);
            kid = JwsHeaderRules.check(jws.header(), typ);
            algorithm = JwsHeaderRules.algorithm(jws.header());
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
                TokenSignature.verify(jws, algorithm, key);
            } catch (TokenRejected e) {
                return Future.failedFuture(e);
            } catch (RuntimeException e) {
                return Future.failedFuture(new TokenRejected(
                        TokenRejected.Reason.MALFORMED, e.getClass().getSimpleName()));
            }
            return Future.succeededFuture(new SignedJwt(kid, key.algorithm().jwsName(), jws.claims()));
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

    private Future<AccessToken> accepted(AccessToken token, long now, boolean fromCache, boolean dpopScheme) {
        if (revocations.isRevoked(token, now)) {
            return rejected(new TokenRejected(TokenRejected.Reason.REVOKED, "listed"));
        }
        boolean bound = token.confirmationJkt().isPresent();
        if (bound && !dpopScheme) {
            return rejected(new TokenRejected(TokenRejected.Reason.DPOP_BOUND, "cnf-bound token sent as Bearer"));
        }
        if (!bound && dpopScheme) {
            return rejected(new TokenRejected(TokenRejected.Reason.NOT_DPOP_BOUND, "unbound token sent as DPoP"));
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
