package io.latchkey.auth.bench;

import static io.latchkey.auth.test.BenchFigures.median;
import static io.latchkey.auth.test.BenchFigures.medianRatio;

import io.latchkey.auth.test.BenchFigures;
import io.latchkey.auth.test.TestClients;
import io.latchkey.common.testing.Await;
import io.latchkey.common.testing.Wrk;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * ES256 against RS256 on the same servers in the same run ({@link TokenBenchmark}'s part for issue 19):
 * client_credentials of an RS256 client and of an ES256 client interleaved run by run (aim: ES256 at least twice
 * RS256), refresh of an ES256 client against its own ceiling, the refresh transaction alone (aim: 0.6 of it), and
 * the size in characters of a client token and of a user token of each algorithm.
 */
final class Es256Comparison {
    private static final int CONNECTIONS = 32;
    private static final int WRK_THREADS = 2;
    private static final int CHAINS = 64;
    private static final String FORM = "application/x-www-form-urlencoded";

    private final WebClient client;
    private final String tokenUrl;
    private final DatabaseWork databaseWork;

    private Es256Comparison(WebClient client, String tokenUrl, DatabaseWork databaseWork) {
        this.client = client;
        this.tokenUrl = tokenUrl;
        this.databaseWork = databaseWork;
    }

    /** Registers the RS256 and ES256 clients this comparison uses (the {@code bench} user must exist). */
    static Es256Comparison prepare(WebClient client, String tokenUrl, Pool pool, DatabaseWork databaseWork) {
        TestClients.confidential("bench-rs").scopes("notes:read").insert(pool);
        TestClients.confidential("bench-es").scopes("notes:read").insert(pool);
        TestClients.publicClient("bench-app-rs").insert(pool);
        TestClients.publicClient("bench-app-es").insert(pool);
        for (String es : List.of("bench-es", "bench-app-es")) {
            Await.result(
                    pool.preparedQuery("UPDATE clients SET access_token_signing_alg = 'ES256' WHERE client_id = $1")
                            .execute(io.vertx.sqlclient.Tuple.of(es)));
        }
        return new Es256Comparison(client, tokenUrl, databaseWork);
    }

    void run(int seconds, int runs, int warmUp) throws Exception {
        Path ccRs = clientCredentials("bench-rs");
        Path ccEs = clientCredentials("bench-es");
        Path refreshEs = Wrk.lua(TokenBenchmark.refreshLua("bench-app-es"));
        Wrk.run(ccRs, tokenUrl, WRK_THREADS, CONNECTIONS, warmUp);
        Wrk.run(ccEs, tokenUrl, WRK_THREADS, CONNECTIONS, warmUp);
        Wrk.run(refreshEs, tokenUrl, WRK_THREADS, CONNECTIONS, Math.max(1, warmUp / 3), chains("bench-app-es"));

        List<Double> rawRs = new ArrayList<>();
        List<Double> rawEs = new ArrayList<>();
        List<Double> rawRsCpu = new ArrayList<>();
        List<Double> rawEsCpu = new ArrayList<>();
        int cores = Runtime.getRuntime().availableProcessors();
        List<Double> rs = new ArrayList<>();
        List<Double> es = new ArrayList<>();
        List<Double> transactions = new ArrayList<>();
        List<Double> refreshes = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            AloneRates.Rate rsaAlone = AloneRates.rsaSigns(cores, seconds);
            AloneRates.Rate ecAlone = AloneRates.es256Signs(cores, seconds);
            rawRs.add(report("raw RS256 signs", rsaAlone.perSecond()));
            rawEs.add(report("raw ES256 signs", ecAlone.perSecond()));
            rawRsCpu.add(rsaAlone.perCpuSecond());
            rawEsCpu.add(ecAlone.perCpuSecond());
            // Alternate which goes first, so a drift of the machine's speed does not favour one algorithm.
            if (i % 2 == 0) {
                rs.add(report("client_credentials RS256", Wrk.run(ccRs, tokenUrl, WRK_THREADS, CONNECTIONS, seconds)));
                es.add(report("client_credentials ES256", Wrk.run(ccEs, tokenUrl, WRK_THREADS, CONNECTIONS, seconds)));
            } else {
                es.add(report("client_credentials ES256", Wrk.run(ccEs, tokenUrl, WRK_THREADS, CONNECTIONS, seconds)));
                rs.add(report("client_credentials RS256", Wrk.run(ccRs, tokenUrl, WRK_THREADS, CONNECTIONS, seconds)));
            }
            transactions.add(report("refresh tx alone", databaseWork.refreshTransactions(seconds)));
            refreshes.add(report(
                    "refresh_token ES256",
                    Wrk.run(refreshEs, tokenUrl, WRK_THREADS, CONNECTIONS, seconds, chains("bench-app-es"))));
        }

        System.out.println();
        System.out.printf(
                "raw signs, %d threads: ES256 %.0f/s vs RS256 %.0f/s: %.2f x; per CPU second ES256 %.0f vs RS256 %.0f"
                        + " (%.1f us vs %.1f us of a core per signature)%n",
                cores,
                median(rawEs),
                median(rawRs),
                medianRatio(rawEs, rawRs),
                median(rawEsCpu),
                median(rawRsCpu),
                1e6 / median(rawEsCpu),
                1e6 / median(rawRsCpu));
        System.out.printf(
                "client_credentials ES256 %6.0f/s vs RS256 %6.0f/s: %.2f x (median of run ratios; aim 2.00)%n",
                median(es), median(rs), medianRatio(es, rs));
        System.out.printf(
                "refresh_token ES256      %6.0f/s = %.2f x its ceiling, the refresh transaction alone %.0f/s"
                        + " (median of run ratios; aim 0.60)%n",
                median(refreshes), medianRatio(refreshes, transactions), median(transactions));
        System.out.printf(
                "token sizes (characters): client token RS256 %d, ES256 %d; user token RS256 %d, ES256 %d%n",
                clientToken("bench-rs").length(),
                clientToken("bench-es").length(),
                userToken("bench-app-rs").length(),
                userToken("bench-app-es").length());
        System.out.printf("load average at the end: %s%n", BenchFigures.loadAverage());
    }

    private static double report(String name, double perSecond) {
        System.out.printf("%-26s %8.1f/s%n", name, perSecond);
        return perSecond;
    }

    private static double report(String name, Wrk.Result result) {
        System.out.printf(
                "%-26s %8.1f/s  p50 %s p99 %s%s%n",
                name,
                result.okPerSecond(),
                result.p50(),
                result.p99(),
                result.non2xx() > 0 ? "  (" + result.non2xx() + " non-2xx)" : "");
        return result.okPerSecond();
    }

    private static Path clientCredentials(String clientId) throws IOException {
        String basic = Base64.getEncoder()
                .encodeToString((clientId + ":" + TestClients.secretOf(clientId)).getBytes(StandardCharsets.UTF_8));
        return Wrk.script(
                "POST",
                null,
                "grant_type=client_credentials",
                Map.of("Content-Type", FORM, "Authorization", "Basic " + basic));
    }

    private String clientToken(String clientId) {
        String basic = Base64.getEncoder()
                .encodeToString((clientId + ":" + TestClients.secretOf(clientId)).getBytes(StandardCharsets.UTF_8));
        return Await.result(client.post("/oauth2/token")
                        .putHeader("Content-Type", FORM)
                        .putHeader("Authorization", "Basic " + basic)
                        .sendBuffer(Buffer.buffer("grant_type=client_credentials")))
                .bodyAsJsonObject()
                .getString("access_token");
    }

    /** The access token of a password login: a user token (sub, sid, auth_time, scope). */
    private String userToken(String clientId) {
        return Await.result(login(clientId)).getString("access_token");
    }

    private Future<JsonObject> login(String clientId) {
        return client.post("/oauth2/token")
                .putHeader("Content-Type", FORM)
                .sendBuffer(Buffer.buffer(TokenBenchmark.login(clientId)))
                .map(r -> r.bodyAsJsonObject());
    }

    /** A file of fresh refresh tokens of {@code clientId}, one per line, each the start of a chain. */
    private String chains(String clientId) throws IOException {
        List<Future<String>> logins = new ArrayList<>();
        for (int i = 0; i < CHAINS; i++) {
            logins.add(login(clientId).map(json -> json.getString("refresh_token")));
        }
        List<String> tokens = Await.result(Future.all(logins)).list();
        Path file = Files.createTempFile("bench-chains-", ".txt");
        file.toFile().deleteOnExit();
        Files.write(file, tokens);
        return file.toString();
    }
}
