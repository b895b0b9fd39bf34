package io.latchkey.keys.keys;

import io.latchkey.keys.crypto.SigningAlgorithm;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One key ring per configured signing algorithm ({@code LATCHKEY_SIGNING_ALGS}), each with its own stored keys,
 * life, rotation tick, generation lock and emergency revocation: rotating or revoking in one ring never touches
 * another's keys, and each replica picks each ring's active key from the stored times alone. The JWKS lists every
 * ring's published keys.
 */
public final class KeyRings {
    /** One algorithm's parts. */
    public record Ring(SigningAlgorithm algorithm, KeyRing keys, KeyLifecycle lifecycle, KeyRepository repository) {}

    private final Map<SigningAlgorithm, Ring> rings;

    /** {@code rings} in the order the JWKS lists them (RS256 first). */
    public KeyRings(List<Ring> rings) {
        Map<SigningAlgorithm, Ring> byAlg = new EnumMap<>(SigningAlgorithm.class);
        rings.forEach(ring -> byAlg.put(ring.algorithm(), ring));
        if (!byAlg.containsKey(SigningAlgorithm.RS256)) {
            throw new IllegalArgumentException("the RS256 ring is always present");
        }
        this.rings = byAlg;
    }

    public Set<SigningAlgorithm> algorithms() {
        return rings.keySet();
    }

    /** The ring of {@code alg}, if configured. */
    public Optional<Ring> ring(SigningAlgorithm alg) {
        return Optional.ofNullable(rings.get(alg));
    }

    public Instant now() {
        return rings.get(SigningAlgorithm.RS256).keys().now();
    }

    /**
     * Starts each ring in turn (its KEK check, its first key, its rotation tick), then each ring's periodic
     * re-read. A ring that fails stops the start.
     */
    public Future<Void> start(Duration refreshInterval, KeyEvents events) {
        Future<Void> chain = Future.succeededFuture();
        for (Ring ring : rings.values()) {
            chain = chain.compose(v -> ring.lifecycle().start());
        }
        return chain.onSuccess(v -> rings.values().forEach(ring -> ring.keys().start(refreshInterval, events)));
    }

    public void stop() {
        rings.values().forEach(ring -> {
            ring.lifecycle().stop();
            ring.keys().stop();
        });
    }

    /** The key of {@code alg}'s ring that signs at {@code now}, if the ring exists and this replica holds one. */
    public Optional<SigningKey> signingKeyAt(SigningAlgorithm alg, Instant now) {
        Ring ring = rings.get(alg);
        return ring == null ? Optional.empty() : ring.keys().signingKeyAt(now);
    }

    /** Whether every ring has a key signing at {@code now}. */
    public boolean allSignAt(Instant now) {
        return rings.values().stream()
                .allMatch(ring -> ring.keys().signingKeyAt(now).isPresent());
    }

    /** The keys in the JWKS at {@code now}: ring by ring (RS256 first), each oldest activation first. */
    public List<KeyRecord> publishedAt(Instant now) {
        List<KeyRecord> published = new ArrayList<>();
        rings.values().forEach(ring -> published.addAll(ring.keys().publishedAt(now)));
        return published;
    }

    /** Rotates {@code alg}'s ring, which the caller has checked exists. */
    public Future<KeyRecord> rotate(SigningAlgorithm alg) {
        return rings.get(alg).lifecycle().rotate();
    }

    /**
     * Revokes {@code kid} in whichever ring holds it (a kid is a thumbprint, so at most one does); if it was that
     * ring's signing key, that ring's next key takes over. Not found in any ring: {@code NOT_FOUND}.
     */
    public Future<RevocationOutcome> revoke(String kid) {
        Future<RevocationOutcome> chain =
                Future.succeededFuture(RevocationOutcome.of(RevocationOutcome.Status.NOT_FOUND));
        for (Ring ring : rings.values()) {
            chain = chain.compose(outcome -> outcome.status() == RevocationOutcome.Status.NOT_FOUND
                    ? ring.lifecycle().revoke(kid)
                    : Future.succeededFuture(outcome));
        }
        return chain;
    }

    /** Every stored key of every ring, newest activation first, for {@code GET /internal/keys}. */
    public Future<List<KeyRecord>> all() {
        List<Future<List<KeyRecord>>> each = new ArrayList<>();
        rings.values().forEach(ring -> each.add(ring.repository().all()));
        return Future.all(each).map(done -> {
            List<KeyRecord> keys = new ArrayList<>();
            each.forEach(f -> keys.addAll(f.result()));
            keys.sort(Comparator.comparing(KeyRecord::activateAt).reversed().thenComparing(KeyRecord::kid));
            return keys;
        });
    }
}
