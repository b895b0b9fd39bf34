package io.latchkey.stack;

import io.latchkey.common.config.DevValues;
import io.latchkey.common.testing.ServiceProcess;
import io.latchkey.db.DatabaseSettings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Two replicas of each Latchkey service, each a JVM of its own on free loopback ports, all on one PostgreSQL
 * database and configured only through environment variables, the way an operator would run them behind a load
 * balancer. The lists are crossed so that a dead first entry is exercised: auth-server 2 and resource-demo 2 (the
 * survivors of the failover test) name replica 1 first.
 */
final class ReplicatedStack implements AutoCloseable {
    private static final Duration READY = Duration.ofSeconds(90);

    final Replica keys1;
    final Replica keys2;
    final Replica auth1;
    final Replica auth2;
    final Replica demo1;
    final Replica demo2;
    final String keys1Internal;
    final String keys2Internal;
    final String issuer;
    private final List<Replica> all;

    private ReplicatedStack(Builder b) {
        this.keys1 = b.keys1;
        this.keys2 = b.keys2;
        this.auth1 = b.auth1;
        this.auth2 = b.auth2;
        this.demo1 = b.demo1;
        this.demo2 = b.demo2;
        this.keys1Internal = b.keys1Internal;
        this.keys2Internal = b.keys2Internal;
        this.issuer = b.issuer;
        this.all = List.of(keys1, keys2, auth1, auth2, demo1, demo2);
    }

    /**
     * Starts both key-services and both auth-servers at once, runs {@code seed} against a ready auth-server (the
     * feed client must exist before a resource-demo can load the revocation list), then both resource-demos.
     */
    static ReplicatedStack start(DatabaseSettings database, Path dir, SeedStep seed, PrintStream out) throws Exception {
        Builder b = new Builder();
        int[] ports = ServiceProcess.freePorts(9);
        // Nobody listens on the issuer origin: it stands for the load balancer's public name, the same for every
        // replica. Everything reaches the replicas through their own back-channel URLs.
        b.issuer = "http://localhost:" + ports[8];
        b.keys1Internal = "http://127.0.0.1:" + ports[1];
        b.keys2Internal = "http://127.0.0.1:" + ports[3];
        String kek = newKek();
        Map<String, String> common = new HashMap<>();
        common.put("LATCHKEY_DEV_MODE", "true");
        common.put("LATCHKEY_HOST", "127.0.0.1");
        common.put("LATCHKEY_DB_URL", database.url());
        common.put("LATCHKEY_ISSUER", b.issuer);
        common.put("LATCHKEY_INTERNAL_SECRET", DevValues.INTERNAL_SECRET);
        try {
            long started = System.nanoTime();
            b.keys1 = b.add(keyService("key-service-1", ports[0], ports[1], kek, common, dir));
            b.keys2 = b.add(keyService("key-service-2", ports[2], ports[3], kek, common, dir));
            String jwks = b.keys1.url() + "/.well-known/jwks.json";
            b.auth1 = b.add(authServer(
                    "auth-server-1", ports[4], List.of(b.keys2Internal, b.keys1Internal), jwks, common, dir));
            b.auth2 = b.add(authServer(
                    "auth-server-2", ports[5], List.of(b.keys1Internal, b.keys2Internal), jwks, common, dir));
            for (Replica replica : List.copyOf(b.started)) {
                out.printf("  %-15s ready %5d ms after its JVM started%n", replica.name(), millis(replica, READY));
            }
            seed.apply(b.auth1);
            out.printf("  seeded after %d ms%n", (System.nanoTime() - started) / 1_000_000);
            b.demo1 = b.add(resourceDemo("resource-demo-1", ports[6], List.of(b.auth2, b.auth1), common, dir));
            b.demo2 = b.add(resourceDemo("resource-demo-2", ports[7], List.of(b.auth1, b.auth2), common, dir));
            for (Replica replica : List.of(b.demo1, b.demo2)) {
                out.printf("  %-15s ready %5d ms after its JVM started%n", replica.name(), millis(replica, READY));
            }
            return new ReplicatedStack(b);
        } catch (Exception | AssertionError e) {
            b.started.forEach(replica -> replica.process().close());
            throw e;
        }
    }

