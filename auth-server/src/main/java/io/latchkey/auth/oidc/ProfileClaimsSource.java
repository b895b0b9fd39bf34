package io.latchkey.auth.oidc;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/** The profile and email claims a user's granted scopes allow (OpenID Connect Core §5.4). */
@FunctionalInterface
public interface ProfileClaimsSource {
    ProfileClaimsSource NONE = (userId, scope) -> Future.succeededFuture(new JsonObject());

    Future<JsonObject> claims(UUID userId, String scope);
}
