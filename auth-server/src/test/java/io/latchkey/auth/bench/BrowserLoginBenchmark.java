package io.latchkey.auth.bench;

import static io.latchkey.auth.test.BenchFigures.median;
import static io.latchkey.auth.test.BenchFigures.medianRatio;

import io.latchkey.auth.config.Argon2Settings;
import io.latchkey.auth.password.Argon2id;
import io.latchkey.auth.test.BenchFigures;
import io.latchkey.auth.test.Pkce;
import io.latchkey.auth.test.TestBrowser;
import io.latchkey.auth.test.TestClients;
import io.latchkey.common.NativeTransport;
import io.latchkey.common.testing.Await;
import io.latchkey.common.testing.Wrk;
import io.latchkey.db.Database;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

/**
 * The browser login's throughput, auth-server + key-service in one JVM on embedded PostgreSQL (as {@link
 * TokenBenchmark} runs them), next to its ceilings, in one run:
 *
 * <ol>
 *   <li><b>Logins through the page</b>: each iteration is a fresh browser (no cookie) walking {@code GET
 *       /oauth2/authorize} (303 to the login page), {@code GET /login/{id}}, {@code POST /login/{id}} (303 to the
 *       redirect URI with a code) and the client's code exchange at {@code /oauth2/token}; the figure is completed
 *       token responses per second, beside the Argon2id verification rate at the default parameters measured alone
 *       right before and after it (aim 0.85). Each browser signs in as a user of its own, all with one stored hash:
 *       a login load is many users, and 32 sign-ins of one user would share-lock one {@code users} row at once,
 *       which no real load does.
 *   <li><b>Single sign-on</b>: browsers that hold a session cookie loop authorize (303 straight to the redirect URI
 *       with a code) and the code exchange, no password, beside the refresh grant measured in the same run (aim
 *       0.5: an SSO sign-in is two requests, the session's lookup and the code's insert, then the code's read, a
 *       signature and the code's redemption; a refresh is one request, its transaction around a signature). Both go through the same driver with the same concurrency, rather
 *       than refresh through {@code wrk} as {@link TokenBenchmark} does, so the ratio compares the server's work
 *       and not two load generators; the refresh chains are the SSO browsers' own, started by their first code
 *       exchange. The two alternate which goes first from run to run, so the machine's drift does not always
 *       favour one.
 *   <li><b>client_credentials</b> through {@code wrk} (2 threads, 32 connections) as in {@link TokenBenchmark}, to
 *       set beside that benchmark's figure: the token path should be no slower for the browser login.
 * </ol>
 *
 * <p>The browsers are {@value #BROWSERS} scripted {@link TestBrowser}s (their own cookies, no redirect followed),
 * like {@code wrk}'s 32 connections, in a closed loop on one event loop of a Vert.x instance of their own with a
 * connection pool of that size; they share the machine with the servers, as {@code wrk} does. Only answers inside
 * each run's window after a {@value #RAMP_SECONDS} s ramp count ({@link ClosedLoop}); every answer other than the
 * expected 303 or 200 is printed, and makes that figure void. The steps' latency percentiles are printed so a
 * figure below its aim shows where the time goes. Each closed-loop figure also says how much CPU this JVM had in its
 * window: on a shared machine two Argon2id threads alone get the share of the cores two threads get, and the login
 * run, with more threads runnable, may get more, so its wall-clock ratio can pass 1. Logins per CPU-second of this
 * JVM over verifications per CPU-second of this JVM with only the Argon2id threads at work depends less on that share
 * (not at all on PostgreSQL's processes, which it does not count; it does count the browsers, the collector and the
 * JIT, and it still moves with what the machine's other work does to the caches Argon2id's 19 MiB need). Server log lines (one INFO line per sign-in, code and token, as
 * in production) go to {@code auth-server/target/browser-benchmark.log}, the figures to the console. Run (needs
 * {@code apt-get install -y wrk}):
 *
 * <pre>{@code ./mvnw -B -q -pl auth-server -am test-compile -Pbrowser-benchmark -Dspotless.check.skip=true}</pre>
 *
 * System properties: {@code bench.seconds} (10, per measured run), {@code bench.runs} (3), {@code bench.warmup}
 * (30, seconds of load split over the four loads before anything is timed).
 */
