package io.latchkey.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.common.config.DevValues;
import io.latchkey.common.testing.Await;
import io.latchkey.db.DatabaseSettings;
import io.latchkey.db.test.TestPostgres;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;

/**
 * Latchkey as several replicas on one PostgreSQL: two JVMs of each service on loopback, configured only through
 * their environment. Tokens from either auth-server work at both resource-demos; key rotation and an emergency
 * key revocation never stop issuance; a logout through one auth-server reaches every resource-demo within 1 s;
 * and after one replica of each service is killed with SIGKILL the survivors keep issuing and verifying, the
 * auth-server failing over between key-services through {@code LATCHKEY_KEY_SERVICE_URL}. The phases run in order
 * on one stack and print their timings.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9068">RFC 9068</a>
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScaleOutIT {
    private static final Duration PROPAGATION_BOUND = Duration.ofSeconds(1);
    private static final JsonObject REVOKED =
            new JsonObject().put("error", "invalid_token").put("error_description", "the access token was revoked");
    private static final JsonObject INVALID =
            new JsonObject().put("error", "invalid_token").put("error_description", "the access token is invalid");
    /**
     * The verifier's default {@code LATCHKEY_JWKS_REFETCH_INTERVAL} plus a second for the fetch itself: a key that
     * starts signing this soon after the verifier last fetched the JWKS is unknown to it until the next refetch.
     */
    private static final Duration REFETCH_WINDOW = Duration.ofSeconds(6);

    private static final List<String> USERS = List.of("ada", "grace", "edsger", "barbara", "ken");

    private static final LoopbackHttp HTTP = new LoopbackHttp();
    private static final ExecutorService POLLERS = Executors.newFixedThreadPool(2);

    @TempDir
    static Path dir;

    private static DatabaseSettings database;
    private static ReplicatedStack stack;
    /** The kid of each passing rotation-load login, by iteration index. */
    private static final Map<Integer, String> KIDS = new ConcurrentHashMap<>();
    /** When the emergency revocation was sent (System.nanoTime), for the rotation load's checks. */
    private static final AtomicLong REVOKE_SENT = new AtomicLong(Long.MAX_VALUE);
    /** Successor-key tokens refused as unknown within {@link #REFETCH_WINDOW} of the revocation. */
    private static final AtomicInteger UNKNOWN_KID_REFUSALS = new AtomicInteger();

    @RegisterExtension
    static final TestWatcher LOGS_ON_FAILURE = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (stack != null) {
                System.out.println(stack.logTails());
            }
        }
    };

    @BeforeAll
    static void start() throws Exception {
        long started = System.nanoTime();
        database = TestPostgres.get().createDatabase();
        System.out.printf("[scale-out] database ready in %d ms%n", sinceMillis(started));
        long replicas = System.nanoTime();
        stack = ReplicatedStack.start(database, dir, ScaleOutIT::seed, System.out);
        System.out.printf("[scale-out] phase start: six replicas ready in %d ms%n", sinceMillis(replicas));
    }

    @AfterAll
    static void stop() {
        POLLERS.shutdownNow();
        if (stack != null) {
            stack.close();
        }
        if (database != null) {
            TestPostgres.get().dropDatabase(database);
        }
    }

    @Test
    @Order(1)
    void tokensWhenIssuedByEitherAuthServerThenEveryResourceDemoAcceptsThem() throws Exception {
        long started = System.nanoTime();
        for (Replica auth : List.of(stack.auth1, stack.auth2)) {
            JsonObject token = login(auth, "ada");
            for (Replica demo : List.of(stack.demo1, stack.demo2)) {
                HttpResponse<String> me = HTTP.get(demo.url() + "/api/me", token.getString("access_token"));
                assertEquals(200, me.statusCode(), demo.name() + ": " + me.body());
                assertEquals("demo-app", new JsonObject(me.body()).getString("client_id"));
                assertEquals("notes:read notes:write", new JsonObject(me.body()).getString("scope"));
            }
            // The session lives in PostgreSQL, so the other replica rotates a refresh token it did not issue.
            Replica other = auth == stack.auth1 ? stack.auth2 : stack.auth1;
            HttpResponse<String> refreshed = HTTP.form(
                    other.url() + "/oauth2/token",
                    null,
                    Map.of(
                            "grant_type", "refresh_token",
                            "refresh_token", token.getString("refresh_token"),
                            "client_id", "demo-app"));
            assertEquals(200, refreshed.statusCode(), other.name() + ": " + refreshed.body());
            assertNotEquals(
                    token.getString("refresh_token"), new JsonObject(refreshed.body()).getString("refresh_token"));
        }
        phase("tokens from both auth-servers at both resource-demos", started);
    }

    @Test
    @Order(2)
    void keysWhenRotatedAndTheActiveKeyRevokedThenIssuanceAndVerificationContinue() throws Exception {
        long started = System.nanoTime();
        String oldToken = login(stack.auth1, "grace").getString("access_token");
        String oldKid = LoopbackHttp.kid(oldToken);

        HttpResponse<String> rotated =
                HTTP.post(stack.keys1Internal + "/internal/keys/rotate", DevValues.INTERNAL_SECRET);
        assertEquals(201, rotated.statusCode(), rotated.body());
        String newKid = new JsonObject(rotated.body()).getString("kid");
        assertEquals("published", new JsonObject(rotated.body()).getString("state"));
        for (Replica keys : List.of(stack.keys1, stack.keys2)) {
            awaitJwksListing(keys, newKid, Duration.ofSeconds(5));
        }
        System.out.printf("[scale-out]   rotate: %s published on both key-services%n", newKid);

        // Logins alternate between the auth-servers while the signing key changes hands under them.
        try (RequestLoop load =
                RequestLoop.start("rotation-load", Duration.ofSeconds(60), i -> issueAndVerify(i, oldKid, "barbara"))) {
            load.awaitOutcomes(o -> o.size() >= 4, Duration.ofSeconds(20), "four logins before the revocation");

            long revokeSent = System.nanoTime();
            REVOKE_SENT.set(revokeSent);
            HttpResponse<String> revoked =
                    HTTP.post(stack.keys2Internal + "/internal/keys/" + oldKid + "/revoke", DevValues.INTERNAL_SECRET);
            long revokeAcknowledged = System.nanoTime();
            assertEquals(200, revoked.statusCode(), revoked.body());
            assertEquals(
                    new JsonObject()
                            .put("kid", oldKid)
                            .put("state", "revoked")
                            .put("already_revoked", false)
                            .put("successor_kid", newKid),
                    new JsonObject(revoked.body()));

            List<Duration> rejections = awaitRejectedEverywhere(oldToken, revokeAcknowledged, Duration.ofSeconds(5));
            System.out.printf(
                    "[scale-out]   emergency revoke of %s (%d ms round trip): a token it signed refused after %s%n",
                    oldKid, (revokeAcknowledged - revokeSent) / 1_000_000, describe(rejections));

            load.awaitOutcomes(
                    o -> bothSignWith(o, revokeSent + REFETCH_WINDOW.toNanos(), newKid, 4),
                    Duration.ofSeconds(30),
                    "four logins after the JWKS refetch window, through both auth-servers");
            List<RequestLoop.Outcome> outcomes = load.stop();
            List<RequestLoop.Outcome> failed =
                    outcomes.stream().filter(o -> !o.passed()).toList();
            assertEquals(
                    List.of(),
                    failed,
                    "every login succeeds and every token not signed by the revoked key is accepted");
            long lateOldKid = outcomes.stream()
                    .filter(o -> o.startNanos() > revokeAcknowledged + PROPAGATION_BOUND.toNanos())
                    .filter(o -> signedBy(o, oldKid))
                    .count();
            assertEquals(0, lateOldKid, "logins started over 1 s after the revocation still signed with " + oldKid);
            System.out.printf(
                    "[scale-out]   %d logins during rotation, all accepted unless signed by the revoked key;"
                            + " %d refusals of a successor-key token as an unknown kid inside the refetch window%n",
                    outcomes.size(), UNKNOWN_KID_REFUSALS.get());
        }
        phase("rotation and emergency key revocation under load", started);
    }

    @Test
    @Order(3)
    void logoutWhenSentToOneAuthServerThenEveryResourceDemoRefusesTheTokenWithinOneSecond() throws Exception {
        long started = System.nanoTime();
        String token = login(stack.auth2, "edsger").getString("access_token");
        for (Replica demo : List.of(stack.demo1, stack.demo2)) {
            assertEquals(200, HTTP.get(demo.url() + "/api/me", token).statusCode(), demo.name());
        }

        HttpResponse<String> logout = HTTP.post(stack.auth1.url() + "/logout", token);
        long acknowledged = System.nanoTime();
        assertEquals(204, logout.statusCode(), logout.body());

        List<Duration> rejections = awaitRejectedEverywhere(token, acknowledged, Duration.ofSeconds(5));
        System.out.printf(
                "[scale-out]   logout at %s, token refused after %s%n", stack.auth1.name(), describe(rejections));
        for (Duration rejection : rejections) {
            assertTrue(
                    rejection.compareTo(PROPAGATION_BOUND) < 0,
                    "a resource-demo accepted the revoked token for " + rejection.toMillis() + " ms");
        }
        phase("logout propagation to every resource-demo", started);
    }

    @Test
    @Order(4)
    void replicasWhenOneOfEachIsKilledThenTheSurvivorsKeepIssuingAndVerifying() throws Exception {
        long started = System.nanoTime();
        String earlier = login(stack.auth2, "ken").getString("access_token");
        long[] killed = new long[1];
        try (RequestLoop load =
                RequestLoop.start("survivor-load", Duration.ofSeconds(60), i -> survivorsServe(earlier))) {
            load.awaitOutcomes(o -> o.size() >= 3, Duration.ofSeconds(20), "three passes before the kill");

            long killStarted = System.nanoTime();
            for (Replica victim : List.of(stack.keys1, stack.auth1, stack.demo1)) {
                victim.process().kill();
            }
            killed[0] = System.nanoTime();
            System.out.printf(
                    "[scale-out]   SIGKILL to %s, %s, %s took %d ms%n",
                    stack.keys1.name(), stack.auth1.name(), stack.demo1.name(), (killed[0] - killStarted) / 1_000_000);

            load.awaitOutcomes(
                    o -> o.stream()
                                    .filter(x -> x.startNanos() > killed[0] && x.passed())
                                    .count()
                            >= 20,
                    Duration.ofSeconds(40),
                    "twenty passes at the survivors after the kill");
            List<RequestLoop.Outcome> outcomes = load.stop();
            List<RequestLoop.Outcome> afterKill =
                    outcomes.stream().filter(o -> o.startNanos() > killed[0]).toList();
            List<RequestLoop.Outcome> inFlight = outcomes.stream()
                    .filter(o -> o.startNanos() <= killed[0] && o.endNanos() >= killStarted)
                    .toList();
            assertEquals(
                    List.of(),
                    afterKill.stream().filter(o -> !o.passed()).toList(),
                    "no error at the survivors for requests sent after the kill");
            assertEquals(
                    List.of(),
                    outcomes.stream()
                            .filter(o -> !o.passed() && !inFlight.contains(o))
                            .toList(),
                    "no error before the kill either");
            long failedInFlight = inFlight.stream().filter(o -> !o.passed()).count();
            System.out.printf(
                    "[scale-out]   survivors: %d passes after the kill, %d of %d passes in flight at the kill failed%n",
                    afterKill.size(), failedInFlight, inFlight.size());
        }
        for (Replica survivor : List.of(stack.keys2, stack.auth2, stack.demo2)) {
            assertTrue(survivor.process().alive(), survivor.name() + " died");
            survivor.awaitReady(Duration.ofSeconds(5));
        }

        // The surviving resource-demo followed the killed auth-server's feed: it must have moved to the other one.
        String token = login(stack.auth2, "ada").getString("access_token");
        assertEquals(200, HTTP.get(stack.demo2.url() + "/api/me", token).statusCode());
        HttpResponse<String> logout = HTTP.post(stack.auth2.url() + "/logout", token);
        long acknowledged = System.nanoTime();
        assertEquals(204, logout.statusCode(), logout.body());
        Duration rejection = awaitRejected(stack.demo2, token, acknowledged, Duration.ofSeconds(5));
        System.out.printf(
                "[scale-out]   after the kill, logout at %s refused at %s after %d ms%n",
                stack.auth2.name(), stack.demo2.name(), rejection.toMillis());
        assertTrue(
                rejection.compareTo(PROPAGATION_BOUND) < 0,
                "the surviving resource-demo accepted the revoked token for " + rejection.toMillis() + " ms");
        phase("failover after SIGKILL of one replica of each service", started);
    }

    /** Creates the users and the clients through the admin API as {@code admin-cli}, as the dev stack does. */
    private static void seed(Replica auth) throws Exception {
        HttpResponse<String> token = HTTP.form(
                auth.url() + "/oauth2/token",
                LoopbackHttp.basic("admin-cli", DevValues.ADMIN_CLIENT_SECRET),
                Map.of("grant_type", "client_credentials"));
        assertEquals(200, token.statusCode(), token.body());
        String admin = new JsonObject(token.body()).getString("access_token");
        for (String user : USERS) {
            created(HTTP.postJson(
                    auth.url() + "/admin/users",
                    admin,
                    new JsonObject().put("username", user).put("password", password(user))));
        }
        created(HTTP.postJson(
                auth.url() + "/admin/clients",
                admin,
                new JsonObject()
                        .put("client_id", "demo-app")
                        .put("token_endpoint_auth_method", "none")
                        .put("grant_types", new JsonArray(List.of("password", "refresh_token")))
                        .put("scopes", new JsonArray(List.of("notes:read", "notes:write")))
                        .put("audience", "resource-demo")));
        HTTP.registerFeedClient(auth.url(), admin);
    }

    private static void created(HttpResponse<String> response) {
        assertEquals(201, response.statusCode(), response.body());
    }

    private static String password(String user) {
        return user + "-scale-out-password";
    }

    private static HttpResponse<String> passwordGrant(Replica auth, String user) throws Exception {
        return HTTP.form(
                auth.url() + "/oauth2/token",
                null,
                Map.of(
                        "grant_type",
                        "password",
                        "client_id",
                        "demo-app",
                        "username",
                        user,
                        "password",
                        password(user)));
    }

    private static JsonObject login(Replica auth, String user) throws Exception {
        HttpResponse<String> response = passwordGrant(auth, user);
        assertEquals(200, response.statusCode(), auth.name() + ": " + response.body());
        return new JsonObject(response.body());
    }

    /**
     * One pass of the rotation load: a login through one auth-server (alternating), then the token at both
     * resource-demos. A token signed by the revoked key may be refused as revoked. A token of the successor key may
     * be refused as unknown only within {@link #REFETCH_WINDOW} of the revocation: the key was published seconds
     * earlier, while a verifier refetches its JWKS for an unknown kid at most once per refetch interval. Every
     * other token must be accepted.
     */
    private static String issueAndVerify(int index, String revokedKid, String user) throws Exception {
        long started = System.nanoTime();
        Replica auth = index % 2 == 0 ? stack.auth1 : stack.auth2;
        HttpResponse<String> response = passwordGrant(auth, user);
        if (response.statusCode() != 200) {
            return auth.name() + " login: HTTP " + response.statusCode() + " " + response.body();
        }
        String token = new JsonObject(response.body()).getString("access_token");
        String kid = LoopbackHttp.kid(token);
        boolean inRefetchWindow = started - REVOKE_SENT.get() < REFETCH_WINDOW.toNanos();
        for (Replica demo : List.of(stack.demo1, stack.demo2)) {
            HttpResponse<String> me = HTTP.get(demo.url() + "/api/me", token);
            if (me.statusCode() == 200) {
                continue;
            }
            JsonObject body = me.statusCode() == 401 ? new JsonObject(me.body()) : new JsonObject();
            if (kid.equals(revokedKid) && REVOKED.equals(body)) {
                continue;
            }
            if (!kid.equals(revokedKid) && inRefetchWindow && INVALID.equals(body)) {
                UNKNOWN_KID_REFUSALS.incrementAndGet();
                continue;
            }
            return demo.name() + " refused a token of " + auth.name() + " signed by " + kid + ": HTTP "
                    + me.statusCode() + " " + me.body();
        }
        KIDS.put(index, kid);
        return null;
    }

    private static boolean signedBy(RequestLoop.Outcome outcome, String kid) {
        return kid.equals(KIDS.get(outcome.index()));
    }

    /** Whether at least {@code count} logins started after {@code after} got {@code kid}, from both auth-servers. */
    private static boolean bothSignWith(List<RequestLoop.Outcome> outcomes, long after, String kid, int count) {
        List<RequestLoop.Outcome> signed = outcomes.stream()
                .filter(o -> o.startNanos() > after && signedBy(o, kid))
                .toList();
        return signed.size() >= count
                && signed.stream().map(o -> o.index() % 2).distinct().count() == 2;
    }

    /** One pass at the survivors: a new login through auth-server 2, it and an older token at resource-demo 2. */
    private static String survivorsServe(String earlier) throws Exception {
        HttpResponse<String> response = passwordGrant(stack.auth2, "ken");
        if (response.statusCode() != 200) {
            return stack.auth2.name() + " login: HTTP " + response.statusCode() + " " + response.body();
        }
        String fresh = new JsonObject(response.body()).getString("access_token");
        for (String token : List.of(fresh, earlier)) {
            HttpResponse<String> me = HTTP.get(stack.demo2.url() + "/api/me", token);
            if (me.statusCode() != 200) {
                return stack.demo2.name() + ": HTTP " + me.statusCode() + " " + me.body();
            }
        }
        return null;
    }

    private static void awaitJwksListing(Replica keys, String kid, Duration deadline) {
        Await.until(keys.name() + " lists " + kid, deadline, () -> {
            HttpResponse<String> jwks =
                    LoopbackHttp.unchecked(() -> HTTP.get(keys.url() + "/.well-known/jwks.json", null));
            return jwks.statusCode() == 200 && jwks.body().contains("\"" + kid + "\"");
        });
    }

    /** Polls every live resource-demo at once; returns, per replica, the time from {@code since} to refusal. */
    private static List<Duration> awaitRejectedEverywhere(String token, long since, Duration deadline)
            throws Exception {
        List<CompletableFuture<Duration>> polls = new ArrayList<>();
        for (Replica demo : List.of(stack.demo1, stack.demo2)) {
            polls.add(CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            return awaitRejected(demo, token, since, deadline);
                        } catch (Exception e) {
                            throw new IllegalStateException(demo.name() + ": " + e, e);
                        }
                    },
                    POLLERS));
        }
        List<Duration> result = new ArrayList<>();
        for (CompletableFuture<Duration> poll : polls) {
            result.add(poll.get(deadline.toMillis() + 10_000, TimeUnit.MILLISECONDS));
        }
        return result;
    }

    /**
     * Presents {@code token} until {@code demo} refuses it, then checks the whole RFC 6750 answer; the time is
     * measured from {@code since} (the revocation's acknowledgement) to the first refusal.
     */
    private static Duration awaitRejected(Replica demo, String token, long since, Duration deadline) throws Exception {
        long end = since + deadline.toNanos();
        while (true) {
            HttpResponse<String> me = HTTP.get(demo.url() + "/api/me", token);
            long now = System.nanoTime();
            if (me.statusCode() != 200) {
                assertEquals(401, me.statusCode(), demo.name() + ": " + me.body());
                assertEquals(REVOKED, new JsonObject(me.body()), demo.name());
                String challenge = me.headers().firstValue("WWW-Authenticate").orElse("");
                assertTrue(
                        challenge.startsWith("Bearer ") && challenge.contains("error=\"invalid_token\""),
                        demo.name() + ": " + challenge);
                return Duration.ofNanos(now - since);
            }
            if (now > end) {
                throw new AssertionError(demo.name() + " still accepts the revoked token after " + deadline);
            }
        }
    }

    private static String describe(List<Duration> rejections) {
        List<String> parts = new ArrayList<>();
        List<Replica> demos = List.of(stack.demo1, stack.demo2);
        for (int i = 0; i < rejections.size(); i++) {
            parts.add(rejections.get(i).toMillis() + " ms at " + demos.get(i).name());
        }
        return String.join(", ", parts);
    }

    private static void phase(String name, long startedNanos) {
        System.out.printf("[scale-out] phase %s: %d ms%n", name, sinceMillis(startedNanos));
    }

    private static long sinceMillis(long startedNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }
}
