package io.latchkey.auth.introspect;

import io.latchkey.auth.client.Client;
import io.latchkey.auth.jwt.AccessTokenVerifier;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Token introspection for confidential clients: {@code active: true} only for a valid, unrevoked access token
 * whose audience contains the caller or that was issued to the caller; {@code {"active": false}} for anything
 * else, including refresh tokens, so the answer never tells a stranger what a token is.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7662#section-2.2">RFC 7662 §2.2</a>
 */
public final class Introspection {
    private static final String[] CLAIMS = {
        "scope", "client_id", "sub", "aud", "iss", "exp", "iat", "jti", "sid", "auth_time"
    };

    private final AccessTokenVerifier verifier;

    public Introspection(AccessTokenVerifier verifier) {
        this.verifier = verifier;
    }

    public Future<JsonObject> introspect(Client caller, String token) {
        return verifier.verify(token).map(verified -> {
            if (verified.isEmpty()) {
                return inactive();
            }
            JsonObject claims = verified.get();
            boolean forCaller = AccessTokenVerifier.hasAudience(claims, caller.clientId())
                    || caller.clientId().equals(claims.getValue("client_id"));
            if (!forCaller) {
                return inactive();
            }
            JsonObject body = new JsonObject().put("active", true).put("token_type", "Bearer");
            for (String name : CLAIMS) {
                if (claims.containsKey(name)) {
                    body.put(name, claims.getValue(name));
                }
            }
            return body;
        });
    }

    private static JsonObject inactive() {
        return new JsonObject().put("active", false);
    }
}
