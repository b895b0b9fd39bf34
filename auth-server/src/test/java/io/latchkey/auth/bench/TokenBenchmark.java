package io.latchkey.auth.bench;

import static io.latchkey.auth.test.BenchFigures.median;
import static io.latchkey.auth.test.BenchFigures.medianRatio;

import io.latchkey.auth.config.Argon2Settings;
import io.latchkey.auth.config.AuthServerConfig;
import io.latchkey.auth.password.Argon2id;
import io.latchkey.auth.test.BenchFigures;
import io.latchkey.auth.test.TestAuthServer;
import io.latchkey.auth.test.TestClients;
import io.latchkey.common.NativeTransport;
import io.latchkey.common.testing.Await;
import io.latchkey.common.testing.PrometheusText;
import io.latchkey.common.testing.Wrk;
import io.latchkey.db.Database;
import io.latchkey.db.DatabaseSettings;
import io.latchkey.keys.crypto.SigningProvider;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Token throughput of auth-server + key-service in one JVM (as the dev stack runs them) on embedded PostgreSQL,
 * loaded by {@code wrk} (2 threads, 32 connections) from outside the JVM, next to its ceilings: the Argon2id
 * verification rate at the configured (default) parameters for logins; for the other grants, the raw RSA-2048
 * sign rate in series with the grant's database work alone (the client lookup, the refresh transaction). Also
 * key-service's {@code /internal/sign} alone under the same load, one token a request.
 * Each grant is warmed up first (the JIT keeps compiling for the first half minute of load), then measured
 * {@code bench.runs} times; the median is the figure. Run (needs {@code apt-get install -y wrk}):
 *
 * <pre>{@code ./mvnw -B -q -pl auth-server -am test-compile -Ptoken-benchmark -Dspotless.check.skip=true}</pre>
 *
 * System properties: {@code bench.seconds} (10, per measured run), {@code bench.runs} (3), {@code bench.warmup}
 * (30, seconds of client_credentials load before anything is timed), {@code bench.only} ({@code es256}: only
 * {@link Es256Comparison}'s figures, ES256 against RS256;
 * {@code refresh}: only RS256 refresh against its ceiling, with key-service's requests and batch sizes and this JVM's
 * CPU time per token for each run, and the machine's CPU per operation split by process ({@link CpuUse}) for the
 * transaction alone, the refresh and an HTTP exchange that does no work, so the part no ceiling counts is a figure),
 * {@code bench.signing} ({@code worker} or {@code event-loop}: key-service's {@code LATCHKEY_SIGNING_THREADS}).
 */
public final class TokenBenchmark {
    private static final int CONNECTIONS = 32;
    private static final int WRK_THREADS = 2;
    private static final int CHAINS = 64;
    private static final String ISSUER = BenchServers.ISSUER;
    private static final String LOGIN = login("bench-app");
    // Each thread keeps the refresh tokens its last answers returned and sends the newest one it holds.
    private static final String REFRESH_LUA = """
            local counter = 0
            function setup(thread)
              thread:set("id", counter)
              counter = counter + 1
            end
            local queue = {}
            function init(args)
              local n = 0
              for line in io.lines(args[1]) do
                if n %% %d == id then table.insert(queue, line) end
                n = n + 1
              end
            end
            function request()
              local token = table.remove(queue) or "exhausted"
              return wrk.format("POST", "/oauth2/token",
                {["Content-Type"] = "application/x-www-form-urlencoded"},
                "grant_type=refresh_token&client_id=%s&refresh_token=" .. token)
            end
            function response(status, headers, body)
              local token = body:match('"refresh_token":"([^"]+)"')
              if token then table.insert(queue, token) end
            end
            """;

    private TokenBenchmark() {}

    /** A password login of the {@code bench} user through public client {@code clientId}. */
    static String login(String clientId) {
        return "grant_type=password&client_id=" + clientId + "&username=bench&password=bench-password-1";
    }

    /** The refresh chains' wrk script for public client {@code clientId}. */
    static String refreshLua(String clientId) {
        return REFRESH_LUA.formatted(WRK_THREADS, clientId);
    }

    public static void main(String[] args) throws Exception {
        int seconds = Integer.getInteger("bench.seconds", 10);
        int runs = Integer.getInteger("bench.runs", 3);
        int warmUp = Integer.getInteger("bench.warmup", 30);
        int cores = Runtime.getRuntime().availableProcessors();
        BenchServers servers = BenchServers.start();
        Vertx vertx = servers.vertx();
        DatabaseSettings database = servers.database();
        AuthServerConfig config = servers.config();
        Pool pool = Database.pool(vertx, database, 2);
        TestClients.confidential("bench-svc").scopes("notes:read").insert(pool);
        TestClients.publicClient("bench-app").insert(pool);
        Argon2Settings argon2 = config.argon2();
        String hash = new Argon2id(argon2).hash("bench-password-1".toCharArray());
        Await.result(pool.preparedQuery("INSERT INTO users (username, password_hash) VALUES ('bench', $1)")
                .execute(Tuple.of(hash)));
        WebClient client = WebClient.create(
                vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(servers.authPort()));

        String tokenUrl = servers.authUrl("/oauth2/token");
        String basic = Base64.getEncoder()
                .encodeToString(("bench-svc:" + TestClients.secretOf("bench-svc")).getBytes(StandardCharsets.UTF_8));
        String form = "application/x-www-form-urlencoded";
        Path cc = Wrk.script(
                "POST",
                null,
                "grant_type=client_credentials",
                Map.of("Content-Type", form, "Authorization", "Basic " + basic));
        Path password = Wrk.script("POST", null, LOGIN, Map.of("Content-Type", form));
        Path refresh = Wrk.lua(refreshLua("bench-app"));
        String signUrl = servers.keysInternalUrl("/internal/sign");

        System.out.printf(
                "auth-server token benchmark: %d cores, wrk %d threads %d connections, %d x %d s per figure,"
                        + " Argon2id m=%d KiB t=%d p=%d, transport %s%n",
                cores,
                WRK_THREADS,
                CONNECTIONS,
                runs,
                seconds,
                argon2.memoryKib(),
                argon2.iterations(),
                argon2.parallelism(),
                NativeTransport.describe(vertx));
        if ("es256".equals(System.getProperty("bench.only"))) {
            // Issue 19's figures alone: ES256 against RS256, refresh ES256 against its transaction, token sizes.
            Pool lanes = Database.pool(vertx, database, CONNECTIONS);
            Es256Comparison.prepare(client, tokenUrl, pool, new DatabaseWork(lanes, CONNECTIONS))
                    .run(seconds, runs, warmUp);
            servers.close();
            System.exit(0);
        }
        if ("refresh".equals(System.getProperty("bench.only"))) {
            refreshOnly(client, servers, database, refresh, tokenUrl, seconds, runs, warmUp, cores);
        }
        Wrk.run(cc, tokenUrl, WRK_THREADS, CONNECTIONS, warmUp);
        Wrk.run(refresh, tokenUrl, WRK_THREADS, CONNECTIONS, Math.max(1, warmUp / 3), chains(client));
        Wrk.run(password, tokenUrl, WRK_THREADS, CONNECTIONS, Math.max(1, warmUp / 3));
        awaitNoLoginBacklog(client, servers.authManagementPort());
        Wrk.run(signScript(), signUrl, WRK_THREADS, CONNECTIONS, Math.max(1, warmUp / 3));

        // Each figure is measured right after its ceilings, run by run: the machine is shared and its speed
        // drifts by tens of percent over minutes, so only a ratio taken at the same moment means much. A grant
        // costs at least its database work plus one RSA signature, both on the same two cores, so the two
        // measured alone bound it at 1 / (1/db + 1/sign). (Not the /internal/sign hop alone: under load
        // auth-server sends queued tokens to key-service in batches, which that hop, one token a request, does not.)
        double sign1 = AloneRates.rsaSigns(1, seconds).perSecond();
        double signAll = AloneRates.rsaSigns(cores, seconds).perSecond();
        Pool lanes = Database.pool(vertx, database, CONNECTIONS);
        DatabaseWork databaseWork = new DatabaseWork(lanes, CONNECTIONS);
        List<Double> hop = new ArrayList<>();
        List<Double> signing = new ArrayList<>();
        List<Double> lookups = new ArrayList<>();
        List<Double> ccRates = new ArrayList<>();
        List<Double> transactions = new ArrayList<>();
        List<Double> refreshRates = new ArrayList<>();
        List<Double> hashRates = new ArrayList<>();
        List<Double> loginRates = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            hop.add(report("/internal/sign alone", Wrk.run(signScript(), signUrl, WRK_THREADS, CONNECTIONS, seconds)));
            signing.add(report(
                    "RSA signing alone", AloneRates.rsaSigns(cores, seconds).perSecond()));
            lookups.add(report("client lookup alone", databaseWork.clientLookups("bench-svc", seconds)));
            ccRates.add(report("client_credentials", Wrk.run(cc, tokenUrl, WRK_THREADS, CONNECTIONS, seconds)));
            transactions.add(report("refresh tx alone", databaseWork.refreshTransactions(seconds)));
            refreshRates.add(report(
                    "refresh_token", Wrk.run(refresh, tokenUrl, WRK_THREADS, CONNECTIONS, seconds, chains(client))));
            // Argon2id alone before and after the logins, averaged, so a drift during the run cancels out.
            double before =
                    AloneRates.argon2Verifications(argon2, cores, seconds).perSecond();
            loginRates.add(report("password", Wrk.run(password, tokenUrl, WRK_THREADS, CONNECTIONS, seconds)));
            awaitNoLoginBacklog(client, servers.authManagementPort());
            double after =
                    AloneRates.argon2Verifications(argon2, cores, seconds).perSecond();
            hashRates.add((before + after) / 2);
            System.out.printf("%-22s %8.1f/s before, %.1f/s after%n", "Argon2id alone", before, after);
        }
        List<Double> ccCeilings = new ArrayList<>();
        List<Double> refreshCeilings = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            ccCeilings.add(inSeries(lookups.get(i), signing.get(i)));
            refreshCeilings.add(inSeries(transactions.get(i), signing.get(i)));
        }
        servers.close();

        System.out.println();
        System.out.printf(
                "raw RSA-2048 RS256 signs/s (%s): 1 thread %.0f, %d threads %.0f%n",
                SigningProvider.best().name(), sign1, cores, signAll);
        System.out.printf(
                "/internal/sign alone  %6.0f/s = %.2f x RSA signing alone (%.0f/s, %d threads; one token a request)%n",
                median(hop), medianRatio(hop, signing), median(signing), cores);
        System.out.printf(
                "client_credentials    %6.0f/s = %.2f x the 4,000/s aim; %.2f x its ceiling %.0f/s (client lookup"
                        + " alone %.0f/s in series with RSA signing alone)%n",
                median(ccRates),
                median(ccRates) / 4000,
                medianRatio(ccRates, ccCeilings),
                median(ccCeilings),
                median(lookups));
        System.out.printf(
                "refresh_token         %6.0f/s = %.2f x the 3,000/s aim; %.2f x its ceiling %.0f/s (its transaction"
                        + " alone %.0f/s in series with RSA signing alone)%n",
                median(refreshRates),
                median(refreshRates) / 3000,
                medianRatio(refreshRates, refreshCeilings),
                median(refreshCeilings),
                median(transactions));
        System.out.printf(
                "password              %6.1f/s = %.2f x the Argon2id rate measured around it (median of run ratios;"
                        + " aim 0.90); Argon2id alone %.1f/s%n",
                median(loginRates), medianRatio(loginRates, hashRates), median(hashRates));
        System.out.printf("load average at the end: %s%n", BenchFigures.loadAverage());
        System.exit(0);
    }

    /**
     * Issue 23's figure alone: RS256 refresh beside its ceiling (RSA signing alone in series with the refresh
     * transaction alone), run by run, with its p50/p99; the other grants are not run, so a change to the refresh
     * path can be measured in a few minutes.
     */
    private static void refreshOnly(
            WebClient client,
            BenchServers servers,
            DatabaseSettings database,
            Path refresh,
            String tokenUrl,
            int seconds,
            int runs,
            int warmUp,
            int cores)
            throws Exception {
        Wrk.run(refresh, tokenUrl, WRK_THREADS, CONNECTIONS, warmUp, chains(client));
        Pool lanes = Database.pool(servers.vertx(), database, CONNECTIONS);
        DatabaseWork databaseWork = new DatabaseWork(lanes, CONNECTIONS);
        CpuUse machine = CpuUse.of(lanes);
        // An HTTP exchange that does no work (a static JSON document, answered from memory): what answering a
        // request over HTTP at all costs the machine, wrk included, which no grant can avoid and no ceiling counts.
        Path exchange = Wrk.script("GET", null, null, Map.of());
        String exchangeUrl = servers.authUrl("/.well-known/openid-configuration");
        List<Double> rates = new ArrayList<>();
        List<Double> ceilings = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            double signing = report(
                    "RSA signing alone", AloneRates.rsaSigns(cores, seconds).perSecond());
            CpuUse.Reading start = machine.read();
            double transaction = report("refresh tx alone", databaseWork.refreshTransactions(seconds));
            CpuUse.Split perTransaction = machine.split(start, machine.read(), Math.round(transaction * seconds));
            System.out.printf("  %s%n", perTransaction.describe("transaction"));
            String file = chains(client);
            Map<String, Double> before = keyServiceMetrics(client, servers);
            long cpu = BenchFigures.processCpuNanos();
            start = machine.read();
            Wrk.Result result = Wrk.run(refresh, tokenUrl, WRK_THREADS, CONNECTIONS, seconds, file);
            CpuUse.Reading end = machine.read();
            cpu = BenchFigures.processCpuNanos() - cpu;
            rates.add(report("refresh_token", result));
            CpuUse.Split perRefresh = machine.split(start, end, result.requests());
            System.out.printf("  %s%n", perRefresh.describe("refresh"));
            start = machine.read();
            Wrk.Result exchanges = Wrk.run(exchange, exchangeUrl, WRK_THREADS, CONNECTIONS, seconds);
            System.out.printf(
                    "  %s (%.0f/s)%n",
                    machine.split(start, machine.read(), exchanges.requests()).describe("HTTP exchange alone"),
                    exchanges.okPerSecond());
            // The ceiling's own cost: a signature (signing alone keeps every core busy) and the transaction.
            double signature = cores * 1e6 / signing;
            double counted = signature + perTransaction.machine();
            System.out.printf(
                    "  not in the ceiling: %.0f µs of machine CPU a refresh (a signature %.0f µs and the transaction"
                            + " %.0f µs are); 0.8 of the ceiling leaves room for %.0f%n",
                    perRefresh.machine() - counted, signature, perTransaction.machine(), counted / 0.8 - counted);
            reportSignHops(before, keyServiceMetrics(client, servers), cpu);
            ceilings.add(inSeries(transaction, signing));
        }
        servers.close();
        System.out.println();
        System.out.printf(
                "refresh_token         %6.0f/s = %.2f x its ceiling %.0f/s (median of run ratios; per run %s)%n",
                median(rates), medianRatio(rates, ceilings), median(ceilings), perRun(rates, ceilings));
        System.out.printf("load average at the end: %s%n", BenchFigures.loadAverage());
        System.exit(0);
    }

    private static Map<String, Double> keyServiceMetrics(WebClient client, BenchServers servers) throws Exception {
        String text = Await.result(client.get(servers.keysManagementPort(), "127.0.0.1", "/metrics")
                        .send())
                .bodyAsString();
        return PrometheusText.parse(text);
    }

    /**
     * How auth-server's signing reached key-service during a run (requests per token, the mean batch size), and the
     * CPU time both services (this JVM) spent per token: less sensitive than a rate to what else the machine runs.
     */
    private static void reportSignHops(Map<String, Double> before, Map<String, Double> after, long cpuNanos) {
        double tokens = delta(before, after, "latchkey_key_service_sign_requests_total", "outcome=\"signed\"");
        double batches = delta(before, after, "latchkey_key_service_sign_batches_total");
        double batched = delta(before, after, "latchkey_key_service_sign_batched_claim_sets_total");
        double single = tokens - batched;
        System.out.printf(
                "%-22s %8.0f tokens: %.0f alone, %.0f in %.0f batches (mean %.1f); %.2f requests a token;"
                        + " JVM CPU %.0f µs a token; load %s%n",
                "  key-service",
                tokens,
                single,
                batched,
                batches,
                batches == 0 ? 0 : batched / batches,
                tokens == 0 ? 0 : (single + batches) / tokens,
                tokens == 0 ? 0 : cpuNanos / 1e3 / tokens,
                BenchFigures.loadAverage());
    }

    private static double delta(
            Map<String, Double> before, Map<String, Double> after, String family, String... labels) {
        return PrometheusText.sum(after, family, labels) - PrometheusText.sum(before, family, labels);
    }

    private static String perRun(List<Double> rates, List<Double> ceilings) {
        List<String> ratios = new ArrayList<>();
        for (int i = 0; i < rates.size(); i++) {
            ratios.add(String.format("%.2f", rates.get(i) / ceilings.get(i)));
        }
        return String.join(", ", ratios);
    }

    /** Prints one closed-loop figure and returns it. */
    private static double report(String name, double perSecond) {
        System.out.printf("%-22s %8.1f/s%n", name, perSecond);
        return perSecond;
    }

    /** Prints one run and returns its 2xx responses per second. */
    private static double report(String name, Wrk.Result result) {
        System.out.printf(
                "%-22s %8.1f/s  p50 %s p99 %s%s%n",
                name,
                result.okPerSecond(),
                result.p50(),
                result.p99(),
                result.non2xx() > 0 ? "  (" + result.non2xx() + " non-2xx)" : "");
        return result.okPerSecond();
    }

    /**
     * Logins a run left queued still run after wrk hung up; whatever is timed next would share the cores with
     * them (and a login run would start with a full queue).
     */
    private static void awaitNoLoginBacklog(WebClient client, int managementPort) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            String metrics = Await.result(
                            client.get(managementPort, "127.0.0.1", "/metrics").send())
                    .bodyAsString();
            if (PrometheusText.sum(PrometheusText.parse(metrics), "latchkey_argon2_in_flight") == 0) {
                return;
            }
        }
        throw new IllegalStateException("the login backlog did not drain within 60 s");
    }

    /** Two kinds of work that share the machine, each measured alone at full load, done once per token. */
    private static double inSeries(double aloneRate, double otherAloneRate) {
        return 1 / (1 / aloneRate + 1 / otherAloneRate);
    }

    /** A file of fresh refresh tokens, one per line, each the start of a chain. */
    private static String chains(WebClient client) throws IOException {
        List<Future<String>> logins = new ArrayList<>();
        for (int i = 0; i < CHAINS; i++) {
            logins.add(client.post("/oauth2/token")
                    .putHeader("Content-Type", "application/x-www-form-urlencoded")
                    .sendBuffer(Buffer.buffer(LOGIN))
                    .map(r -> r.bodyAsJsonObject().getString("refresh_token")));
        }
        List<String> tokens = Await.result(Future.all(logins)).list();
        Path file = Files.createTempFile("bench-chains-", ".txt");
        file.toFile().deleteOnExit();
        Files.write(file, tokens);
        return file.toString();
    }

    /** key-service's signing API with the claims of a client_credentials token, fresh for a run of a minute. */
    private static Path signScript() throws IOException {
        long now = System.currentTimeMillis() / 1000;
        JsonObject claims = new JsonObject()
                .put("iss", ISSUER)
                .put("sub", "bench-svc")
                .put("aud", "resource-demo")
                .put("iat", now)
                .put("exp", now + 300)
                .put("jti", "bench-jti-0123456789abcdef")
                .put("client_id", "bench-svc")
                .put("scope", "notes:read");
        return Wrk.script(
                "POST",
                null,
                new JsonObject().put("typ", "at+jwt").put("claims", claims).encode(),
                Map.of(
                        "Content-Type",
                        "application/json",
                        "Authorization",
                        "Bearer " + TestAuthServer.INTERNAL_SECRET));
    }
}
