package io.latchkey.auth.bench;

import static io.latchkey.auth.test.BenchFigures.median;

import io.latchkey.auth.test.BenchFigures;
import io.latchkey.auth.test.DpopKey;
import io.latchkey.auth.test.TestClients;
import io.latchkey.common.NativeTransport;
import io.latchkey.common.crypto.NativeCrypto;
import io.latchkey.common.testing.Wrk;
import io.latchkey.db.Database;
import io.vertx.sqlclient.Pool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * client_credentials at the token endpoint with a DPoP proof (RFC 9449) against the same without, in the same run:
 * auth-server + key-service in one JVM on embedded PostgreSQL, loaded by {@code wrk} (2 threads, 32 connections).
 * Every DPoP request carries a fresh proof (ES256, its own {@code jti}, signed by the JDK before the run, so wrk
 * only sends it), which the server checks and records in {@code dpop_proof_jtis}. Both runs send their requests
 * from the same Lua script, so the client's cost is the same. The figure is the median, over {@code bench.runs}
 * pairs, of the DPoP rate over the plain rate measured just before it (the aim is at least 0.7). Run:
 *
 * <pre>{@code ./mvnw -B -q -pl auth-server -am test-compile -Pdpop-benchmark -Dspotless.check.skip=true}</pre>
 *
 * System properties: {@code bench.seconds} (10, per measured run), {@code bench.runs} (3), {@code bench.warmup}
 * (20, seconds of each kind of load before anything is timed).
 */
public final class DpopTokenBenchmark {
    private static final int CONNECTIONS = 32;
    private static final int WRK_THREADS = 2;
    private static final int KEYS = 16;
    /** Proofs per second of load prepared: well above what two cores can issue, so a run never runs out. */
    private static final int PROOFS_PER_SECOND = 6000;

    // Each wrk thread takes every WRK_THREADS-th proof of the file and sends each once; "none" sends no proof.
    private static final String LUA = """
            local counter = 0
            function setup(thread)
              thread:set("id", counter)
              counter = counter + 1
            end
            local queue = {}
            local dpop = true
            function init(args)
              if args[1] == "none" then dpop = false return end
              local n = 0
              for line in io.lines(args[1]) do
                if n %% %d == id then table.insert(queue, line) end
                n = n + 1
              end
            end
            function request()
              local headers = {["Content-Type"] = "application/x-www-form-urlencoded",
                               ["Authorization"] = "Basic %s"}
              if dpop then headers["DPoP"] = table.remove(queue) or "exhausted" end
              return wrk.format("POST", "/oauth2/token", headers, "grant_type=client_credentials")
            end
            """;

    private DpopTokenBenchmark() {}

    public static void main(String[] args) throws Exception {
        int seconds = Integer.getInteger("bench.seconds", 10);
        int runs = Integer.getInteger("bench.runs", 3);
        int warmUp = Integer.getInteger("bench.warmup", 20);
        // As AuthServerMain and the dev stack do: the native provider, where it loads, verifies the proofs.
        boolean nativeCrypto = NativeCrypto.install();
        BenchServers servers = BenchServers.start();
        Pool pool = Database.pool(servers.vertx(), servers.database(), 2);
        TestClients.confidential("bench-svc").scopes("notes:read").insert(pool);
        String basic = Base64.getEncoder()
                .encodeToString(("bench-svc:" + TestClients.secretOf("bench-svc")).getBytes(StandardCharsets.UTF_8));
        Path script = Wrk.lua(LUA.formatted(WRK_THREADS, basic));
        String tokenUrl = servers.authUrl("/oauth2/token");
        String htu = BenchServers.ISSUER + "/oauth2/token";
        List<DpopKey> keys = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            keys.add(DpopKey.es256());
        }

        System.out.printf(
                "auth-server DPoP token benchmark: %d cores, wrk %d threads %d connections, %d x %d s per figure,"
                        + " ES256 proofs checked %s, transport %s, load %s%n",
                Runtime.getRuntime().availableProcessors(),
                WRK_THREADS,
                CONNECTIONS,
                runs,
                seconds,
                nativeCrypto ? "natively on the event loop" : "by the JDK provider on worker threads",
                NativeTransport.describe(servers.vertx()),
                BenchFigures.loadAverage());
        Wrk.run(script, tokenUrl, WRK_THREADS, CONNECTIONS, warmUp, "none");
        Wrk.run(
                script,
                tokenUrl,
                WRK_THREADS,
                CONNECTIONS,
                warmUp,
                proofs(keys, htu, warmUp).toString());

        List<Double> plain = new ArrayList<>();
        List<Double> dpop = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            Path file = proofs(keys, htu, seconds);
            Wrk.Result without = Wrk.run(script, tokenUrl, WRK_THREADS, CONNECTIONS, seconds, "none");
            Wrk.Result with = Wrk.run(script, tokenUrl, WRK_THREADS, CONNECTIONS, seconds, file.toString());
            Files.deleteIfExists(file);
            plain.add(without.okPerSecond());
            dpop.add(with.okPerSecond());
            ratios.add(with.okPerSecond() / without.okPerSecond());
            System.out.printf(
                    "run %d: without DPoP %7.0f/s (p50 %s, p99 %s, non-2xx %d); with DPoP %7.0f/s (p50 %s, p99 %s,"
                            + " non-2xx %d); ratio %.2f%n",
                    i + 1,
                    without.okPerSecond(),
                    without.p50(),
                    without.p99(),
                    without.non2xx(),
                    with.okPerSecond(),
                    with.p50(),
                    with.p99(),
                    with.non2xx(),
                    ratios.get(i));
        }
        pool.close();
        servers.close();
        System.out.println();
        System.out.printf(
                "client_credentials without DPoP %6.0f/s, with DPoP %6.0f/s: DPoP/plain %.2f (median of %d same-run"
                        + " ratios; aim >= 0.7)%n",
                median(plain), median(dpop), median(ratios), runs);
        System.exit(0);
    }

    /** A file of fresh proofs, one a line, enough for {@code seconds} of load; each iat is now. */
    private static Path proofs(List<DpopKey> keys, String htu, int seconds) throws Exception {
        int count = PROOFS_PER_SECOND * seconds;
        StringBuilder lines = new StringBuilder(count * 600);
        for (int i = 0; i < count; i++) {
            lines.append(keys.get(i % keys.size()).proof("POST", htu)).append('\n');
        }
        Path file = Files.createTempFile("dpop-proofs-", ".txt");
        file.toFile().deleteOnExit();
        Files.writeString(file, lines);
        return file;
    }
}
