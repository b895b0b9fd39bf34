package io.latchkey.auth.session;

import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;

/**
 * A refresh token's row with its session's and its user's: read under the session's row lock or not, as the method
 * that returns it says. {@code dpopJkt} is the DPoP key a public client's token is bound to, if any.
 */
public record RefreshTokenState(
        UUID sessionId,
        UUID userId,
        String clientId,
        String scope,
        long authTime,
        OffsetDateTime sessionExpiresAt,
        boolean sessionEnded,
        OffsetDateTime tokenExpiresAt,
        boolean used,
        boolean userDisabled,
        long userTokensNotBefore,
        Optional<String> dpopJkt) {}
