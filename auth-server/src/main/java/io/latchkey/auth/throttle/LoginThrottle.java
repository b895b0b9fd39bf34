package io.latchkey.auth.throttle;

import io.vertx.core.Future;
import java.util.OptionalLong;

/**
 * Failed-login counters shared by every replica: per (username, client IP) a back-off that doubles from 1 s up
 * to 15 minutes once 5 failures have accumulated, and per client IP at most 50 failures in 10 minutes. Nothing is
 * keyed on the username alone, so strangers cannot lock a victim out.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-10.10">RFC 6749 §10.10</a>
 */
public interface LoginThrottle {
    int FAILURES_BEFORE_BACKOFF = 5;
    long MAX_BACKOFF_SECONDS = 15 * 60;
    int IP_FAILURES_PER_WINDOW = 50;

    /** Seconds to wait when the attempt must be refused now, empty when it may proceed. */
    Future<OptionalLong> retryAfter(String username, String ip);

    Future<Void> recordFailure(String username, String ip);

    /** A successful login clears the (username, IP) back-off; the per-IP window stays. */
    Future<Void> recordSuccess(String username, String ip);
}
