package io.latchkey.demo.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.verifier.SignedJwt;
import io.latchkey.verifier.TokenRejected;
import io.latchkey.verifier.VerifierUnavailable;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Back-channel logouts acted on, or not, with a stand-in for the verifier's signature check: no network. */
class BackChannelLogoutTest {
    private final TestClock clock = TestClock.atEpochSecond(1_700_000_000);
    private final SessionStore sessions = new SessionStore(clock, 10);
    private final Map<String, JsonObject> signed = new HashMap<>(); // token -> claims of a logout+jwt
    private Future<SignedJwt> verifierAnswer;
    private final BackChannelLogout logout = new BackChannelLogout(
            WebCookiesTest.settings("http://localhost:8082"),
            (token, typ) -> {
                if (verifierAnswer != null) {
                    return verifierAnswer;
                }
                JsonObject claims = signed.get(token);
                return claims != null && typ.equals(IssuerSignatures.LOGOUT_TOKEN)
                        ? Future.succeededFuture(new SignedJwt("kid-1", "RS256", claims))
                        : Future.failedFuture(new TokenRejected(TokenRejected.Reason.BAD_SIGNATURE, "no"));
            },
            sessions,
            new SeenTokenIds(clock, 10),
            clock);

    private String token(JsonObject claims) {
        String token = "logout-token-" + signed.size();
        signed.put(token, claims);
        return token;
    }

    private JsonObject claims() {
        return LogoutTokenClaimsTest.claims(clock.instant());
    }

    private Throwable failure(String token) {
        Future<Integer> result = logout.accept(token);
        assertTrue(result.failed(), "must not be acted on");
        return result.cause();
    }

    @Test
    void acceptWhenValidThenTheSessionsOfItsSidAndSubEnd() {
        SessionStore.Created mine = sessions.create(SessionStoreTest.signedIn("sub-1", "sid-1"));
        SessionStore.Created sameSidOtherUser = sessions.create(SessionStoreTest.signedIn("sub-2", "sid-1"));
        SessionStore.Created otherSid = sessions.create(SessionStoreTest.signedIn("sub-1", "sid-2"));

        assertEquals(1, logout.accept(token(claims())).result());

        assertTrue(sessions.find(mine.cookieValue()).isEmpty());
        assertTrue(sessions.find(sameSidOtherUser.cookieValue()).isPresent());
        assertTrue(sessions.find(otherSid.cookieValue()).isPresent());
    }

    @Test
    void acceptWhenOnlyASubThenEverySessionOfThatUserEnds() {
        sessions.create(SessionStoreTest.signedIn("sub-1", "sid-1"));
        sessions.create(SessionStoreTest.signedIn("sub-1", "sid-2"));
        SessionStore.Created other = sessions.create(SessionStoreTest.signedIn("sub-2", "sid-3"));
        JsonObject claims = claims();
        claims.remove("sid");

        assertEquals(2, logout.accept(token(claims)).result());
        assertTrue(sessions.find(other.cookieValue()).isPresent());
    }

    @Test
    void acceptWhenNoSessionMatchesThenStillASuccess() {
        assertEquals(0, logout.accept(token(claims())).result());
    }

    @Test
    void acceptWhenTheJtiWasActedOnBeforeThenInvalidAndNothingEnds() {
        String token = token(claims());
        logout.accept(token);
        SessionStore.Created again = sessions.create(SessionStoreTest.signedIn("sub-1", "sid-1"));

        assertInstanceOf(BackChannelLogout.Invalid.class, failure(token));
        assertInstanceOf(BackChannelLogout.Invalid.class, failure(token(claims())), "another token, same jti");
        assertTrue(sessions.find(again.cookieValue()).isPresent());
    }

    @Test
    void acceptWhenTheClaimsAreWrongThenInvalidNothingEndsAndTheJtiIsNotSpent() {
        SessionStore.Created session = sessions.create(SessionStoreTest.signedIn("sub-1", "sid-1"));

        assertInstanceOf(BackChannelLogout.Invalid.class, failure(token(claims().put("nonce", "n"))));
        assertInstanceOf(BackChannelLogout.Invalid.class, failure(token(claims().put("aud", "another-client"))));
        assertTrue(sessions.find(session.cookieValue()).isPresent());
        assertEquals(1, logout.accept(token(claims())).result(), "the refused tokens spent no jti");
    }

    @Test
    void acceptWhenTheSignatureOrTypeIsRefusedThenInvalid() {
        assertInstanceOf(BackChannelLogout.Invalid.class, failure("not-signed-by-the-issuer"));
        assertInstanceOf(BackChannelLogout.Invalid.class, failure(""));
        assertInstanceOf(BackChannelLogout.Invalid.class, failure(null));
    }

    @Test
    void acceptWhenTheVerifierCannotVouchForKeysThenUnavailableNotInvalid() {
        verifierAnswer = Future.failedFuture(new VerifierUnavailable("feed silent"));

        assertInstanceOf(VerifierUnavailable.class, failure(token(claims())));
    }
}
