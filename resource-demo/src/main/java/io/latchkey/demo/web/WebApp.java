package io.latchkey.demo.web;

import io.latchkey.demo.notes.Note;
import io.latchkey.demo.notes.NoteStore;
import io.latchkey.verifier.Verifier;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The notes web app's logic behind its pages: the home page's content, adding a note, signing out (RP-initiated, and
 * the return from it) and back-channel logouts, each with the session's tokens kept fresh (refreshed ahead of expiry,
 * the rotated refresh token stored). A token the auth server or the API no longer honours fails with {@link
 * SessionEnded}; an auth server that cannot be reached with {@link AuthServer.Unavailable}. Nothing here blocks:
 * every call is a future.
 */
public final class WebApp {
    /** Most sessions, sign-ins and sign-outs under way, and logout tokens remembered, kept at once. */
    public static final int CAPACITY = 10_000;

    private final WebAppSettings settings;
    private final SessionStore sessions;
    private final PendingLogins pendingLogins;
    private final SignOutStates signOutStates;
    private final SeenTokenIds seenLogoutTokens;
    private final SignIn signIn;
    private final BackChannelLogout backChannelLogout;
    private final AuthServer authServer;
    private final NotesApi api;
    private final SignOut signOut;
    private final Clock clock;

    /** The pieces an app is made of; {@link #create} wires the real ones. */
    public record Parts(
            SessionStore sessions,
            PendingLogins pendingLogins,
            SignOutStates signOutStates,
            SeenTokenIds seenLogoutTokens,
            AuthServer authServer,
            IssuerSignatures signatures,
            NotesApi api,
            SignOut signOut) {}

    public WebApp(WebAppSettings settings, Parts parts, Clock clock) {
        this.settings = settings;
        this.sessions = parts.sessions();
        this.pendingLogins = parts.pendingLogins();
        this.signOutStates = parts.signOutStates();
        this.seenLogoutTokens = parts.seenLogoutTokens();
        this.authServer = parts.authServer();
        this.api = parts.api();
        this.signOut = parts.signOut();
        this.clock = clock;
        this.signIn = new SignIn(settings, pendingLogins, authServer, parts.signatures(), api::subject, clock);
        this.backChannelLogout = new BackChannelLogout(settings, parts.signatures(), sessions, seenLogoutTokens, clock);
    }

    /**
     * The web app on Vert.x's OAuth 2.0 client, checking ID and logout tokens with {@code verifier}'s keys and
     * signing out with {@link RpInitiatedLogout}; starts discovering the end-session endpoint in the background.
     */
    public static WebApp create(Vertx vertx, WebAppSettings settings, Verifier verifier) {
        WebClient client = WebClient.create(
                vertx,
                settings.tls()
                        .applyTo(new WebClientOptions()
                                .setConnectTimeout(5_000)
                                .setFollowRedirects(false)
                                .setUserAgent("latchkey-resource-demo")));
        Clock clock = Clock.systemUTC();
        SignOutStates signOutStates = new SignOutStates(clock, CAPACITY);
        EndSessionEndpoint endSession = new EndSessionEndpoint(client, settings, clock);
        endSession.discover();
        return new WebApp(
                settings,
                new Parts(
                        new SessionStore(clock, CAPACITY),
                        new PendingLogins(clock, CAPACITY),
                        signOutStates,
                        new SeenTokenIds(clock, CAPACITY),
                        VertxOAuth2AuthServer.create(vertx, settings),
                        verifier::verifySigned,
                        new NotesApi(client, settings.baseUrl()),
                        new RpInitiatedLogout(settings, endSession, signOutStates)),
                clock);
    }

    public WebAppSettings settings() {
        return settings;
    }

    public SessionStore sessions() {
        return sessions;
    }

    public SignIn signIn() {
        return signIn;
    }

    public BackChannelLogout backChannelLogout() {
        return backChannelLogout;
    }

    /** Drops expired sessions, sign-ins, sign-out states and remembered logout tokens. */
    public void prune() {
        sessions.prune();
        pendingLogins.prune();
        signOutStates.prune();
        seenLogoutTokens.prune();
    }

