package io.latchkey.auth.backchannel;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * One logout token to deliver: to {@code uri} of {@code clientId}, for session {@code sessionId}, signed with the
 * client's algorithm as it is when the delivery is claimed.
 */
public record Delivery(
        long id,
        UUID sessionId,
        String clientId,
        String subject,
        String uri,
        String jti,
        int attempts,
        OffsetDateTime createdAt,
        String signingAlg) {}
