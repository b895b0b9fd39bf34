package io.latchkey.auth.browser;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;

/** Browser sessions: sessions found by the hash of their cookie. */
public interface BrowserSessionRepository {
    /** The session the cookie hash names, when it is open, unexpired at {@code now} and its user enabled. */
    Future<Optional<BrowserSession>> findOpen(SqlClient sql, byte[] cookieHash, OffsetDateTime now);

    /** Opens a browser session for {@code clientId}, the client whose sign-in started it. */
    Future<Void> open(
            SqlClient sql,
            UUID sessionId,
            UUID userId,
            String clientId,
            String scope,
            long authTime,
            OffsetDateTime expiresAt,
            byte[] cookieHash);

    /**
     * Records a fresh sign-in on an open session of {@code userId}: a new {@code auth_time} and a new cookie (the
     * old one stops working, so a cookie planted before the sign-in is useless after it). False when the session
     * is not open or not that user's.
     */
    Future<Boolean> renew(SqlClient sql, UUID sessionId, UUID userId, long authTime, byte[] cookieHash);
}