public final class BrowserLoginBenchmark {
    private static final int BROWSERS = 32;
    private static final int WRK_THREADS = 2;
    private static final int RAMP_SECONDS = 2;
    private static final String CLIENT = "bench-web";
    private static final String CALLBACK = "https://web.example/callback";
    private static final String PASSWORD = "bench-password-1";
    private static final String FORM = "application/x-www-form-urlencoded";

    private final WebClient web;
    /** Each SSO browser's newest refresh token: the refresh figure's chains. */
    private final String[] chains = new String[BROWSERS];

    private BrowserLoginBenchmark(WebClient web) {
        this.web = web;
    }

    public static void main(String[] args) throws Exception {
        int seconds = Integer.getInteger("bench.seconds", 10);
        int runs = Integer.getInteger("bench.runs", 3);
        int warmUp = Integer.getInteger("bench.warmup", 30);
        int cores = Runtime.getRuntime().availableProcessors();
        PrintStream out = System.out;
        Path log = Path.of(BrowserLoginBenchmark.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI())
                .resolveSibling("browser-benchmark.log");
        // logback's console appender writes to whatever System.out is at the time of each line.
        System.setOut(new PrintStream(new BufferedOutputStream(new FileOutputStream(log.toFile())), true));

        BenchServers servers = BenchServers.start();
        Argon2Settings argon2 = servers.config().argon2();
        Pool pool = Database.pool(servers.vertx(), servers.database(), 2);
        TestClients.publicClient(CLIENT)
                .browser(CALLBACK)
                .firstParty()
                .scopes("notes:read")
                .insert(pool);
        TestClients.confidential("bench-svc").scopes("notes:read").insert(pool);
        String hash = new Argon2id(argon2).hash(PASSWORD.toCharArray());
        for (int i = 0; i < BROWSERS; i++) {
            Await.result(pool.preparedQuery("INSERT INTO users (username, password_hash) VALUES ($1, $2)")
                    .execute(Tuple.of(user(i), hash)));
        }
        Await.result(pool.close());

        Vertx browsers = Vertx.vertx(NativeTransport.prefer(new VertxOptions().setEventLoopPoolSize(1)));
        WebClient web = WebClient.create(
                browsers,
                new WebClientOptions()
                        .setDefaultHost("127.0.0.1")
                        .setDefaultPort(servers.authPort())
                        .setFollowRedirects(false),
                new PoolOptions().setHttp1MaxSize(BROWSERS));
        BrowserLoginBenchmark bench = new BrowserLoginBenchmark(web);
        ClosedLoop loop = new ClosedLoop(browsers.getOrCreateContext(), BROWSERS);
        String tokenUrl = servers.authUrl("/oauth2/token");
        String basic = Base64.getEncoder()
                .encodeToString(("bench-svc:" + TestClients.secretOf("bench-svc")).getBytes(StandardCharsets.UTF_8));
        Path cc = Wrk.script(
                "POST",
                null,
                "grant_type=client_credentials",
                Map.of("Content-Type", FORM, "Authorization", "Basic " + basic));

        out.printf(
                "auth-server browser login benchmark: %d cores, %d browsers in a closed loop (1 client event loop,"
                        + " %d connections), wrk %d threads %d connections, %d x %d s per figure after a %d s ramp,"
                        + " Argon2id m=%d KiB t=%d p=%d on %d threads (queue %d), transport %s, load average %s"
                        + " at the start%n",
                cores,
                BROWSERS,
                BROWSERS,
                WRK_THREADS,
                BROWSERS,
                runs,
                seconds,
                RAMP_SECONDS,
                argon2.memoryKib(),
                argon2.iterations(),
                argon2.parallelism(),
                argon2.threads(),
                argon2.queue(),
                NativeTransport.describe(servers.vertx()),
                BenchFigures.loadAverage());
        out.printf("server log: %s%n", log);

        // Each SSO browser signs in once through the page; its first code exchange starts its refresh chain.
        TestBrowser[] signedIn = new TestBrowser[BROWSERS];
        List<Future<?>> signIns = new ArrayList<>();
        for (int i = 0; i < BROWSERS; i++) {
            int lane = i;
            signedIn[i] = new TestBrowser(web);
            signIns.add(bench.login(signedIn[i], lane, ClosedLoop.Steps.untimed())
                    .onSuccess(tokens -> bench.chains[lane] = tokens.getString("refresh_token")));
        }
        Await.result(Future.all(signIns));

        ClosedLoop.Iteration logins = (lane, steps) -> bench.login(new TestBrowser(web), lane, steps);
        ClosedLoop.Iteration sso = (lane, steps) -> bench.singleSignOn(signedIn[lane], steps);
        ClosedLoop.Iteration refresh = bench::refresh;

        Wrk.run(cc, tokenUrl, WRK_THREADS, BROWSERS, Math.max(1, warmUp / 3));
        // Logins are Argon2id's work, which the JIT hardly changes; the event-loop paths need it the most.
        warn(out, "warm-up logins", loop.run(0, Math.max(1, warmUp / 6), logins));
        warn(out, "warm-up SSO", loop.run(0, Math.max(1, warmUp / 4), sso));
        warn(out, "warm-up refresh", loop.run(0, Math.max(1, warmUp / 4), refresh));

        List<Double> hashRates = new ArrayList<>();
        List<Double> hashCpuRates = new ArrayList<>();
        List<Double> loginRates = new ArrayList<>();
        List<Double> loginCpuRates = new ArrayList<>();
        List<Double> ssoRates = new ArrayList<>();
        List<Double> refreshRates = new ArrayList<>();
        List<Double> ccRates = new ArrayList<>();
        List<ClosedLoop.Result> loginResults = new ArrayList<>();
        List<ClosedLoop.Result> ssoResults = new ArrayList<>();
        List<ClosedLoop.Result> refreshResults = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            // Argon2id alone before and after the logins, averaged, so a drift during the run cancels out.
            AloneRates.Rate before = AloneRates.argon2Verifications(argon2, cores, seconds);
            ClosedLoop.Result login = report(out, "logins through the page", loop.run(RAMP_SECONDS, seconds, logins));
            AloneRates.Rate after = AloneRates.argon2Verifications(argon2, cores, seconds);
            out.printf(
                    "%-26s %8.1f/s before, %.1f/s after (%.1f and %.1f per CPU-second)%n",
                    "Argon2id alone",
                    before.perSecond(),
                    after.perSecond(),
                    before.perCpuSecond(),
                    after.perCpuSecond());
            hashRates.add((before.perSecond() + after.perSecond()) / 2);
            hashCpuRates.add((before.perCpuSecond() + after.perCpuSecond()) / 2);
            loginRates.add(login.perSecond());
            loginCpuRates.add(login.perCpuSecond());
            loginResults.add(login);

            if (i % 2 == 0) {
                refreshResults.add(report(out, "refresh_token", loop.run(RAMP_SECONDS, seconds, refresh)));
                ssoResults.add(report(out, "single sign-on", loop.run(RAMP_SECONDS, seconds, sso)));
            } else {
                ssoResults.add(report(out, "single sign-on", loop.run(RAMP_SECONDS, seconds, sso)));
                refreshResults.add(report(out, "refresh_token", loop.run(RAMP_SECONDS, seconds, refresh)));
            }
            ssoRates.add(ssoResults.get(i).perSecond());
            refreshRates.add(refreshResults.get(i).perSecond());

            Wrk.Result ccRun = Wrk.run(cc, tokenUrl, WRK_THREADS, BROWSERS, seconds);
            out.printf(
                    "%-26s %8.1f/s  p50 %s p99 %s%s%n",
                    "client_credentials (wrk)",
                    ccRun.okPerSecond(),
                    ccRun.p50(),
                    ccRun.p99(),
                    ccRun.non2xx() > 0 ? "  (" + ccRun.non2xx() + " non-2xx)" : "");
            ccRates.add(ccRun.okPerSecond());
        }
        Await.result(browsers.close());
        servers.close();

