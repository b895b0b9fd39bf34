package io.latchkey.auth.metrics;

import io.latchkey.auth.backchannel.BackchannelDelivery;
import io.latchkey.auth.feed.RevocationFeed;
import io.latchkey.auth.password.PasswordHasher;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * auth-server's own meters, registered in the service's Micrometer registry and so served with the HTTP server
 * metrics at {@code GET /metrics}: token requests by grant and outcome ({@code issued} or the RFC 6749 error
 * code), failed and throttled logins, refresh-token reuse detections, the Argon2id executor's completed and refused
 * work (which shows hashing runs on its own threads), revocation entries appended by type and the revocation feed's
 * subscribers. Labels take values from
 * small fixed sets only; nothing here names a client, a user or a token.
 *
 * @see <a href="https://prometheus.io/docs/practices/naming/">Prometheus metric naming</a>
 */
public final class AuthMetrics {
    private final MeterRegistry registry;
    private final Counter loginFailures;
    private final Counter loginsThrottled;
    private final Counter refreshReuse;
    private final Counter codeReplay;

    public AuthMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.loginFailures = Counter.builder("latchkey.login.failures")
                .description("Password logins refused for bad credentials or a disabled user")
                .register(registry);
        this.loginsThrottled = Counter.builder("latchkey.logins.throttled")
                .description("Password logins refused by the back-off before any hashing")
                .register(registry);
        this.refreshReuse = Counter.builder("latchkey.refresh.reuse")
                .description("Already-used refresh tokens presented again (each ends its session)")
                .register(registry);
        this.codeReplay = Counter.builder("latchkey.code.replay")
                .description("Authorization codes presented a second time (each ends its session)")
                .register(registry);
    }

    /** Meters that no one scrapes: for code paths built without a service registry. */
    public AuthMetrics() {
        this(new SimpleMeterRegistry());
    }

    /** One token request of {@code grant}: {@code outcome} is {@code issued} or the RFC 6749 error code. */
    public void tokenRequest(String grant, String outcome) {
        Counter.builder("latchkey.tokens.issued")
                .description("Token endpoint requests by grant type and outcome")
                .tag("grant", grant)
                .tag("outcome", outcome)
                .register(registry)
                .increment();
    }

    public void loginFailed() {
        loginFailures.increment();
    }

    public void loginThrottled() {
        loginsThrottled.increment();
    }

    public void refreshReuseDetected() {
        refreshReuse.increment();
    }

    public void codeReplayDetected() {
        codeReplay.increment();
    }

    /** Sessions ended by background logout jobs (mass logout), batch by batch. */
    public void logoutJobSessionsEnded(int count) {
        Counter.builder("latchkey.logout.jobs.sessions.ended")
                .description("Sessions ended by background logout jobs")
                .register(registry)
                .increment(count);
    }

    /**
     * One revocation entry of {@code type} ({@code jti}, {@code sid} or {@code sub}) appended; counted when the
     * statement succeeds, so an entry whose transaction later rolls back is counted too.
     */
    public void revocationAppended(String type) {
        Counter.builder("latchkey.revocation.entries")
                .description("Revocation entries appended by this replica, by type")
                .tag("type", type)
                .register(registry)
                .increment();
    }

    public void watch(PasswordHasher hasher) {
        FunctionCounter.builder("latchkey.argon2.operations", hasher, h -> h.completed())
                .description("Argon2id hashes and verifications completed")
                .register(registry);
        FunctionCounter.builder("latchkey.argon2.rejected", hasher, h -> h.rejected())
                .description("Argon2id work refused because the hashing queue was full")
                .register(registry);
        Gauge.builder("latchkey.argon2.in.flight", hasher, PasswordHasher::inFlight)
                .description("Argon2id hashes and verifications running or queued")
                .register(registry);
    }

    /** The back-channel logout outbox: deliveries pending (as last counted), delivered, abandoned, failed attempts. */
    public void watch(BackchannelDelivery delivery) {
        Gauge.builder("latchkey.backchannel.pending", delivery, BackchannelDelivery::pending)
                .description(
                        "Back-channel logout deliveries neither delivered nor abandoned (counted every few seconds)")
                .register(registry);
        FunctionCounter.builder("latchkey.backchannel.delivered", delivery, BackchannelDelivery::delivered)
                .description("Logout tokens an app answered with 2xx")
                .register(registry);
        FunctionCounter.builder("latchkey.backchannel.abandoned", delivery, BackchannelDelivery::abandoned)
                .description("Back-channel logout deliveries given up after the retry bound")
                .register(registry);
        FunctionCounter.builder("latchkey.backchannel.failed.attempts", delivery, BackchannelDelivery::failedAttempts)
                .description("Back-channel logout attempts that failed and will be retried or abandoned")
                .register(registry);
    }

    public void watch(RevocationFeed feed) {
        Gauge.builder("latchkey.revocation.feed.subscribers", feed, RevocationFeed::subscriberCount)
                .description("Open revocation streams on this replica")
                .register(registry);
        FunctionCounter.builder("latchkey.revocation.feed.dropped", feed, RevocationFeed::droppedStreams)
                .description("Revocation streams closed because the client could not keep up (it resumes with"
                        + " Last-Event-ID)")
                .register(registry);
    }
}
