package io.latchkey.stack;

import io.latchkey.auth.AuthServerVerticle;
import io.latchkey.auth.config.AuthServerConfig;
import io.latchkey.common.NativeTransport;
import io.latchkey.common.StartFailures;
import io.latchkey.common.config.DevValues;
import io.latchkey.common.config.Env;
import io.latchkey.common.tls.ClientTls;
import io.latchkey.db.DatabaseSettings;
import io.latchkey.db.Migrations;
import io.latchkey.demo.ResourceDemoConfig;
import io.latchkey.demo.ResourceDemoVerticle;
import io.latchkey.keys.KeyServiceVerticle;
import io.latchkey.keys.config.KeyServiceConfig;
import io.vertx.core.Deployable;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Starts PostgreSQL (embedded unless {@code LATCHKEY_DB_URL} is set), migrates, deploys key-service, auth-server
 * and resource-demo with the dev values the top-level README lists, and seeds the dev data when it is absent.
 * Every service binds loopback only: the dev secrets are public. With {@code --tls} every listener serves HTTPS
 * from the dev certificates, every client trusts the dev CA, and key-service's internal listener requires
 * auth-server's client certificate (mutual TLS), as a production deployment would.
 */
final class DevStack implements AutoCloseable {
    private static final long START_SECONDS = 120;
    private static final long STOP_SECONDS = 20;
    private static final Pattern WIRING =
            Pattern.compile(".*_(URLS?|URI|HOST|PORT|SECRET|KEK|ISSUER|AUDIENCE|CLIENT_ID)|LATCHKEY_DEV_MODE");

    private final StackSettings settings;
    private final EmbeddedDatabase embedded;
    private final DatabaseSettings database;
    private final Vertx vertx;
    private final long startedNanos;
    private DevCertificates certificates;
    private KeyServiceVerticle keys;
    private AuthServerVerticle auth;
    private ResourceDemoVerticle demo;

    private DevStack(StackSettings settings, EmbeddedDatabase embedded, DatabaseSettings database, long startedNanos) {
        this.settings = settings;
        this.embedded = embedded;
        this.database = database;
        this.vertx = Vertx.vertx(NativeTransport.prefer(new VertxOptions()));
        this.startedNanos = startedNanos;
    }

    static DevStack start(StackSettings settings) throws Exception {
        long started = System.nanoTime();
        EmbeddedDatabase embedded = null;
        DatabaseSettings database;
        if (settings.externalDatabaseUrl().isPresent()) {
            database = DatabaseSettings.parse(
                    "LATCHKEY_DB_URL", settings.externalDatabaseUrl().get());
        } else {
            embedded = EmbeddedDatabase.start(settings.dataDir(), settings.databasePort());
            database = embedded.settings();
        }
        DevStack stack = new DevStack(settings, embedded, database, started);
        try {
            stack.deployAll();
        } catch (Exception e) {
            stack.close();
            throw e;
        }
        return stack;
    }

