package io.latchkey.auth.metrics;

import io.latchkey.auth.password.PasswordHasher;
import io.vertx.ext.web.Router;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters served as Prometheus text on {@code GET /metrics}: tokens issued per grant, failed and throttled logins,
 * and the Argon2id executor's completed and refused work (which shows hashing runs on its own threads).
 */
public final class AuthMetrics {
    private final Map<String, LongAdder> issued = new ConcurrentHashMap<>();
    private final LongAdder loginFailures = new LongAdder();
    private final LongAdder loginsThrottled = new LongAdder();
    private PasswordHasher hasher;

    public void tokenIssued(String grant) {
        issued.computeIfAbsent(grant, g -> new LongAdder()).increment();
    }

    public void loginFailed() {
        loginFailures.increment();
    }

    public void loginThrottled() {
        loginsThrottled.increment();
    }

    public void watch(PasswordHasher hasher) {
        this.hasher = hasher;
    }

    public void mount(Router router) {
        router.get("/metrics").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                .end(render()));
    }

    public String render() {
        StringBuilder out = new StringBuilder();
        out.append("# TYPE latchkey_tokens_issued_total counter\n");
        issued.forEach((grant, n) -> out.append("latchkey_tokens_issued_total{grant=\"")
                .append(grant)
                .append("\"} ")
                .append(n.sum())
                .append('\n'));
        out.append("# TYPE latchkey_login_failures_total counter\n")
                .append("latchkey_login_failures_total ")
                .append(loginFailures.sum())
                .append('\n');
        out.append("# TYPE latchkey_logins_throttled_total counter\n")
                .append("latchkey_logins_throttled_total ")
                .append(loginsThrottled.sum())
                .append('\n');
        if (hasher != null) {
            out.append("# TYPE latchkey_argon2_operations_total counter\n")
                    .append("latchkey_argon2_operations_total ")
                    .append(hasher.completed())
                    .append('\n');
            out.append("# TYPE latchkey_argon2_rejected_total counter\n")
                    .append("latchkey_argon2_rejected_total ")
                    .append(hasher.rejected())
                    .append('\n');
        }
        return out.toString();
    }
}
