package io.latchkey.stack.bench;

import io.latchkey.common.config.DevValues;
import io.latchkey.common.testing.ServiceProcess;
import io.latchkey.db.DatabaseSettings;
import io.latchkey.db.test.TestPostgres;
import io.latchkey.stack.LoopbackHttp;
import io.latchkey.stack.Replica;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The memory soak: the three services as separate JVMs started with the container image's JVM flags (asked of the
 * entry script itself, {@code docker/latchkey jvm-options <service>}, with {@code MALLOC_ARENA_MAX=2} as it exports),
 * then minutes of mixed load: client-credentials tokens, password logins, refreshes, resource calls, token
 * revocations and logouts (both reach resource-demo over the revocation feed) and JWKS fetches. It reports for each
 * service the live heap after a full GC ({@code jcmd GC.class_histogram}) at the start and the end, and resident
 * memory ({@code VmRSS}) at the start, at its peak under load, at the end of the load and after 20 s idle. A report,
 * not a test: nothing here asserts a figure.
 *
 * <p>Run: {@code ./mvnw -B -o -pl stack -am verify -Psoak-benchmark -DskipTests -Dspotless.check.skip=true}
 * ({@code -Dsoak.seconds=180}, {@code -Dsoak.clients=4}); it writes {@code stack/SOAK.md}.
 */
public final class SoakBenchmark {
    private static final int SECONDS = Integer.getInteger("soak.seconds", 180);
    private static final int CLIENTS = Integer.getInteger("soak.clients", 4);
    private static final Path ROOT = Path.of(System.getProperty("latchkey.project.root", ".."))
            .toAbsolutePath()
            .normalize();
    private static final String USER = "soak-user";
    private static final String PASSWORD = "soak-user-password-0123456789";
    private static final LoopbackHttp HTTP = new LoopbackHttp();
    private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$");

    private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();

    private SoakBenchmark() {}

    public static void main(String[] args) throws Exception {
        int status = 0;
        try {
            new SoakBenchmark().run(Path.of(System.getProperty("soak.out", "SOAK.md")));
        } catch (Exception | AssertionError e) {
            e.printStackTrace();
            status = 1;
        }
        System.exit(status);
    }

    private record Service(String name, Replica replica, int managementPort, List<String> flags) {
        long pid() {
            return replica.process().process().pid();
        }

        double rssMib() {
            return replica.process().residentKib() / 1024.0;
        }
    }

