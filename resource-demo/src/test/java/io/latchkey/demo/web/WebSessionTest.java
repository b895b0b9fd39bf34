package io.latchkey.demo.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WebSessionTest {
    private static final Instant NOW = Instant.ofEpochSecond(1_700_000_000);

    private static Tokens tokens(String access, String refresh, Instant expiresAt) {
        return new Tokens(access, expiresAt, Optional.of(refresh), "notes:read", Optional.empty());
    }

    private static WebSession session(Tokens tokens) {
        return new WebSession("key", new SignedIn("sub", "alice", Optional.empty(), tokens), NOW);
    }

    @Test
    void freshTokensWhenAccessTokenStillValidThenNoRefresh() {
        WebSession session = session(tokens("at-1", "rt-1", NOW.plusSeconds(300)));

        Tokens tokens = session.freshTokens(NOW, current -> {
                    throw new AssertionError("no refresh expected");
                })
                .result();

        assertEquals("at-1", tokens.accessToken());
    }

    @Test
    void freshTokensWhenTwoRequestsFindItExpiredThenOneRefreshServesBothAndTheRotatedTokenIsKept() {
        WebSession session = session(tokens("at-1", "rt-1", NOW.plusSeconds(10)));
        AtomicInteger refreshes = new AtomicInteger();
        Promise<Tokens> refresh = Promise.promise();

        Future<Tokens> first = session.freshTokens(NOW, current -> {
            refreshes.incrementAndGet();
            assertEquals(Optional.of("rt-1"), current.refreshToken());
            return refresh.future();
        });
        Future<Tokens> second = session.freshTokens(NOW, current -> {
            refreshes.incrementAndGet();
            return Future.failedFuture("a second refresh would present rt-1 again");
        });
        refresh.complete(tokens("at-2", "rt-2", NOW.plusSeconds(300)));

        assertEquals(1, refreshes.get());
        assertSame(first.result(), second.result());
        assertEquals("at-2", session.tokens().accessToken());
        assertEquals(Optional.of("rt-2"), session.tokens().refreshToken());
        assertEquals(
                "at-2",
                session.freshTokens(NOW, current -> {
                            throw new AssertionError("no refresh expected");
                        })
                        .result()
                        .accessToken());
    }

    @Test
    void freshTokensWhenRefreshFailsThenTheNextRequestTriesAgain() {
        WebSession session = session(tokens("at-1", "rt-1", NOW.plusSeconds(10)));
        AtomicInteger refreshes = new AtomicInteger();

        Future<Tokens> failed = session.freshTokens(NOW, current -> {
            refreshes.incrementAndGet();
            return Future.failedFuture("auth server down");
        });
        Future<Tokens> retried = session.freshTokens(NOW, current -> {
            refreshes.incrementAndGet();
            return Future.succeededFuture(tokens("at-2", "rt-2", NOW.plusSeconds(300)));
        });

        assertEquals("auth server down", failed.cause().getMessage());
        assertEquals("at-2", retried.result().accessToken());
        assertEquals(2, refreshes.get());
    }

    @Test
    void takeFlashWhenLeftThenShownOnce() {
        WebSession session = session(tokens("at", "rt", NOW.plusSeconds(300)));
        session.flash("saved");

        assertEquals(Optional.of("saved"), session.takeFlash());
        assertEquals(Optional.empty(), session.takeFlash());
    }
}
