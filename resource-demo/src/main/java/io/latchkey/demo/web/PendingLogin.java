package io.latchkey.demo.web;

import java.time.Instant;

/**
 * One sign-in under way: the {@code state} and {@code nonce} sent with the authorization request and the PKCE
 * verifier that will redeem its code, kept server-side only.
 */
public record PendingLogin(String state, String nonce, Pkce pkce, Instant startedAt) {
    public static PendingLogin start(Instant now) {
        return new PendingLogin(RandomValues.token(), RandomValues.token(), Pkce.create(), now);
    }

    @Override
    public String toString() {
        // Nothing here belongs in a log.
        return "PendingLogin[startedAt=" + startedAt + "]";
    }
}
