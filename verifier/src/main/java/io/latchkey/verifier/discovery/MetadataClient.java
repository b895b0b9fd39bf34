package io.latchkey.verifier.discovery;

import io.vertx.core.Future;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches the authorization server's metadata from the back-channel URLs, tried in turn. The URLs may differ from
 * the issuer (a container reaching auth-server by service name); the {@code issuer} inside must not.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8414#section-3">RFC 8414 §3</a>
 */
public final class MetadataClient {
    private static final Logger LOG = LoggerFactory.getLogger(MetadataClient.class);
    private static final long REQUEST_TIMEOUT_MS = 5_000;

    private final WebClient client;

    public MetadataClient(WebClient client) {
        this.client = client;
    }

    public Future<AuthServerMetadata> fetch(List<URI> authServerUrls, String expectedIssuer) {
        return attempt(authServerUrls, 0, expectedIssuer);
    }

    private Future<AuthServerMetadata> attempt(List<URI> urls, int index, String expectedIssuer) {
        String url = base(urls.get(index)) + AuthServerMetadata.WELL_KNOWN_PATH;
        return client.getAbs(url)
                .timeout(REQUEST_TIMEOUT_MS)
                .send()
                .compose(response -> {
                    if (response.statusCode() != 200) {
                        return Future.failedFuture("status " + response.statusCode());
                    }
                    try {
                        return Future.succeededFuture(
                                AuthServerMetadata.from(response.bodyAsJsonObject(), expectedIssuer));
                    } catch (RuntimeException e) {
                        return Future.failedFuture(e.getMessage());
                    }
                })
                .recover(e -> {
                    LOG.warn("Metadata from {} unusable: {}", url, e.getMessage());
                    return index + 1 < urls.size() ? attempt(urls, index + 1, expectedIssuer) : Future.failedFuture(e);
                });
    }

    /** The URL without a trailing slash, so paths append cleanly. */
    public static String base(URI url) {
        String s = url.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
