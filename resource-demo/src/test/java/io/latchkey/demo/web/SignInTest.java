package io.latchkey.demo.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.demo.web.SignInProblem.Reason;
import io.latchkey.verifier.SignedJwt;
import io.latchkey.verifier.TokenRejected;
import io.latchkey.verifier.VerifierUnavailable;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The callback's checks, in order, with a stand-in authorization server: no network. */
class SignInTest {
    private static final String ISSUER = "http://localhost:8080";

    private final TestClock clock = TestClock.atEpochSecond(1_700_000_000);
    private final PendingLogins pending = new PendingLogins(clock, 100);
    private final FakeAuthServer authServer = new FakeAuthServer();
    /** The claims the stand-in verifier finds in the ID token; null: as auth-server issues them for the sign-in. */
    private JsonObject idClaims;
    /** What the stand-in verifier answers instead, when set. */
    private Future<SignedJwt> signatureAnswer;

    private final IssuerSignatures signatures = (jwt, typ) -> {
        if (signatureAnswer != null) {
            return signatureAnswer;
        }
        if (!jwt.equals("id-token") || !typ.equals("JWT")) {
            return Future.failedFuture(new TokenRejected(TokenRejected.Reason.WRONG_TYPE, "not the ID token"));
        }
        JsonObject claims = idClaims != null
                ? idClaims
                : IdTokenClaimsTest.claims(clock.instant(), lastLogin().nonce(), "at");
        return Future.succeededFuture(new SignedJwt("kid-1", "RS256", claims));
    };

    private final SignIn signIn = new SignIn(
            WebCookiesTest.settings("http://localhost:8082"),
            pending,
            authServer,
            signatures,
            accessToken -> accessToken.equals("at") ? Future.succeededFuture("user-1") : Future.failedFuture("?"),
            clock);

    /** Records what it was asked; answers with a fixed token response. */
    static final class FakeAuthServer implements AuthServer {
        final List<PendingLogin> authorized = new ArrayList<>();
        final List<String> redeemed = new ArrayList<>();
        Optional<String> idToken = Optional.of("id-token");
        Future<Tokens> answer;

        @Override
        public String authorizationUrl(PendingLogin login) {
            authorized.add(login);
            return ISSUER + "/oauth2/authorize?state=" + login.state();
        }

        @Override
        public Future<Tokens> redeem(String code, PendingLogin login, Instant now) {
            redeemed.add(code + " " + login.pkce().verifier());
            return answer != null
                    ? answer
                    : Future.succeededFuture(
                            new Tokens("at", now.plusSeconds(300), Optional.of("rt"), "notes:read", idToken));
        }

        @Override
        public Future<Tokens> refresh(Tokens current, Instant now) {
            throw new UnsupportedOperationException();
        }
    }

    private PendingLogin lastLogin() {
        return authServer.authorized.get(authServer.authorized.size() - 1);
    }

    private PendingLogin started(String browserKey) {
        SignIn.Start start = signIn.start(browserKey);
        assertEquals(browserKey, start.browserKey());
        return authServer.authorized.get(authServer.authorized.size() - 1);
    }

