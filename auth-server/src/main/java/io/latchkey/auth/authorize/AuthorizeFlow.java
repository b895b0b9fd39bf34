package io.latchkey.auth.authorize;

import io.latchkey.auth.audit.AuditEvent;
import io.latchkey.auth.audit.AuditRepository;
import io.latchkey.auth.browser.BrowserSession;
import io.latchkey.auth.browser.BrowserSessionRepository;
import io.latchkey.auth.client.Client;
import io.latchkey.auth.client.ClientRepository;
import io.latchkey.auth.consent.ConsentRepository;
import io.latchkey.auth.login.CredentialCheck;
import io.latchkey.auth.oauth.FormBody;
import io.latchkey.auth.oauth.OAuthError;
import io.latchkey.auth.oauth.OpaqueTokens;
import io.latchkey.auth.token.Scopes;
import io.latchkey.auth.user.User;
import io.latchkey.auth.user.UserRepository;
import io.latchkey.db.Transactions;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import java.net.URI;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The browser side of the authorization code flow: the authorize request, the login page and the consent page,
 * each a step of one stored {@link Interaction}. Every step looks at the same three things (the request, the
 * browser's open session, the interaction) and moves to whichever of login, consent or the code comes next, so
 * reloading a page, going back to it, or finishing the sign-in in another tab lands on the right step instead of
 * a dead end; a step past the interaction's 30 minutes returns to the client with {@code access_denied}.
 *
 * <p>Single sign-on: an open browser session satisfies a request unless {@code prompt=login} or {@code max_age}
 * asks for a sign-in newer than it (a sign-in on this very interaction always satisfies). Third-party clients
 * need consent to the requested scopes, remembered per user and client; {@code prompt=consent} asks again. With
 * {@code prompt=none}, whatever would need the user is an error response ({@code login_required}, {@code
 * consent_required}) instead of a page.
 *
 * <p>A login or consent POST needs the interaction's binding cookie and its CSRF token, both checked before the
 * password, so a forged or replayed form neither signs anyone in nor counts as a failed login.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-4.1">RFC 6749 §4.1</a>
 * @see <a href="https://openid.net/specs/openid-connect-core-1_0.html#AuthRequest">OpenID Connect Core §3.1.2.1</a>
 */
public final class AuthorizeFlow {
    private static final Logger LOG = LoggerFactory.getLogger(AuthorizeFlow.class);
    private static final Duration INTERACTION_TTL = Duration.ofMinutes(30);
    private static final Duration CODE_TTL = Duration.ofSeconds(60);
    private static final Pattern INTERACTION_ID = Pattern.compile("[A-Za-z0-9_-]{22,64}");
    private static final String EXPIRED_PAGE =
            "This sign-in page is no longer valid. Return to the application and sign in again.";
    private static final String OTHER_BROWSER = "This sign-in page was opened in another browser or its cookies were"
            + " cleared. Return to the application and sign in again.";

    private final Pool pool;
    private final ClientRepository clients;
    private final AuthorizeRequestParser parser;
    private final InteractionRepository interactions;
    private final CodeRepository codes;
    private final BrowserSessionRepository browserSessions;
    private final ConsentRepository consents;
    private final UserRepository users;
    private final CredentialCheck credentials;
    private final AuditRepository audit;
    private final String issuer;
    private final Duration sessionMaxAge;
    private final Clock clock;

    public AuthorizeFlow(
            Pool pool,
            ClientRepository clients,
            InteractionRepository interactions,
            CodeRepository codes,
            BrowserSessionRepository browserSessions,
            ConsentRepository consents,
            UserRepository users,
            CredentialCheck credentials,
            AuditRepository audit,
            String issuer,
            Duration sessionMaxAge,
            Clock clock) {
        this.pool = pool;
        this.clients = clients;
        this.parser = new AuthorizeRequestParser(clients);
        this.interactions = interactions;
        this.codes = codes;
        this.browserSessions = browserSessions;
        this.consents = consents;
        this.users = users;
        this.credentials = credentials;
        this.audit = audit;
        this.issuer = issuer;
        this.sessionMaxAge = sessionMaxAge;
        this.clock = clock;
    }

    /** What comes after a request has been checked against the browser's session. */
    private enum Next {
        LOGIN,
        CONSENT,
        CODE
    }

    /** An interaction this browser may act on, with its request as the client stands now. */
    private record Bound(Interaction interaction, AuthorizeRequest request) {}

    /** {@code GET}/{@code POST /oauth2/authorize}. */
    public Future<Step> authorize(FormBody params, BrowserCookies cookies) {
        Optional<String> newBinding =
                cookies.binding().isPresent() ? Optional.empty() : Optional.of(OpaqueTokens.random(256));
        String binding = cookies.binding().orElseGet(newBinding::get);
        return parser.parse(params)
                .compose(request -> currentSession(cookies).compose(session -> next(request, session, Optional.empty())
                        .compose(next -> switch (next) {
                            case LOGIN -> open(request, binding).map(i -> go("/login/" + i.id()));
                            case CONSENT -> open(request, binding).map(i -> go("/consent/" + i.id()));
                            case CODE -> issueCode(request, session.get(), Optional.empty());
                        })))
                .map(step -> step instanceof Step.Go g && newBinding.isPresent()
                        ? new Step.Go(g.location(), newBinding, g.sessionCookie())
                        : step);
    }

    /** {@code GET /login/{interaction}}: the form, or the step after it when the browser is already signed in. */
    public Future<Step> loginPage(String id, BrowserCookies cookies) {
        return bound(id, cookies).compose(b -> currentSession(cookies)
                .compose(session -> next(b.request(), session, Optional.of(b.interaction()))
                        .compose(next -> switch (next) {
                            case LOGIN ->
                                Future.succeededFuture(loginForm(
                                        b,
                                        200,
                                        b.interaction().loginHint().orElse(""),
                                        Optional.empty(),
                                        OptionalLong.empty()));
                            case CONSENT -> Future.succeededFuture(go("/consent/" + id));
                            case CODE -> issueCode(b.request(), session.get(), Optional.of(b.interaction()));
                        })));
    }

    /** {@code POST /login/{interaction}}: checks the form and the password, then signs the browser in. */
    public Future<Step> login(String id, BrowserCookies cookies, FormBody form, String ip) {
        return bound(id, cookies).compose(b -> {
            checkCsrf(b, form);
            String username = form.optional("username").orElse("");
            String password = form.optional("password").orElse("");
            if (username.isEmpty() || password.isEmpty() || username.length() > 255 || password.length() > 1024) {
                return Future.succeededFuture(loginForm(
                        b,
                        400,
                        username.length() > 255 ? "" : username,
                        Optional.of("Enter your username and password."),
                        OptionalLong.empty()));
            }
            var attempt = new CredentialCheck.Attempt(b.request().client().clientId(), ip, username, password);
            return credentials
                    .verify(attempt)
                    .compose(verified -> signIn(b, cookies, attempt, verified))
                    .recover(e -> e instanceof OAuthError error
                            ? Future.succeededFuture(refusedLogin(b, username, error))
                            : Future.failedFuture(e));
        });
    }

    /** {@code GET /consent/{interaction}}. */
    public Future<Step> consentPage(String id, BrowserCookies cookies) {
        return bound(id, cookies).compose(b -> currentSession(cookies)
                .compose(session -> next(b.request(), session, Optional.of(b.interaction()))
                        .compose(next -> switch (next) {
                            case LOGIN -> Future.succeededFuture(go("/login/" + id));
                            case CONSENT -> Future.succeededFuture(consentForm(b, session.get()));
                            case CODE -> issueCode(b.request(), session.get(), Optional.of(b.interaction()));
                        })));
    }

    /** {@code POST /consent/{interaction}}: {@code decision} is {@code allow} or {@code deny}. */
    public Future<Step> consent(String id, BrowserCookies cookies, FormBody form, String ip) {
        return bound(id, cookies).compose(b -> {
            checkCsrf(b, form);
            String decision = form.optional("decision").orElse("");
            if (!decision.equals("allow") && !decision.equals("deny")) {
                return Future.failedFuture(AuthorizeError.page(400, "Choose Allow or Deny."));
            }
            return currentSession(cookies).compose(session -> {
                if (session.isEmpty() || !satisfies(b.request(), session.get(), Optional.of(b.interaction()))) {
                    return Future.succeededFuture(go("/login/" + id));
                }
                BrowserSession s = session.get();
                Client client = b.request().client();
                if (decision.equals("deny")) {
                    LOG.info("consent denied client={} user={}", client.clientId(), s.userId());
                    return Transactions.run(pool, sql -> interactions.complete(sql, id))
                            .map(v -> go(b.interaction()
                                    .redirect()
                                    .withError("access_denied", "The user denied the request", issuer)));
                }
                return Transactions.run(pool, sql -> Future.join(
                                        consents.grant(
                                                sql,
                                                s.userId(),
                                                client.clientId(),
                                                Set.copyOf(
                                                        Scopes.split(b.request().scope()))),
                                        audit.record(
                                                sql,
                                                AuditEvent.consentGranted(
                                                        client.clientId(),
                                                        s.userId(),
                                                        s.sessionId(),
                                                        ip,
                                                        b.request().scope())))
                                .mapEmpty())
                        .compose(v -> issueCode(b.request(), s, Optional.of(b.interaction())));
            });
        });
    }

    /**
     * What the request needs next given the browser's session. {@code prompt=none} turns a needed page into an
     * error response.
     */
    private Future<Next> next(
            AuthorizeRequest request, Optional<BrowserSession> session, Optional<Interaction> interaction) {
        if (session.isEmpty() || !satisfies(request, session.get(), interaction)) {
            if (request.promptNone()) {
                return Future.failedFuture(
                        AuthorizeError.redirect(request.redirect(), "login_required", "The user is not signed in"));
            }
            return Future.succeededFuture(Next.LOGIN);
        }
        Client client = request.client();
        if (client.metadata().firstParty()) {
            return Future.succeededFuture(Next.CODE);
        }
        return consents.granted(pool, session.get().userId(), client.clientId()).compose(granted -> {
            boolean covered = granted.containsAll(Scopes.split(request.scope()));
            if (covered && !request.promptConsent()) {
                return Future.succeededFuture(Next.CODE);
            }
            if (request.promptNone()) {
                return Future.failedFuture(AuthorizeError.redirect(
                        request.redirect(), "consent_required", "The user has not consented to this client"));
            }
            return Future.succeededFuture(Next.CONSENT);
        });
    }

    /**
     * Whether the browser's session is good enough for the request: a sign-in on this interaction always is;
     * otherwise not for {@code prompt=login}, nor when it is older than {@code max_age}.
     */
    private boolean satisfies(AuthorizeRequest request, BrowserSession session, Optional<Interaction> interaction) {
        boolean signedInHere = interaction
                .flatMap(Interaction::sessionId)
                .filter(session.sessionId()::equals)
                .isPresent();
        if (signedInHere) {
            return true;
        }
        if (request.promptLogin()) {
            return false;
        }
        long age = clock.millis() / 1000 - session.authTime();
        return request.maxAge().isEmpty() || age <= request.maxAge().getAsLong();
    }

    private Future<Interaction> open(AuthorizeRequest request, String binding) {
        Interaction interaction = Interaction.of(
                OpaqueTokens.random(128),
                OpaqueTokens.sha256(binding),
                OpaqueTokens.random(128),
                request,
                now().plus(INTERACTION_TTL));
        return interactions.create(pool, interaction).map(interaction);
    }

    /** Issues a code in the session and completes the interaction, then sends the browser to the client. */
    private Future<Step> issueCode(
            AuthorizeRequest request, BrowserSession session, Optional<Interaction> interaction) {
        String code = OpaqueTokens.random(256);
        byte[] hash = OpaqueTokens.sha256(code);
        OffsetDateTime expires = now().plus(CODE_TTL);
        // Single sign-on has no interaction to complete: one statement, no transaction around it.
        Future<Void> stored = interaction.isEmpty()
                ? codes.issue(pool, hash, session.sessionId(), request, expires)
                : Transactions.run(pool, sql -> codes.issue(sql, hash, session.sessionId(), request, expires)
                        .compose(v ->
                                interactions.complete(sql, interaction.get().id())));
        return stored.map(v -> {
            LOG.info(
                    "authorization code issued client={} sid={}",
                    request.client().clientId(),
                    session.sessionId());
            return go(request.redirect().withCode(code, issuer));
        });
    }

    /**
     * One transaction: the user re-read under a share lock (a disable or password change that committed since the
     * check wins), the browser session opened or renewed under a new cookie, the back-off cleared, the sign-in
     * recorded on the interaction and audited.
     */
    private Future<Step> signIn(
            Bound b, BrowserCookies cookies, CredentialCheck.Attempt attempt, CredentialCheck.Verified verified) {
        User user = verified.user();
        String cookie = OpaqueTokens.random(256);
        byte[] cookieHash = OpaqueTokens.sha256(cookie);
        long authTime = clock.millis() / 1000;
        String clientId = b.request().client().clientId();
        return currentSession(cookies)
                .compose(existing -> Transactions.run(pool, sql -> users.findByIdForShare(sql, user.id())
                        .compose(reread -> verified.stillHolds(reread)
                                ? Future.succeededFuture()
                                : Future.failedFuture(OAuthError.invalidGrant(CredentialCheck.BAD_CREDENTIALS)))
                        .compose(v -> existing.filter(s -> s.userId().equals(user.id()))
                                .map(s -> browserSessions
                                        .renew(sql, s.sessionId(), user.id(), authTime, cookieHash)
                                        .compose(renewed -> renewed
                                                ? Future.succeededFuture(s.sessionId())
                                                : openSession(sql, user, b, authTime, cookieHash)))
                                .orElseGet(() -> openSession(sql, user, b, authTime, cookieHash)))
                        .compose(sid -> Future.join(
                                        credentials.clear(sql, attempt),
                                        interactions.attachSession(
                                                sql, b.interaction().id(), sid),
                                        audit.record(
                                                sql,
                                                AuditEvent.browserLogin(
                                                        clientId,
                                                        user.id(),
                                                        sid,
                                                        attempt.ip(),
                                                        existing.map(s -> s.sessionId()
                                                                        .equals(sid))
                                                                .orElse(false))))
                                .map(sid))))
                .compose(sid -> {
                    LOG.info("browser sign-in client={} user={} sid={}", clientId, user.id(), sid);
                    BrowserSession session = new BrowserSession(sid, user.id(), user.username(), authTime);
                    Interaction signedIn = withSession(b.interaction(), sid);
                    return next(b.request(), Optional.of(session), Optional.of(signedIn))
                            .compose(next -> next == Next.CONSENT
                                    ? Future.<Step>succeededFuture(go("/consent/" + signedIn.id()))
                                    : issueCode(b.request(), session, Optional.of(signedIn)))
                            .map(step -> withSessionCookie(step, cookie));
                });
    }

    private Future<UUID> openSession(SqlClient sql, User user, Bound b, long authTime, byte[] cookieHash) {
        UUID sid = UUID.randomUUID();
        return browserSessions
                .open(
                        sql,
                        sid,
                        user.id(),
                        b.request().client().clientId(),
                        b.request().scope(),
                        authTime,
                        now().plus(sessionMaxAge),
                        cookieHash)
                .map(sid);
    }

    /** The interaction behind {@code id}, when this browser started it; an expired one returns to the client. */
    private Future<Bound> bound(String id, BrowserCookies cookies) {
        if (id == null || !INTERACTION_ID.matcher(id).matches()) {
            return Future.failedFuture(AuthorizeError.page(404, EXPIRED_PAGE));
        }
        return interactions.find(pool, id).compose(found -> {
            if (found.isEmpty()) {
                return Future.failedFuture(AuthorizeError.page(400, EXPIRED_PAGE));
            }
            Interaction interaction = found.get();
            if (cookies.binding().isEmpty()
                    || !MessageDigest.isEqual(
                            OpaqueTokens.sha256(cookies.binding().get()), interaction.browserHash())) {
                return Future.failedFuture(AuthorizeError.page(403, OTHER_BROWSER));
            }
            return clients.find(interaction.clientId()).compose(client -> {
                if (client.isEmpty() || client.get().disabled()) {
                    return Future.failedFuture(
                            AuthorizeError.page(400, "The application asking you to sign in is unknown."));
                }
                if (!interaction.expiresAt().isAfter(now())) {
                    return Future.failedFuture(AuthorizeError.redirect(
                            interaction.redirect(),
                            "access_denied",
                            "The sign-in page expired after 30 minutes; start again"));
                }
                return Future.succeededFuture(new Bound(interaction, interaction.request(client.get())));
            });
        });
    }

    /** A form without its interaction's CSRF token is refused before anything else happens. */
    private static void checkCsrf(Bound b, FormBody form) {
        if (!OpaqueTokens.equal(
                form.optional("csrf").orElse(""), b.interaction().csrfToken())) {
            throw AuthorizeError.page(
                    403,
                    "This form has expired or was not sent from this page. Go back, reload the page and try again.");
        }
    }

    private Step loginForm(Bound b, int status, String username, Optional<String> error, OptionalLong retryAfter) {
        return new Step.Login(
                status,
                b.interaction().id(),
                b.interaction().csrfToken(),
                b.request().client().displayName(),
                username,
                error,
                retryAfter,
                origin(b.request().redirectUri()));
    }

    /** The login form again, saying what went wrong in words that do not tell which part was wrong. */
    private Step refusedLogin(Bound b, String username, OAuthError error) {
        if (error.code().equals("temporarily_unavailable")) {
            return loginForm(
                    b,
                    503,
                    username,
                    Optional.of("The server is busy. Try again in a moment."),
                    OptionalLong.of(retryAfter(error)));
        }
        if (error.retryAfterSeconds() != null) {
            long seconds = retryAfter(error);
            return loginForm(
                    b,
                    429,
                    username,
                    Optional.of("Too many failed attempts. Try again in " + waitText(seconds) + "."),
                    OptionalLong.of(seconds));
        }
        if (error.code().equals("invalid_grant")) {
            return loginForm(
                    b, 400, username, Optional.of("The username or password is incorrect."), OptionalLong.empty());
        }
        throw error;
    }

    private static long retryAfter(OAuthError error) {
        return error.retryAfterSeconds() == null ? 1 : error.retryAfterSeconds();
    }

    static String waitText(long seconds) {
        if (seconds < 90) {
            return seconds == 1 ? "1 second" : seconds + " seconds";
        }
        long minutes = (seconds + 59) / 60;
        return minutes + " minutes";
    }

    private Step consentForm(Bound b, BrowserSession session) {
        return new Step.Consent(
                b.interaction().id(),
                b.interaction().csrfToken(),
                b.request().client().displayName(),
                session.username(),
                Scopes.split(b.request().scope()),
                origin(b.request().redirectUri()));
    }

    private Future<Optional<BrowserSession>> currentSession(BrowserCookies cookies) {
        if (cookies.session().isEmpty()) {
            return Future.succeededFuture(Optional.empty());
        }
        return browserSessions.findOpen(
                pool, OpaqueTokens.sha256(cookies.session().get()), now());
    }

    private static Interaction withSession(Interaction i, UUID sid) {
        return new Interaction(
                i.id(),
                i.browserHash(),
                i.csrfToken(),
                i.clientId(),
                i.redirectUri(),
                i.redirectUriGiven(),
                i.scope(),
                i.state(),
                i.codeChallenge(),
                i.nonce(),
                i.prompt(),
                i.maxAge(),
                i.loginHint(),
                Optional.of(sid),
                i.expiresAt(),
                i.dpopJkt());
    }

    private static Step withSessionCookie(Step step, String cookie) {
        return step instanceof Step.Go g ? new Step.Go(g.location(), g.bindingCookie(), Optional.of(cookie)) : step;
    }

    private static Step.Go go(String location) {
        return Step.Go.to(location);
    }

    /** scheme://host[:port] of a redirect URI, for the pages' {@code form-action}. */
    private static String origin(String uri) {
        URI parsed = URI.create(uri);
        return parsed.getScheme() + "://" + parsed.getRawAuthority();
    }

    private OffsetDateTime now() {
        return OffsetDateTime.ofInstant(Instant.ofEpochMilli(clock.millis()), ZoneOffset.UTC);
    }
}