    private void deployAll() throws Exception {
        Migrations.run(database);
        String kek = DevKek.loadOrCreate(settings.dataDir());
        Map<String, String> common = new HashMap<>();
        System.getenv().forEach((name, value) -> {
            if (isTuning(name)) {
                common.put(name, value);
            }
        });
        common.put("LATCHKEY_DEV_MODE", "true");
        common.put("LATCHKEY_HOST", "127.0.0.1");
        common.put("LATCHKEY_DB_URL", database.url());
        common.put("LATCHKEY_ISSUER", settings.issuer());
        common.put("LATCHKEY_INTERNAL_SECRET", DevValues.INTERNAL_SECRET);
        if (settings.tls()) {
            certificates = DevCertificates.loadOrCreate(settings.dataDir());
            common.put("LATCHKEY_TLS_CERT", certificates.serverChain().toString());
            common.put("LATCHKEY_TLS_KEY", certificates.serverKey().toString());
            common.put("LATCHKEY_TLS_CA", certificates.ca().toString());
        }

        Map<String, String> keyService = new HashMap<>(common);
        keyService.put("LATCHKEY_PORT", Integer.toString(settings.keyServicePort()));
        keyService.put("LATCHKEY_INTERNAL_HOST", "127.0.0.1");
        keyService.put("LATCHKEY_INTERNAL_PORT", Integer.toString(settings.keyServiceInternalPort()));
        keyService.put("LATCHKEY_KEK", kek);
        keyService.put("LATCHKEY_MANAGEMENT_PORT", Integer.toString(settings.keyServiceManagementPort()));
        this.keys = new KeyServiceVerticle(KeyServiceConfig.from(new Env(keyService)));
        await("key-service", this.keys);

        Map<String, String> authServer = new HashMap<>(common);
        authServer.put("LATCHKEY_PORT", Integer.toString(settings.authServerPort()));
        authServer.put("LATCHKEY_JWKS_URI", settings.jwksUri());
        authServer.put("LATCHKEY_KEY_SERVICE_URL", settings.keyServiceInternalUrl());
        if (certificates != null) {
            authServer.put(
                    "LATCHKEY_TLS_CLIENT_CERT", certificates.clientChain().toString());
            authServer.put("LATCHKEY_TLS_CLIENT_KEY", certificates.clientKey().toString());
        }
        authServer.put("LATCHKEY_ADMIN_CLIENT_SECRET", DevValues.ADMIN_CLIENT_SECRET);
        authServer.put("LATCHKEY_MANAGEMENT_PORT", Integer.toString(settings.authServerManagementPort()));
        Promise<Void> seeded = Promise.promise();
        this.auth = new AuthServerVerticle(AuthServerConfig.from(new Env(authServer))).readyAfter(seeded.future());
        await("auth-server", this.auth);

        if (settings.seed()) {
            DevSeed.apply(
                    vertx,
                    settings.authServerPort(),
                    certificates == null ? null : ClientTls.trusting(certificates.ca()),
                    settings.resourceDemoUrl());
        }
        seeded.complete();

        Map<String, String> resourceDemo = new HashMap<>(common);
        resourceDemo.put("LATCHKEY_PORT", Integer.toString(settings.resourceDemoPort()));
        resourceDemo.put("LATCHKEY_AUDIENCE", "resource-demo");
        resourceDemo.put("LATCHKEY_FEED_CLIENT_ID", "resource-demo");
        resourceDemo.put("LATCHKEY_FEED_CLIENT_SECRET", DevValues.RESOURCE_DEMO_SECRET);
        // The notes web app at /: signs in through auth-server's authorization code flow as demo-web.
        resourceDemo.put("LATCHKEY_WEB_CLIENT_ID", "demo-web");
        resourceDemo.put("LATCHKEY_WEB_CLIENT_SECRET", DevValues.DEMO_WEB_SECRET);
        resourceDemo.put("LATCHKEY_WEB_BASE_URL", settings.resourceDemoUrl());
        resourceDemo.put("LATCHKEY_MANAGEMENT_PORT", Integer.toString(settings.resourceDemoManagementPort()));
        this.demo = new ResourceDemoVerticle(ResourceDemoConfig.from(new Env(resourceDemo)));
        await("resource-demo", this.demo);
    }

    /**
     * Tuning settings in the stack's environment (Argon2 cost, TTLs, pool sizes, threads) reach the services; the
     * ones that say where things are or who may call (addresses, URLs, secrets, TLS, identities) do not, since the
     * stack wires those itself and a stray one would point a service elsewhere.
     */
    static boolean isTuning(String name) {
        return name.startsWith("LATCHKEY_")
                && !name.startsWith("LATCHKEY_TLS_")
                && !WIRING.matcher(name).matches();
    }

    private void await(String service, Deployable verticle) throws Exception {
        try {
            vertx.deployVerticle(verticle)
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(START_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(service + ": " + StartFailures.describe(e.getCause()), e.getCause());
        }
    }

    void printWelcome(PrintStream out) {
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
        String issuer = settings.issuer();
        out.println();
        out.println("Latchkey dev stack is up in " + millis + " ms on " + NativeTransport.describe(vertx)
                + " (dev values only: never use them in production)");
        out.println("  auth-server    " + issuer + "/.well-known/oauth-authorization-server");
        out.println("  key-service    " + settings.jwksUri());
        out.println("  resource-demo  " + settings.resourceDemoUrl() + "/api/me");
        out.println("  notes web app  " + settings.resourceDemoUrl() + "/ (sign in as alice / alice-dev-password)");
        String management = settings.scheme() + "://127.0.0.1:";
        out.println("  management     " + management + auth.managementPort() + " auth-server, " + management
                + keys.managementPort() + " key-service, " + management + demo.managementPort()
                + " resource-demo (/health/ready, /metrics)");
        out.println("  database       " + database
                + (embedded == null ? "" : " (embedded, data in " + settings.dataDir() + ")"));
        String curl = "curl -s";
        if (certificates != null) {
            out.println("  dev CA         " + certificates.ca() + " (throw-away: trust it nowhere else)");
            curl = "curl -s --cacert " + certificates.ca();
        }
        out.println();
        out.println("Try:");
        out.println(
                "  TOKEN=$(" + curl + " " + issuer + "/oauth2/token -d grant_type=password -d client_id=demo-app \\");
        out.println(
                "      -d username=alice -d password=alice-dev-password | sed -E 's/.*\"access_token\":\"([^\"]+)\".*/\\1/')");
        out.println("  " + curl + " -H \"Authorization: Bearer $TOKEN\" " + settings.resourceDemoUrl() + "/api/me");
        out.println();
        out.println("Stop with Ctrl-C.");
        out.flush();
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(STOP_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("latchkey-stack: services did not stop within " + STOP_SECONDS + " s");
        }
        if (embedded != null) {
            try {
                embedded.close();
            } catch (Exception e) {
                System.err.println("latchkey-stack: embedded PostgreSQL did not stop cleanly: "
                        + e.getClass().getSimpleName());
            }
        }
    }
}
