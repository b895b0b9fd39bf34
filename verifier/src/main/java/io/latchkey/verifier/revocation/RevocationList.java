package io.latchkey.verifier.revocation;

import io.latchkey.verifier.AccessToken;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live revocation entries, looked up on every request. Entries go at their {@code expires_at}; a revoked
 * {@code kid} is remembered for the life of the process, whatever its entry's expiry, so a key once seen revoked is
 * never accepted again.
 */
public final class RevocationList {
    // jti and sid entries are the many (a mass logout puts one sid per session on the list): held compactly.
    private final ExpiryIndex jtis = new ExpiryIndex();
    private final ExpiryIndex sids = new ExpiryIndex();
    private final Map<String, SubjectCutoff> subjects = new ConcurrentHashMap<>();
    private final Set<String> revokedKids = ConcurrentHashMap.newKeySet();

    private record SubjectCutoff(long notBefore, long expiresAt) {}

    /** Adds an entry unless it has already expired; adding the same entry twice changes nothing. */
    public void add(RevocationEntry entry, long nowSeconds) {
        if (entry.type() == RevocationEntry.Type.KID) {
            revokedKids.add(entry.value());
            return;
        }
        if (entry.expiresAt() <= nowSeconds) {
            return;
        }
        switch (entry.type()) {
            case JTI -> jtis.add(entry.value(), entry.expiresAt());
            case SID -> sids.add(entry.value(), entry.expiresAt());
            case SUB ->
                subjects.merge(
                        entry.value(),
                        new SubjectCutoff(entry.notBefore().orElseThrow(), entry.expiresAt()),
                        (a, b) -> new SubjectCutoff(
                                Math.max(a.notBefore(), b.notBefore()), Math.max(a.expiresAt(), b.expiresAt())));
            default -> throw new IllegalStateException();
        }
    }

    /** Whether any live entry matches the token. */
    public boolean isRevoked(AccessToken token, long nowSeconds) {
        if (revokedKids.contains(token.keyId())) {
            return true;
        }
        if (jtis.live(token.jwtId(), nowSeconds)) {
            return true;
        }
        if (token.sessionId().isPresent() && sids.live(token.sessionId().get(), nowSeconds)) {
            return true;
        }
        SubjectCutoff cutoff = subjects.get(token.subject());
        return cutoff != null && cutoff.expiresAt() > nowSeconds && token.issuedAt() < cutoff.notBefore();
    }

    public boolean isKeyRevoked(String kid) {
        return revokedKids.contains(kid);
    }

    /** Drops entries past their {@code expires_at}; revoked kids stay. */
    public void prune(long nowSeconds) {
        jtis.prune(nowSeconds);
        sids.prune(nowSeconds);
        subjects.values().removeIf(cutoff -> cutoff.expiresAt() <= nowSeconds);
    }

    /** Live entries held, revoked kids included. */
    public int size() {
        return jtis.size() + sids.size() + subjects.size() + revokedKids.size();
    }
}