    String logTails() {
        return all.stream().map(replica -> replica.process().logTail()).collect(Collectors.joining("\n"));
    }

    @Override
    public void close() {
        all.forEach(replica -> replica.process().close());
    }

    /** What must exist before the resource-demos start; given a ready auth-server. */
    @FunctionalInterface
    interface SeedStep {
        void apply(Replica authServer) throws Exception;
    }

    static Replica keyService(
            String name, int port, int internalPort, String kek, Map<String, String> common, Path dir) {
        Map<String, String> env = new HashMap<>(common);
        env.put("LATCHKEY_PORT", Integer.toString(port));
        env.put("LATCHKEY_INTERNAL_HOST", "127.0.0.1");
        env.put("LATCHKEY_INTERNAL_PORT", Integer.toString(internalPort));
        env.put("LATCHKEY_KEK", kek);
        env.put("LATCHKEY_INTERNAL_EVENT_LOOPS", "1");
        return Replica.start(name, "io.latchkey.keys.KeyServiceMain", port, env, dir);
    }

    static Replica authServer(
            String name, int port, List<String> keyServices, String jwks, Map<String, String> common, Path dir) {
        Map<String, String> env = new HashMap<>(common);
        env.put("LATCHKEY_PORT", Integer.toString(port));
        env.put("LATCHKEY_JWKS_URI", jwks);
        env.put("LATCHKEY_KEY_SERVICE_URL", String.join(",", keyServices));
        env.put("LATCHKEY_ADMIN_CLIENT_SECRET", DevValues.ADMIN_CLIENT_SECRET);
        // Argon2id at its cheapest: the test is about replicas, not password hashing, and has two cores.
        env.put("LATCHKEY_ARGON2_MEMORY_KIB", "256");
        env.put("LATCHKEY_ARGON2_ITERATIONS", "1");
        env.put("LATCHKEY_ARGON2_THREADS", "1");
        env.put("LATCHKEY_EVENT_LOOPS", "1");
        env.put("LATCHKEY_DB_POOL_SIZE", "4");
        return Replica.start(name, "io.latchkey.auth.AuthServerMain", port, env, dir);
    }

    static Replica resourceDemo(
            String name, int port, List<Replica> authServers, Map<String, String> common, Path dir) {
        Map<String, String> env = new HashMap<>(common);
        env.put("LATCHKEY_PORT", Integer.toString(port));
        env.put("LATCHKEY_AUDIENCE", "resource-demo");
        env.put("LATCHKEY_FEED_CLIENT_ID", "resource-demo");
        env.put("LATCHKEY_FEED_CLIENT_SECRET", DevValues.RESOURCE_DEMO_SECRET);
        env.put(
                "LATCHKEY_AUTH_SERVER_URLS",
                authServers.stream().map(Replica::url).collect(Collectors.joining(",")));
        return Replica.start(name, "io.latchkey.demo.ResourceDemoMain", port, env, dir);
    }

    private static long millis(Replica replica, Duration deadline) {
        return replica.awaitReady(deadline).toMillis();
    }

    static String newKek() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** Collects the replicas as they start, so a failure half-way still stops every one already running. */
    private static final class Builder {
        private final List<Replica> started = new ArrayList<>();
        private Replica keys1;
        private Replica keys2;
        private Replica auth1;
        private Replica auth2;
        private Replica demo1;
        private Replica demo2;
        private String keys1Internal;
        private String keys2Internal;
        private String issuer;

        private Replica add(Replica replica) {
            started.add(replica);
            return replica;
        }
    }
}
