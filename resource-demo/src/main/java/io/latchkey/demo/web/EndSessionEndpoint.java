package io.latchkey.demo.web;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where RP-initiated logouts send the browser: the {@code end_session_endpoint} of the issuer's OpenID Provider
 * metadata, read over the back channel, or, until that answers (or if it names none), the contract's {@code
 * <issuer>/oauth2/end-session}. Only an endpoint on the issuer's own origin is taken, since the pages' {@code
 * form-action} allows the issuer and no one else, and a sign-out must not send browsers elsewhere. Discovery never
 * delays a sign-out: a failed one is tried again, in the background, at a later sign-out.
 *
 * @see <a href="https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderMetadata">OpenID Connect Discovery 1.0 §3</a>
 */
public final class EndSessionEndpoint implements Supplier<String> {
    public static final String WELL_KNOWN_PATH = "/.well-known/openid-configuration";
    public static final String DEFAULT_PATH = "/oauth2/end-session";

    private static final Logger LOG = LoggerFactory.getLogger(EndSessionEndpoint.class);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(30);
    private static final long TIMEOUT_MS = 5_000;

    private final WebClient client;
    private final WebAppSettings settings;
    private final Clock clock;
    private volatile String discovered;
    private boolean fetching; // guarded by this
    private long lastAttemptMillis = Long.MIN_VALUE / 2; // guarded by this

    public EndSessionEndpoint(WebClient client, WebAppSettings settings, Clock clock) {
        this.client = client;
        this.settings = settings;
        this.clock = clock;
    }

    /** The endpoint to use now; starts a discovery in the background while none has succeeded. */
    @Override
    public String get() {
        String known = discovered;
        if (known != null) {
            return known;
        }
        retryDiscovery();
        return settings.issuer() + DEFAULT_PATH;
    }

    private synchronized void retryDiscovery() {
        if (!fetching && clock.millis() - lastAttemptMillis >= RETRY_AFTER.toMillis()) {
            discover();
        }
    }

    /** Reads the metadata from the back-channel URLs in turn; the future fails when none served a usable one. */
    public synchronized Future<String> discover() {
        fetching = true;
        lastAttemptMillis = clock.millis();
        return BackChannel.firstConnecting(
                        BackChannel.bases(settings.authServerUrls()), base -> client.getAbs(base + WELL_KNOWN_PATH)
                                .timeout(TIMEOUT_MS)
                                .send())
                .compose(this::read)
                .onComplete(done -> {
                    synchronized (this) {
                        fetching = false;
                    }
                    if (done.succeeded()) {
                        discovered = done.result();
                        LOG.info("Sign-outs go to {}", done.result());
                    } else {
                        LOG.warn(
                                "OpenID metadata unusable ({}); sign-outs go to {}{} meanwhile",
                                done.cause().getMessage(),
                                settings.issuer(),
                                DEFAULT_PATH);
                    }
                });
    }

    private Future<String> read(HttpResponse<Buffer> response) {
        if (response.statusCode() != 200) {
            return Future.failedFuture("status " + response.statusCode());
        }
        try {
            return endSessionEndpoint(response.bodyAsJsonObject(), settings.issuer())
                    .map(Future::succeededFuture)
                    .orElseGet(() -> Future.failedFuture("no usable end_session_endpoint"));
        } catch (RuntimeException e) {
            return Future.failedFuture("not a JSON object");
        }
    }

    /**
     * The metadata's {@code end_session_endpoint} when the metadata is the issuer's ({@code issuer} exact, Discovery
     * §4.3) and the endpoint is an absolute URL on the issuer's origin, without a fragment.
     */
    static Optional<String> endSessionEndpoint(JsonObject metadata, String issuer) {
        if (metadata == null
                || !issuer.equals(metadata.getValue("issuer"))
                || !(metadata.getValue("end_session_endpoint") instanceof String endpoint)
                || !endpoint.startsWith(issuer + "/")) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(endpoint);
            return uri.getRawFragment() == null && uri.getRawUserInfo() == null && uri.getRawAuthority() != null
                    ? Optional.of(endpoint)
                    : Optional.empty();
        } catch (java.net.URISyntaxException e) {
            return Optional.empty();
        }
    }
}