    private void run(Path out) throws Exception {
        Path dir = Files.createTempDirectory("latchkey-soak-");
        DatabaseSettings database = TestPostgres.get().createDatabase();
        List<Service> services = new ArrayList<>();
        try {
            int[] ports = ServiceProcess.freePorts(7);
            String issuer = "http://localhost:" + ports[2];
            Map<String, String> common = new HashMap<>();
            common.put("LATCHKEY_DEV_MODE", "true");
            common.put("LATCHKEY_HOST", "127.0.0.1");
            common.put("LATCHKEY_DB_URL", database.url());
            common.put("LATCHKEY_ISSUER", issuer);
            common.put("LATCHKEY_INTERNAL_SECRET", DevValues.INTERNAL_SECRET);

            Map<String, String> keysEnv = new HashMap<>(common);
            keysEnv.put("LATCHKEY_PORT", Integer.toString(ports[0]));
            keysEnv.put("LATCHKEY_INTERNAL_PORT", Integer.toString(ports[1]));
            keysEnv.put("LATCHKEY_KEK", newKek());
            Service keys = start("key-service", "io.latchkey.keys.KeyServiceMain", ports[0], ports[4], keysEnv, dir);
            services.add(keys);

            Map<String, String> authEnv = new HashMap<>(common);
            authEnv.put("LATCHKEY_PORT", Integer.toString(ports[2]));
            authEnv.put("LATCHKEY_JWKS_URI", keys.replica().url() + "/.well-known/jwks.json");
            authEnv.put("LATCHKEY_KEY_SERVICE_URL", "http://127.0.0.1:" + ports[1]);
            authEnv.put("LATCHKEY_ADMIN_CLIENT_SECRET", DevValues.ADMIN_CLIENT_SECRET);
            Service auth = start("auth-server", "io.latchkey.auth.AuthServerMain", ports[2], ports[5], authEnv, dir);
            services.add(auth);
            seed(auth.replica().url());

            Map<String, String> demoEnv = new HashMap<>(common);
            demoEnv.put("LATCHKEY_PORT", Integer.toString(ports[3]));
            demoEnv.put("LATCHKEY_FEED_CLIENT_ID", "resource-demo");
            demoEnv.put("LATCHKEY_FEED_CLIENT_SECRET", DevValues.RESOURCE_DEMO_SECRET);
            demoEnv.put("LATCHKEY_AUTH_SERVER_URLS", auth.replica().url());
            Service demo =
                    start("resource-demo", "io.latchkey.demo.ResourceDemoMain", ports[3], ports[6], demoEnv, dir);
            services.add(demo);

            Map<String, Double> liveStart = new LinkedHashMap<>();
            Map<String, Double> rssStart = new LinkedHashMap<>();
            for (Service service : services) {
                liveStart.put(service.name(), liveHeapMib(service));
                rssStart.put(service.name(), service.rssMib());
            }
            progress("mixed load: " + CLIENTS + " clients for " + SECONDS + " s");
            Map<String, Double> rssPeak =
                    load(services, auth.replica().url(), demo.replica().url(), keys);
            Map<String, Double> rssEnd = new LinkedHashMap<>();
            for (Service service : services) {
                rssEnd.put(service.name(), service.rssMib());
            }
            Map<String, Double> liveEnd = new LinkedHashMap<>();
            for (Service service : services) {
                liveEnd.put(service.name(), liveHeapMib(service));
            }
            for (Service service : services) {
                nativeMemory(service);
            }
            progress("20 s idle");
            Thread.sleep(20_000); // the idle period being measured, not a wait for a condition
            Map<String, Double> rssIdle = new LinkedHashMap<>();
            for (Service service : services) {
                rssIdle.put(service.name(), service.rssMib());
            }
            write(out, services, liveStart, rssStart, rssPeak, rssEnd, liveEnd, rssIdle);
        } finally {
            services.forEach(service -> service.replica().process().close());
            TestPostgres.get().dropDatabase(database);
        }
        progress("wrote " + out.toAbsolutePath());
    }

    private Service start(
            String name, String mainClass, int port, int managementPort, Map<String, String> env, Path dir)
            throws Exception {
        List<String> flags = imageFlags(name);
        progress("starting " + name + " with " + String.join(" ", flags));
        Replica replica = new Replica(
                ServiceProcess.main(name, mainClass)
                        .jvmOptions(flags)
                        .env(env)
                        .env("LATCHKEY_MANAGEMENT_PORT", Integer.toString(managementPort))
                        .env("MALLOC_ARENA_MAX", "2")
                        .directory(dir)
                        .start(),
                port);
        replica.awaitReady(Duration.ofSeconds(120));
        return new Service(name, replica, managementPort, flags);
    }

