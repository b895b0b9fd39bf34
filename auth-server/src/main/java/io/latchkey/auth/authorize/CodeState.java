package io.latchkey.auth.authorize;

import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;

/**
 * An authorization code as stored, with its session and user: what the token endpoint checks and signs from. {@code
 * dpopJkt} is the authorization request's {@code dpop_jkt} (RFC 9449 §10), when it had one.
 */
public record CodeState(
        UUID sessionId,
        UUID userId,
        String clientId,
        String redirectUri,
        boolean redirectUriGiven,
        String codeChallenge,
        Optional<String> nonce,
        String scope,
        OffsetDateTime expiresAt,
        boolean used,
        long authTime,
        boolean sessionEnded,
        OffsetDateTime sessionExpiresAt,
        boolean userDisabled,
        long userTokensNotBefore,
        Optional<String> dpopJkt) {

    /** Whether the code, its session and its user are all still good at {@code now}. */
    public boolean usable(OffsetDateTime now) {
        return !used && !sessionEnded && !userDisabled && expiresAt.isAfter(now) && sessionExpiresAt.isAfter(now);
    }
}
