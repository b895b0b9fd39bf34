package io.latchkey.verifier.http;

import io.latchkey.verifier.AccessToken;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Admits a request whose verified token (see {@link BearerAuthHandler}) holds every required scope, and answers 403
 * {@code insufficient_scope} naming them otherwise.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6750#section-3.1">RFC 6750 §3.1</a>
 */
public final class ScopeHandler implements Handler<RoutingContext> {
    private final Set<String> required;
    private final String scopeAttribute;
    private final String realm;

    private ScopeHandler(String realm, Set<String> required) {
        this.realm = realm;
        this.required = Set.copyOf(required);
        this.scopeAttribute = String.join(" ", required);
    }

    /** A handler requiring every scope in {@code scopes}. */
    public static ScopeHandler require(String realm, String... scopes) {
        return new ScopeHandler(realm, new LinkedHashSet<>(Arrays.asList(scopes)));
    }

    @Override
    public void handle(RoutingContext ctx) {
        AccessToken token = BearerAuthHandler.accessToken(ctx);
        if (token.hasScopes(required)) {
            ctx.next();
        } else {
            BearerErrors.insufficientScope(ctx, realm, scopeAttribute);
        }
    }
}