    /** The flags the image's entry point gives {@code service}, from the entry point itself. */
    private static List<String> imageFlags(String service) throws Exception {
        Process script = new ProcessBuilder(
                        "sh", ROOT.resolve("docker/latchkey").toString(), "jvm-options", service)
                .redirectErrorStream(true)
                .start();
        String line = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!script.waitFor(10, TimeUnit.SECONDS) || script.exitValue() != 0) {
            throw new IllegalStateException("docker/latchkey jvm-options " + service + ": " + line);
        }
        return List.of(line.split("\\s+"));
    }

    /** Runs the mixed load; returns each service's peak resident memory, sampled every second. */
    private Map<String, Double> load(List<Service> services, String authUrl, String demoUrl, Service keys)
            throws Exception {
        Map<String, Double> peak = new ConcurrentHashMap<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        for (int i = 0; i < CLIENTS; i++) {
            pool.execute(() -> {
                long round = 0;
                while (System.nanoTime() < end) {
                    round++;
                    try {
                        mixedRound(round, authUrl, demoUrl, keys.replica().url());
                    } catch (IOException | RuntimeException e) {
                        count("error " + e.getClass().getSimpleName());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            });
        }
        pool.shutdown();
        long lastReport = System.nanoTime();
        while (!pool.awaitTermination(1, TimeUnit.SECONDS)) {
            for (Service service : services) {
                peak.merge(service.name(), service.rssMib(), Math::max);
            }
            if (System.nanoTime() - lastReport > TimeUnit.SECONDS.toNanos(30)) {
                lastReport = System.nanoTime();
                progress("  rss now " + rssLine(services) + "; requests " + outcomes);
            }
        }
        return peak;
    }

    /**
     * One client's round: a client-credentials token and three resource calls with it; every fourth round a
     * password login, a refresh, a resource call and a logout; every eighth a revocation of the service token and a
     * JWKS fetch.
     */
    private void mixedRound(long round, String authUrl, String demoUrl, String keysUrl)
            throws IOException, InterruptedException {
        HttpResponse<String> service = HTTP.form(
                authUrl + "/oauth2/token",
                LoopbackHttp.basic("demo-service", DevValues.DEMO_SERVICE_SECRET),
                Map.of("grant_type", "client_credentials"));
        count("token client_credentials " + service.statusCode());
        if (service.statusCode() != 200) {
            return;
        }
        String serviceToken = new JsonObject(service.body()).getString("access_token");
        for (int i = 0; i < 3; i++) {
            count("resource call " + HTTP.get(demoUrl + "/api/me", serviceToken).statusCode());
        }
        if (round % 4 == 0) {
            HttpResponse<String> login = HTTP.form(
                    authUrl + "/oauth2/token",
                    null,
                    Map.of("grant_type", "password", "client_id", "demo-app", "username", USER, "password", PASSWORD));
            count("login " + login.statusCode());
            if (login.statusCode() == 200) {
                JsonObject tokens = new JsonObject(login.body());
                HttpResponse<String> refreshed = HTTP.form(
                        authUrl + "/oauth2/token",
                        null,
                        Map.of(
                                "grant_type",
                                "refresh_token",
                                "client_id",
                                "demo-app",
                                "refresh_token",
                                tokens.getString("refresh_token")));
                count("refresh " + refreshed.statusCode());
                if (refreshed.statusCode() == 200) {
                    String access = new JsonObject(refreshed.body()).getString("access_token");
                    count("resource call "
                            + HTTP.get(demoUrl + "/api/me", access).statusCode());
                    count("logout " + HTTP.post(authUrl + "/logout", access).statusCode());
                }
            }
        }
        if (round % 8 == 0) {
            count("revoke "
                    + HTTP.form(
                                    authUrl + "/oauth2/revoke",
                                    LoopbackHttp.basic("demo-service", DevValues.DEMO_SERVICE_SECRET),
                                    Map.of("token", serviceToken))
                            .statusCode());
            count("jwks " + HTTP.get(keysUrl + "/.well-known/jwks.json", null).statusCode());
        }
    }

    private void count(String outcome) {
        outcomes.computeIfAbsent(outcome, k -> new LongAdder()).increment();
    }

    /** Live heap after a full GC: {@code GC.class_histogram} collects first, then totals the live objects. */
    private static double liveHeapMib(Service service) throws Exception {
        Process jcmd = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                        Long.toString(service.pid()),
                        "GC.class_histogram")
                .redirectErrorStream(true)
                .start();
        String text = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        jcmd.waitFor(60, TimeUnit.SECONDS);
        Matcher total = HISTOGRAM_TOTAL.matcher(text);
        if (!total.find()) {
            throw new IllegalStateException("no histogram total from jcmd for " + service.name() + ": "
                    + text.substring(0, Math.min(400, text.length())));
        }
        return Long.parseLong(total.group(1)) / (1024.0 * 1024.0);
    }

    /**
     * With {@code JAVA_OPTS=-XX:NativeMemoryTracking=summary} (the entry point passes it on), prints where each
     * service's committed memory is, by the JVM's own account: how the flags were chosen.
     */
    private static void nativeMemory(Service service) throws Exception {
        if (service.flags().stream().noneMatch(flag -> flag.startsWith("-XX:NativeMemoryTracking="))) {
            return;
        }
        Process jcmd = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                        Long.toString(service.pid()),
                        "VM.native_memory",
                        "summary")
                .redirectErrorStream(true)
                .start();
        String text = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        jcmd.waitFor(60, TimeUnit.SECONDS);
        Matcher category = Pattern.compile("(?m)^-\\s+(.+?) \\(reserved=\\d+KB, committed=(\\d+)KB\\)")
                .matcher(text);
        StringBuilder line = new StringBuilder(service.name()).append(" committed (MiB):");
        while (category.find()) {
            line.append(' ')
                    .append(category.group(1).trim().replace(' ', '_'))
                    .append('=')
                    .append(mib(Long.parseLong(category.group(2)) / 1024.0));
        }
        progress(line.toString());
    }

    private static void seed(String authUrl) throws Exception {
        HttpResponse<String> token = HTTP.form(
                authUrl + "/oauth2/token",
                LoopbackHttp.basic("admin-cli", DevValues.ADMIN_CLIENT_SECRET),
                Map.of("grant_type", "client_credentials"));
        String admin = new JsonObject(token.body()).getString("access_token");
        created(HTTP.postJson(
                authUrl + "/admin/users",
                admin,
                new JsonObject().put("username", USER).put("password", PASSWORD)));
        created(HTTP.postJson(
                authUrl + "/admin/clients",
                admin,
                client("demo-app", null, List.of("password", "refresh_token"), List.of("notes:read"))
                        .put("token_endpoint_auth_method", "none")));
        created(HTTP.postJson(
                authUrl + "/admin/clients",
                admin,
                client(
                        "demo-service",
                        DevValues.DEMO_SERVICE_SECRET,
                        List.of("client_credentials"),
                        List.of("notes:read"))));
        created(HTTP.postJson(
                authUrl + "/admin/clients",
                admin,
                client(
                        "resource-demo",
                        DevValues.RESOURCE_DEMO_SECRET,
                        List.of("client_credentials"),
                        List.of("revocations:read"))));
    }

    private static JsonObject client(String id, String secret, List<String> grants, List<String> scopes) {
        JsonObject client = new JsonObject()
                .put("client_id", id)
                .put("grant_types", new JsonArray(grants))
                .put("scopes", new JsonArray(scopes))
                .put("audience", "resource-demo");
        return secret == null ? client : client.put("client_secret", secret);
    }

    private static void created(HttpResponse<String> response) {
        if (response.statusCode() != 201) {
            throw new IllegalStateException("seeding failed: HTTP " + response.statusCode() + " " + response.body());
        }
    }

    private static String newKek() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private static String rssLine(List<Service> services) {
        StringBuilder line = new StringBuilder();
        for (Service service : services) {
            line.append(service.name())
                    .append(' ')
                    .append(mib(service.rssMib()))
                    .append(" MiB  ");
        }
        return line.toString().trim();
    }

    private void write(
            Path out,
            List<Service> services,
            Map<String, Double> liveStart,
            Map<String, Double> rssStart,
            Map<String, Double> rssPeak,
            Map<String, Double> rssEnd,
            Map<String, Double> liveEnd,
            Map<String, Double> rssIdle)
            throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("# Memory soak\n\n")
                .append("Written by `SoakBenchmark` (`-Psoak-benchmark`) on ")
                .append(Instant.now())
                .append(": ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" cores, load average before the run ")
                .append(loadAverage())
                .append(". The three services as separate JVMs with the image's flags, ")
                .append(SECONDS)
                .append(" s of mixed load from ")
                .append(CLIENTS)
                .append(" clients.\n\n");
        md.append("| service | JVM flags | live heap after full GC, start / end (MiB) | resident, start / peak / end"
                        + " of load / after 20 s idle (MiB) |\n")
                .append("| --- | --- | ---: | ---: |\n");
        for (Service service : services) {
            String name = service.name();
            md.append("| ")
                    .append(name)
                    .append(" | `")
                    .append(String.join(" ", service.flags()))
                    .append("` | ")
                    .append(mib(liveStart.get(name)))
                    .append(" / ")
                    .append(mib(liveEnd.get(name)))
                    .append(" | ")
                    .append(mib(rssStart.get(name)))
                    .append(" / ")
                    .append(mib(rssPeak.getOrDefault(name, 0.0)))
                    .append(" / ")
                    .append(mib(rssEnd.get(name)))
                    .append(" / ")
                    .append(mib(rssIdle.get(name)))
                    .append(" |\n");
        }
        md.append("\nRequests by outcome (status code):\n\n| request | count |\n| --- | ---: |\n");
        new java.util.TreeMap<>(outcomes)
                .forEach((k, v) ->
                        md.append("| ").append(k).append(" | ").append(v.sum()).append(" |\n"));
        Files.writeString(out, md.toString());
        System.out.print(md);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String mib(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    private static void progress(String message) {
        System.out.println("[soak] " + message);
        System.out.flush();
    }
}
