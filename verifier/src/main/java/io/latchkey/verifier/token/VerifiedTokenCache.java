package io.latchkey.verifier.token;

import io.latchkey.verifier.AccessToken;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens whose signature and claims were already checked, so a repeated token costs a hash lookup instead of an RSA
 * verify. Bounded: when full, expired entries go first, then arbitrary ones (a miss only costs a verify). An entry
 * is never returned at or after its token's {@code exp}, and revocation is not cached here: the caller checks the
 * revocation list on every request.
 */
public final class VerifiedTokenCache {
    private final int maxEntries;
    private final Map<String, AccessToken> entries;

    public VerifiedTokenCache(int maxEntries) {
        this.maxEntries = maxEntries;
        this.entries = new ConcurrentHashMap<>(Math.min(maxEntries, 1024) * 2);
    }

    /** The verified token, or null when absent or at or past its {@code exp}. */
    public AccessToken get(String token, long nowSeconds) {
        AccessToken cached = entries.get(token);
        if (cached == null) {
            return null;
        }
        if (nowSeconds >= cached.expiresAt()) {
            entries.remove(token, cached);
            return null;
        }
        return cached;
    }

    public void put(String token, AccessToken verified, long nowSeconds) {
        if (maxEntries <= 0 || nowSeconds >= verified.expiresAt()) {
            return;
        }
        if (entries.size() >= maxEntries) {
            evict(nowSeconds);
        }
        entries.put(token, verified);
    }

    public int size() {
        return entries.size();
    }

    private void evict(long nowSeconds) {
        entries.values().removeIf(t -> nowSeconds >= t.expiresAt());
        // Still full: drop about a tenth; which ones does not matter for correctness.
        Iterator<String> it = entries.keySet().iterator();
        int toDrop = entries.size() - maxEntries + Math.max(1, maxEntries / 10);
        while (toDrop-- > 0 && it.hasNext()) {
            it.next();
            it.remove();
        }
    }
}