        long loginFailures = failures(loginResults);
        long ssoFailures = failures(ssoResults);
        long refreshFailures = failures(refreshResults);
        out.println();
        out.printf(
                "logins through the page %6.1f/s = %.2f x Argon2id alone around it (median of run ratios; aim 0.85);"
                        + " Argon2id alone %.1f/s; %s%n",
                median(loginRates), medianRatio(loginRates, hashRates), median(hashRates), verdict(loginFailures));
        out.printf(
                "  per CPU-second: %.1f logins per second of this JVM's CPU (servers, browsers, JIT; not PostgreSQL)"
                        + " = %.2f x Argon2id alone's %.1f per CPU-second of this JVM%n",
                median(loginCpuRates), medianRatio(loginCpuRates, hashCpuRates), median(hashCpuRates));
        out.printf("  steps of all runs: %s%n", steps(loginResults, "authorize", "login page", "login POST", "token"));
        out.printf(
                "single sign-on          %6.1f/s = %.2f x refresh_token in the same run (median of run ratios; aim"
                        + " 0.50); %s%n",
                median(ssoRates), medianRatio(ssoRates, refreshRates), verdict(ssoFailures));
        out.printf("  steps of all runs: %s%n", steps(ssoResults, "authorize", "token"));
        out.printf(
                "refresh_token           %6.1f/s (the same %d browsers, one chain each); %s%n",
                median(refreshRates), BROWSERS, verdict(refreshFailures));
        out.printf("  steps of all runs: %s%n", steps(refreshResults, "token"));
        out.printf(
                "client_credentials      %6.0f/s (wrk %d threads %d connections; compare with -Ptoken-benchmark's"
                        + " figure)%n",
                median(ccRates), WRK_THREADS, BROWSERS);
        out.printf("load average at the end: %s%n", BenchFigures.loadAverage());
        out.flush();
        System.exit(0);
    }

    private static String user(int lane) {
        return "bench-" + lane;
    }

    private static String authorizeUrl(Pkce pkce) {
        return "/oauth2/authorize?response_type=code&client_id=" + CLIENT + "&scope=notes%3Aread&state=bench"
                + "&code_challenge=" + pkce.challenge() + "&code_challenge_method=S256";
    }

    /** A sign-in through the page by {@code browser} as lane's user, then the code exchange: the tokens. */
    private Future<JsonObject> login(TestBrowser browser, int lane, ClosedLoop.Steps steps) {
        Pkce pkce = Pkce.create();
        return steps.expect("authorize", 303, () -> browser.fetch(authorizeUrl(pkce)))
                .compose(authorize -> {
                    String page = authorize.getHeader("Location");
                    if (page == null || !page.startsWith("/login/")) {
                        return Future.failedFuture(new ClosedLoop.Unexpected("authorize sent to " + page));
                    }
                    return steps.expect("login page", 200, () -> browser.fetch(page))
                            .compose(form -> steps.expect(
                                    "login POST",
                                    303,
                                    () -> browser.submit(
                                            page,
                                            "csrf",
                                            TestBrowser.csrf(form),
                                            "username",
                                            user(lane),
                                            "password",
                                            PASSWORD)));
                })
                .compose(done -> exchange(code("login POST", done), pkce, steps));
    }

    /** Authorize with the browser's session cookie, straight to a code, then the code exchange. */
    private Future<JsonObject> singleSignOn(TestBrowser browser, ClosedLoop.Steps steps) {
        Pkce pkce = Pkce.create();
        return steps.expect("authorize", 303, () -> browser.fetch(authorizeUrl(pkce)))
                .compose(authorize -> exchange(code("authorize", authorize), pkce, steps));
    }

    /** One turn of the lane's refresh chain. */
    private Future<JsonObject> refresh(int lane, ClosedLoop.Steps steps) {
        return token("grant_type=refresh_token&client_id=" + CLIENT + "&refresh_token=" + chains[lane], steps)
                .map(tokens -> {
                    chains[lane] = tokens.getString("refresh_token");
                    return tokens;
                });
    }

    /** The code in a 303 to the redirect URI; anything else (an error redirect, another page) fails the step. */
    private static String code(String step, HttpResponse<Buffer> redirect) {
        String location = redirect.getHeader("Location");
        if (location == null || !location.startsWith(CALLBACK + "?")) {
            throw new ClosedLoop.Unexpected(step + " sent to " + location);
        }
        MultiMap answer = TestBrowser.query(redirect);
        if (answer.get("code") == null) {
            throw new ClosedLoop.Unexpected(step + " redirected with error=" + answer.get("error"));
        }
        return answer.get("code");
    }

    private Future<JsonObject> exchange(String code, Pkce pkce, ClosedLoop.Steps steps) {
        return token(
                "grant_type=authorization_code&client_id=" + CLIENT + "&code=" + TestBrowser.encode(code)
                        + "&code_verifier=" + pkce.verifier(),
                steps);
    }

    private Future<JsonObject> token(String form, ClosedLoop.Steps steps) {
        return steps.expect("token", 200, () -> web.post("/oauth2/token")
                        .putHeader("Content-Type", FORM)
                        .sendBuffer(Buffer.buffer(form)))
                .map(response -> {
                    JsonObject tokens = response.bodyAsJsonObject();
                    if (tokens.getString("access_token") == null || tokens.getString("refresh_token") == null) {
                        throw new ClosedLoop.Unexpected("token answered 200 without both tokens");
                    }
                    return tokens;
                });
    }

    private static ClosedLoop.Result report(PrintStream out, String name, ClosedLoop.Result result) {
        out.printf(
                "%-26s %8.1f/s  this JVM on %.2f cores, %.1f per CPU-second; %s%n",
                name,
                result.perSecond(),
                result.coresUsed(),
                result.perCpuSecond(),
                result.failures().isEmpty() ? "no failures" : "FAILURES " + result.failures());
        return result;
    }

    private static void warn(PrintStream out, String name, ClosedLoop.Result result) {
        if (!result.failures().isEmpty()) {
            out.printf("%s: FAILURES %s%n", name, result.failures());
        }
    }

    private static long failures(List<ClosedLoop.Result> results) {
        return results.stream().mapToLong(ClosedLoop.Result::failureCount).sum();
    }

    private static String verdict(long failures) {
        return failures == 0 ? "no failures" : failures + " FAILURES: the figure is void";
    }

    /** Each step's percentiles over every run's window. */
    private static String steps(List<ClosedLoop.Result> results, String... names) {
        Map<String, String> parts = new LinkedHashMap<>();
        for (String name : names) {
            long[] all = results.stream()
                    .flatMapToLong(r -> LongStream.of(r.latencies().getOrDefault(name, new long[0])))
                    .sorted()
                    .toArray();
            parts.put(
                    name,
                    String.format(
                            "p50 %.1f p90 %.1f p99 %.1f ms",
                            BenchFigures.percentileMs(all, 0.50),
                            BenchFigures.percentileMs(all, 0.90),
                            BenchFigures.percentileMs(all, 0.99)));
        }
        StringBuilder text = new StringBuilder();
        parts.forEach((name, figures) ->
                text.append(text.isEmpty() ? "" : "; ").append(name).append(' ').append(figures));
        return text.toString();
    }
}
