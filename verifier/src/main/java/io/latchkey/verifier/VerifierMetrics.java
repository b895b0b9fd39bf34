package io.latchkey.verifier;

import io.latchkey.common.dpop.DpopProofRejected;
import io.latchkey.verifier.jwks.JwksCache;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of what the verifier decided, rendered in the Prometheus text format for an app's {@code GET /metrics}.
 * {@link LongAdder}s keep the per-request cost to a few nanoseconds on any event loop.
 *
 * @see <a href="https://prometheus.io/docs/instrumenting/exposition_formats/">Prometheus exposition format</a>
 */
public final class VerifierMetrics {
    private final LongAdder verified = new LongAdder();
    private final LongAdder cached = new LongAdder();
    private final LongAdder unavailable = new LongAdder();
    private final Map<TokenRejected.Reason, LongAdder> rejected = new EnumMap<>(TokenRejected.Reason.class);
    private final Map<JwksCache.Refresh, LongAdder> jwksRefreshes = new EnumMap<>(JwksCache.Refresh.class);
    private final LongAdder dpopAccepted = new LongAdder();
    private final Map<DpopProofRejected.Reason, LongAdder> dpopRejected = new EnumMap<>(DpopProofRejected.Reason.class);

    VerifierMetrics() {
        for (TokenRejected.Reason reason : TokenRejected.Reason.values()) {
            rejected.put(reason, new LongAdder());
        }
        for (JwksCache.Refresh outcome : JwksCache.Refresh.values()) {
            jwksRefreshes.put(outcome, new LongAdder());
        }
        for (DpopProofRejected.Reason reason : DpopProofRejected.Reason.values()) {
            dpopRejected.put(reason, new LongAdder());
        }
    }

    void dpopAccepted() {
        dpopAccepted.increment();
    }

    void dpopRejected(DpopProofRejected.Reason reason) {
        dpopRejected.get(reason).increment();
    }

    /** DPoP proofs accepted so far. */
    public long dpopProofsAccepted() {
        return dpopAccepted.sum();
    }

    /** DPoP proofs refused for {@code reason} so far. */
    public long dpopProofsRejected(DpopProofRejected.Reason reason) {
        return dpopRejected.get(reason).sum();
    }

    void jwksRefreshed(JwksCache.Refresh outcome) {
        jwksRefreshes.get(outcome).increment();
    }

    public long jwksRefreshes(JwksCache.Refresh outcome) {
        return jwksRefreshes.get(outcome).sum();
    }

    void verified() {
        verified.increment();
    }

    void cached() {
        cached.increment();
    }

    void unavailable() {
        unavailable.increment();
    }

    void rejected(TokenRejected.Reason reason) {
        rejected.get(reason).increment();
    }

    /** The counters and the given gauges as Prometheus text. */
    String render(boolean ready, int keys, int revocationEntries) {
        StringBuilder out = new StringBuilder(1024);
        out.append("# HELP latchkey_verifier_tokens_total Bearer tokens checked, by outcome.\n")
                .append("# TYPE latchkey_verifier_tokens_total counter\n");
        line(out, "latchkey_verifier_tokens_total{outcome=\"verified\"}", verified.sum());
        line(out, "latchkey_verifier_tokens_total{outcome=\"cached\"}", cached.sum());
        for (Map.Entry<TokenRejected.Reason, LongAdder> e : rejected.entrySet()) {
            line(
                    out,
                    "latchkey_verifier_tokens_total{outcome=\"rejected\",reason=\""
                            + e.getKey().name().toLowerCase(Locale.ROOT) + "\"}",
                    e.getValue().sum());
        }
        out.append("# HELP latchkey_verifier_dpop_proofs_total DPoP proofs checked, by result.\n")
                .append("# TYPE latchkey_verifier_dpop_proofs_total counter\n");
        line(out, "latchkey_verifier_dpop_proofs_total{result=\"accepted\"}", dpopAccepted.sum());
        for (Map.Entry<DpopProofRejected.Reason, LongAdder> e : dpopRejected.entrySet()) {
            line(
                    out,
                    "latchkey_verifier_dpop_proofs_total{result=\""
                            + e.getKey().name().toLowerCase(Locale.ROOT) + "\"}",
                    e.getValue().sum());
        }
        out.append(
                        "# HELP latchkey_verifier_unavailable_total Requests answered 503 because the verifier was not ready.\n")
                .append("# TYPE latchkey_verifier_unavailable_total counter\n");
        line(out, "latchkey_verifier_unavailable_total", unavailable.sum());
        out.append("# HELP latchkey_verifier_jwks_refreshes_total JWKS fetches, by outcome.\n")
                .append("# TYPE latchkey_verifier_jwks_refreshes_total counter\n");
        for (Map.Entry<JwksCache.Refresh, LongAdder> e : jwksRefreshes.entrySet()) {
            line(
                    out,
                    "latchkey_verifier_jwks_refreshes_total{outcome=\""
                            + e.getKey().name().toLowerCase(Locale.ROOT) + "\"}",
                    e.getValue().sum());
        }
        out.append("# HELP latchkey_verifier_ready Whether keys and revocation list are current.\n")
                .append("# TYPE latchkey_verifier_ready gauge\n");
        line(out, "latchkey_verifier_ready", ready ? 1 : 0);
        out.append("# HELP latchkey_verifier_jwks_keys Signing keys known.\n")
                .append("# TYPE latchkey_verifier_jwks_keys gauge\n");
        line(out, "latchkey_verifier_jwks_keys", keys);
        out.append("# HELP latchkey_verifier_revocation_entries Live revocation entries and revoked keys held.\n")
                .append("# TYPE latchkey_verifier_revocation_entries gauge\n");
        line(out, "latchkey_verifier_revocation_entries", revocationEntries);
        return out.toString();
    }

    private static void line(StringBuilder out, String name, long value) {
        out.append(name).append(' ').append(value).append('\n');
    }
}
