package io.latchkey.verifier.discovery;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * The three fields of the authorization server's metadata a verifier uses. The {@code issuer} must equal the
 * configured one exactly, or the metadata is refused (it could be an impostor's).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8414#section-3.3">RFC 8414 §3.3</a>
 */
public record AuthServerMetadata(String issuer, URI jwksUri, URI revocationListEndpoint) {
    public static final String WELL_KNOWN_PATH = "/.well-known/oauth-authorization-server";

    public static AuthServerMetadata from(JsonObject json, String expectedIssuer) {
        if (!expectedIssuer.equals(json.getValue("issuer"))) {
            throw new IllegalArgumentException("metadata issuer does not equal " + expectedIssuer);
        }
        return new AuthServerMetadata(expectedIssuer, uri(json, "jwks_uri"), uri(json, "revocation_list_endpoint"));
    }

    private static URI uri(JsonObject json, String field) {
        if (!(json.getValue(field) instanceof String value)) {
            throw new IllegalArgumentException("metadata lacks " + field);
        }
        try {
            URI uri = new URI(value);
            if (!uri.isAbsolute()) {
                throw new IllegalArgumentException("metadata " + field + " is not absolute");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("metadata " + field + " is not a URL");
        }
    }
}