    /** The signed-in home page: the user and their notes, read through the API with the session's access token. */
    public Future<HomeView> home(WebSession session) {
        Optional<String> message = session.takeFlash();
        return tokens(session)
                .compose(tokens -> api.list(tokens.accessToken()))
                .map(notes -> view(session, notes, Optional.empty(), message))
                .recover(e -> {
                    if (e instanceof NotesApi.Forbidden) {
                        return Future.succeededFuture(
                                view(session, List.of(), Optional.of("This sign-in may not read notes."), message));
                    }
                    if (e instanceof NotesApi.Unavailable) {
                        return Future.succeededFuture(view(
                                session,
                                List.of(),
                                Optional.of("Your notes cannot be shown right now. Try again in a moment."),
                                message));
                    }
                    return Future.failedFuture(e);
                });
    }

    /** Adds a note through the API; what the user should know about it waits in the session for the next page. */
    public Future<Void> addNote(WebSession session, String text) {
        if (text == null || text.isBlank()) {
            session.flash("Write something first.");
            return Future.succeededFuture();
        }
        if (text.length() > NoteStore.MAX_TEXT_LENGTH) {
            session.flash("A note has at most " + NoteStore.MAX_TEXT_LENGTH + " characters.");
            return Future.succeededFuture();
        }
        return tokens(session)
                .compose(tokens -> api.add(tokens.accessToken(), text))
                .recover(e -> {
                    if (e instanceof NotesApi.Rejected rejected) {
                        session.flash("The note was not saved: " + rejected.getMessage() + ".");
                    } else if (e instanceof NotesApi.Forbidden) {
                        session.flash("This sign-in may not add notes.");
                    } else if (e instanceof NotesApi.Unavailable) {
                        session.flash("The note was not saved: the notes API cannot be reached. Try again.");
                    } else {
                        return Future.failedFuture(e);
                    }
                    return Future.succeededFuture();
                });
    }

    /** How a sign-out went: where the browser goes next, and a warning when the auth server could not be told. */
    public record SignedOut(String location, Optional<String> warning) {}

    /**
     * Ends the session here and at the auth server. The local session ends whatever happens; the location is where
     * the browser goes to end the auth-server session (the end-session endpoint). The tokens are not refreshed first:
     * ending a session needs none that works.
     */
    public Future<SignedOut> signOut(WebSession session) {
        return signOut.signOut(session.tokens())
                .map(location -> new SignedOut(location, Optional.empty()))
                .recover(e -> {
                    if (e instanceof SessionEnded) {
                        return Future.succeededFuture(new SignedOut("/", Optional.empty()));
                    }
                    if (e instanceof AuthServer.Unavailable) {
                        return Future.succeededFuture(new SignedOut(
                                "/",
                                Optional.of("You are signed out of the notes app, but the sign-in server could not"
                                        + " be reached, so you may still be signed in there.")));
                    }
                    return Future.failedFuture(e);
                })
                .eventually(() -> {
                    sessions.end(session);
                    return Future.succeededFuture();
                });
    }

    /**
     * Whether the browser came back from the end-session endpoint with a {@code state} this app sent (used once). A
     * return without one, or with one this app did not send, changes nothing either way: the local session ended when
     * the sign-out started.
     */
    public boolean signOutReturned(String state) {
        return signOutStates.take(state);
    }

    /** Ends the session because its tokens no longer count. */
    public void endSession(WebSession session) {
        sessions.end(session);
    }

    private Future<Tokens> tokens(WebSession session) {
        Future<Tokens> fresh = session.freshTokens(clock.instant(), current -> authServer
                .refresh(current, clock.instant())
                .recover(e -> Future.failedFuture(refreshFailure(e))));
        return Contexts.onCallerContext(fresh);
    }

    private static Throwable refreshFailure(Throwable e) {
        if (e instanceof AuthServer.Refused refused) {
            return "invalid_grant".equals(refused.error())
                    ? new SessionEnded("the refresh token is no longer valid")
                    : new AuthServer.Unavailable("refresh refused: " + refused.error(), e);
        }
        return e;
    }

    private static HomeView view(
            WebSession session, List<Note> notes, Optional<String> notesProblem, Optional<String> message) {
        return new HomeView(
                session.displayName(), session.subject(), notes, notesProblem, message, session.csrfToken());
    }
}
