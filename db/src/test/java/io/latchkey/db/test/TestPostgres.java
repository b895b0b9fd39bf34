package io.latchkey.db.test;

import io.latchkey.db.DatabaseSettings;
import io.latchkey.db.Migrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * The one PostgreSQL server of a test JVM, chosen in this order: the server in {@code LATCHKEY_TEST_DB_URL};
 * else Testcontainers ({@code postgres:17}) when a Docker engine answers; else embedded PostgreSQL 17. On it,
 * a template database migrated once, from which each test class clones a fresh database.
 */
public final class TestPostgres {
    public static final String URL_VARIABLE = "LATCHKEY_TEST_DB_URL";

    /** Which branch supplied the server; tests of the fixture read it. */
    public enum Source {
        EXTERNAL,
        TESTCONTAINERS,
        EMBEDDED
    }

    private static TestPostgres instance;

    private final Source source;
    private final DatabaseSettings admin;
    private final String template;
    private final AutoCloseable server;

    private TestPostgres(Source source, DatabaseSettings admin, AutoCloseable server) {
        this.source = source;
        this.admin = admin;
        this.server = server;
        this.template = "lk_template_" + shortId();
        execute(admin, "CREATE DATABASE " + template);
        Migrations.run(admin.withDatabase(template));
    }

    /** The server of this JVM, started on first use and stopped when the JVM exits. */
    public static synchronized TestPostgres get() {
        if (instance == null) {
            instance = start();
            Runtime.getRuntime().addShutdownHook(new Thread(instance::close, "test-postgres-stop"));
        }
        return instance;
    }

    public Source source() {
        return source;
    }

    /** A fresh migrated database cloned from the template; drop it with {@link #dropDatabase}. */
    public DatabaseSettings createDatabase() {
        String name = "lk_test_" + shortId();
        execute(admin, "CREATE DATABASE " + name + " TEMPLATE " + template);
        return admin.withDatabase(name);
    }

    public void dropDatabase(DatabaseSettings database) {
        execute(admin, "DROP DATABASE IF EXISTS " + database.database() + " WITH (FORCE)");
    }

    /** Connection settings of the server's maintenance database, for tests that manage databases. */
    public DatabaseSettings admin() {
        return admin;
    }

    private static TestPostgres start() {
        String external = System.getenv(URL_VARIABLE);
        if (external != null && !external.isBlank()) {
            return new TestPostgres(Source.EXTERNAL, DatabaseSettings.parse(URL_VARIABLE, external.trim()), () -> {});
        }
        if (dockerAnswers()) {
            PostgreSQLContainer<?> container = new PostgreSQLContainer<>("postgres:17");
            container.start();
            DatabaseSettings settings = new DatabaseSettings(
                    container.getHost(),
                    container.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT),
                    container.getDatabaseName(),
                    container.getUsername(),
                    container.getPassword());
            return new TestPostgres(Source.TESTCONTAINERS, settings, container::stop);
        }
        try {
            // PostgreSQL's own durability defaults, not the library's (fsync off, commits acknowledged before
            // they are on disk): the benchmarks run on this server too, and their figures must be a safe server's.
            EmbeddedPostgres embedded = EmbeddedPostgres.builder()
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .start();
            DatabaseSettings settings =
                    new DatabaseSettings("localhost", embedded.getPort(), "postgres", "postgres", "postgres");
            return new TestPostgres(Source.EMBEDDED, settings, embedded);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("embedded PostgreSQL did not start", e);
        }
    }

    /** Asks Testcontainers only when a Docker endpoint is configured, so machines without one skip it fast. */
    static boolean dockerAnswers() {
        boolean configured = System.getenv("DOCKER_HOST") != null || Files.exists(Path.of("/var/run/docker.sock"));
        if (!configured) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void close() {
        try {
            execute(admin, "DROP DATABASE IF EXISTS " + template + " WITH (FORCE)");
        } catch (RuntimeException ignored) {
            // The server may already be going down with the JVM.
        }
        try {
            server.close();
        } catch (Exception ignored) {
            // Best effort at JVM exit.
        }
    }

    private static String shortId() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
    }

    /** Runs one administrative statement; names come from {@link #shortId}, never from input. */
    private static void execute(DatabaseSettings settings, String sql) {
        try (Connection c = DriverManager.getConnection(settings.jdbcUrl(), settings.jdbcProperties());
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("test database statement failed: " + sql, e);
        }
    }
}