    private static CallbackParams callback(String... pairs) {
        MultiMap query = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < pairs.length; i += 2) {
            query.add(pairs[i], pairs[i + 1]);
        }
        return CallbackParams.from(query);
    }

    private static SignInProblem problem(Future<SignedIn> result) {
        assertTrue(result.failed(), "the sign-in must not complete");
        return assertInstanceOf(SignInProblem.class, result.cause());
    }

    private static final String BROWSER = "b".repeat(43);

    @Test
    void completeWhenStateAndIssuerMatchThenCodeRedeemedWithTheVerifierAndUserSignedIn() {
        PendingLogin login = started(BROWSER);

        Future<SignedIn> result =
                signIn.complete(BROWSER, callback("code", "the-code", "state", login.state(), "iss", ISSUER));

        assertEquals(List.of("the-code " + login.pkce().verifier()), authServer.redeemed);
        SignedIn signedIn = result.result();
        assertEquals("user-1", signedIn.subject());
        assertEquals("Alice Example", signedIn.displayName());
        assertEquals(Optional.of("sid-1"), signedIn.sessionId());
        assertEquals("at", signedIn.tokens().accessToken());
        assertEquals(Optional.of("id-token"), signedIn.tokens().idToken());
    }

    @Test
    void completeWhenIssuerIsAnotherServerThenRejectedBeforeAnyCodeIsSentAndTheStateIsSpent() {
        PendingLogin login = started(BROWSER);

        SignInProblem wrong = problem(signIn.complete(
                BROWSER, callback("code", "the-code", "state", login.state(), "iss", "https://evil.example")));

        assertEquals(Reason.WRONG_ISSUER, wrong.reason());
        assertTrue(authServer.redeemed.isEmpty(), "a mix-up never sends the code anywhere");
        SignInProblem replay =
                problem(signIn.complete(BROWSER, callback("code", "the-code", "state", login.state(), "iss", ISSUER)));
        assertEquals(Reason.UNKNOWN_STATE, replay.reason());
    }

    @Test
    void completeWhenIssuerMissingThenRejected() {
        PendingLogin login = started(BROWSER);

        assertEquals(
                Reason.WRONG_ISSUER,
                problem(signIn.complete(BROWSER, callback("code", "the-code", "state", login.state())))
                        .reason());
        assertTrue(authServer.redeemed.isEmpty());
    }

    @Test
    void completeWhenIssuerDiffersOnlyByTrailingSlashThenRejected() {
        PendingLogin login = started(BROWSER);

        assertEquals(
                Reason.WRONG_ISSUER,
                problem(signIn.complete(BROWSER, callback("code", "c", "state", login.state(), "iss", ISSUER + "/")))
                        .reason());
    }

    @Test
    void completeWhenStateUnknownThenRejected() {
        started(BROWSER);

        assertEquals(
                Reason.UNKNOWN_STATE,
                problem(signIn.complete(BROWSER, callback("code", "c", "state", "forged", "iss", ISSUER)))
                        .reason());
        assertEquals(
                Reason.UNKNOWN_STATE,
                problem(signIn.complete(BROWSER, callback("code", "c", "iss", ISSUER)))
                        .reason());
        assertTrue(authServer.redeemed.isEmpty());
    }

    @Test
    void completeWhenAnotherBrowserBringsTheResponseThenRejected() {
        PendingLogin login = started(BROWSER);

        assertEquals(
                Reason.UNKNOWN_STATE,
                problem(signIn.complete("a".repeat(43), callback("code", "c", "state", login.state(), "iss", ISSUER)))
                        .reason());
        assertEquals(
                Reason.UNKNOWN_STATE,
                problem(signIn.complete(null, callback("code", "c", "state", login.state(), "iss", ISSUER)))
                        .reason());
    }

    @Test
    void completeWhenStateExpiredThenRejected() {
        PendingLogin login = started(BROWSER);
        clock.advance(PendingLogins.TIME_TO_LIVE);

        assertEquals(
                Reason.UNKNOWN_STATE,
                problem(signIn.complete(BROWSER, callback("code", "c", "state", login.state(), "iss", ISSUER)))
                        .reason());
    }

    @Test
    void completeWhenErrorResponseThenDeniedWithTheServersWordsAndNoCodeRedeemed() {
        PendingLogin login = started(BROWSER);

        SignInProblem denied = problem(signIn.complete(
                BROWSER,
                callback(
                        "error",
                        "access_denied",
                        "error_description",
                        "The user declined",
                        "state",
                        login.state(),
                        "iss",
                        ISSUER)));

        assertEquals(Reason.DENIED, denied.reason());
        assertEquals("access_denied", denied.error());
        assertEquals("The user declined", denied.description());
        assertTrue(authServer.redeemed.isEmpty());
    }

    @Test
    void completeWhenErrorResponseNamesAnotherIssuerThenWrongIssuer() {
        PendingLogin login = started(BROWSER);

        assertEquals(
                Reason.WRONG_ISSUER,
                problem(signIn.complete(
                                BROWSER,
                                callback(
                                        "error",
                                        "access_denied",
                                        "state",
                                        login.state(),
                                        "iss",
                                        "https://evil.example")))
                        .reason());
    }

    @Test
    void completeWhenAParameterIsRepeatedThenMalformed() {
        PendingLogin login = started(BROWSER);

        assertEquals(
                Reason.MALFORMED,
                problem(signIn.complete(
                                BROWSER, callback("code", "a", "code", "b", "state", login.state(), "iss", ISSUER)))
                        .reason());
        assertEquals(
                Reason.MALFORMED,
                problem(signIn.complete(BROWSER, callback("state", login.state(), "iss", ISSUER)))
                        .reason());
    }

    @Test
    void completeWhenTheCodeIsRefusedThenFailed() {
        PendingLogin login = started(BROWSER);
        authServer.answer = Future.failedFuture(new AuthServer.Refused("invalid_grant", "code used"));

        assertEquals(
                Reason.FAILED,
                problem(signIn.complete(BROWSER, callback("code", "c", "state", login.state(), "iss", ISSUER)))
                        .reason());
    }

    @Test
    void completeWhenTheAuthServerIsDownThenUnavailable() {
        PendingLogin login = started(BROWSER);
        authServer.answer = Future.failedFuture(new AuthServer.Unavailable("connection refused", null));

        assertEquals(
                Reason.UNAVAILABLE,
                problem(signIn.complete(BROWSER, callback("code", "c", "state", login.state(), "iss", ISSUER)))
                        .reason());
    }

    @Test
    void completeWhenTheIdTokenCarriesAnotherNonceThenRejected() {
        PendingLogin login = started(BROWSER);
        idClaims = IdTokenClaimsTest.claims(clock.instant(), "another-sign-ins-nonce", "at");

        assertEquals(
                Reason.REJECTED,
                problem(signIn.complete(BROWSER, callback("code", "c", "state", login.state(), "iss", ISSUER)))
                        .reason());
        assertTrue(login.nonce().matches("[A-Za-z0-9_-]{43}"));
    }

    @Test
    void completeWhenTheIdTokensAtHashIsAnotherAccessTokensThenRejected() {
        PendingLogin login = started(BROWSER);
        idClaims = IdTokenClaimsTest.claims(clock.instant(), login.nonce(), "another-access-token");

        assertEquals(
                Reason.REJECTED,
                problem(signIn.complete(BROWSER, callback("code", "c", "state", login.state(), "iss", ISSUER)))
                        .reason());
    }

    @Test
    void completeWhenTheIdTokenIsForAnotherClientThenRejected() {
        PendingLogin login = started(BROWSER);
        idClaims =
                IdTokenClaimsTest.claims(clock.instant(), login.nonce(), "at").put("aud", "demo-app");

        assertEquals(
                Reason.REJECTED,
                problem(signIn.complete(BROWSER, callback("code", "c", "state", login.state(), "iss", ISSUER)))
                        .reason());
    }

    @Test
    void completeWhenTheIdTokenNamesAnotherUserThanTheApiThenRejected() {
        PendingLogin login = started(BROWSER);
        idClaims =
                IdTokenClaimsTest.claims(clock.instant(), login.nonce(), "at").put("sub", "user-2");

        assertEquals(
                Reason.REJECTED,
                problem(signIn.complete(BROWSER, callback("code", "c", "state", login.state(), "iss", ISSUER)))
                        .reason());
    }

    @Test
    void completeWhenTheIdTokensSignatureIsRefusedThenRejected() {
        PendingLogin login = started(BROWSER);
        signatureAnswer = Future.failedFuture(new TokenRejected(TokenRejected.Reason.BAD_SIGNATURE, "forged"));

        assertEquals(
                Reason.REJECTED,
                problem(signIn.complete(BROWSER, callback("code", "c", "state", login.state(), "iss", ISSUER)))
                        .reason());
    }

    @Test
    void completeWhenTheIssuersKeysAreNotCurrentThenUnavailable() {
        PendingLogin login = started(BROWSER);
        signatureAnswer = Future.failedFuture(new VerifierUnavailable("keys not loaded"));

        assertEquals(
                Reason.UNAVAILABLE,
                problem(signIn.complete(BROWSER, callback("code", "c", "state", login.state(), "iss", ISSUER)))
                        .reason());
    }

    @Test
    void completeWhenTheTokenResponseHasNoIdTokenThenFailed() {
        PendingLogin login = started(BROWSER);
        authServer.idToken = Optional.empty();

        assertEquals(
                Reason.FAILED,
                problem(signIn.complete(BROWSER, callback("code", "c", "state", login.state(), "iss", ISSUER)))
                        .reason());
    }

    @Test
    void startWhenNoOrMalformedPreLoginCookieThenANewRandomOne() {
        SignIn.Start fresh = signIn.start(null);
        SignIn.Start fromJunk = signIn.start("short");

        assertTrue(fresh.browserKey().matches("[A-Za-z0-9_-]{43}"));
        assertTrue(fromJunk.browserKey().matches("[A-Za-z0-9_-]{43}"));
        assertNotEquals(fresh.browserKey(), fromJunk.browserKey());
    }

    @Test
    void startWhenTooManySignInsUnderWayThenBusy() {
        PendingLogins tiny = new PendingLogins(clock, 1);
        SignIn busy = new SignIn(
                WebCookiesTest.settings("http://localhost:8082"),
                tiny,
                authServer,
                signatures,
                token -> Future.succeededFuture("x"),
                clock);
        busy.start(null);

        SignInProblem problem =
                org.junit.jupiter.api.Assertions.assertThrows(SignInProblem.class, () -> busy.start(null));
        assertEquals(Reason.BUSY, problem.reason());
        assertNull(problem.error());
    }
}
