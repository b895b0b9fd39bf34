package io.latchkey.stack;

import io.latchkey.db.DatabaseSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The dev stack's PostgreSQL: embedded, its data kept under {@code <data dir>/postgres} across restarts. */
final class EmbeddedDatabase implements AutoCloseable {
    private static final String DATABASE = "latchkey";

    private final EmbeddedPostgres postgres;
    private final DatabaseSettings settings;

    private EmbeddedDatabase(EmbeddedPostgres postgres, DatabaseSettings settings) {
        this.postgres = postgres;
        this.settings = settings;
    }

    static EmbeddedDatabase start(Path dataDir, int port) throws IOException {
        Path pgData = dataDir.resolve("postgres");
        Files.createDirectories(pgData);
        // The library starts PostgreSQL for throw-away test data (fsync off, commits acknowledged before they
        // are on disk); the dev stack keeps its data across restarts, and every figure measured on it must be one
        // of a server that loses nothing on a crash, so both go back to PostgreSQL's own defaults.
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(pgData)
                .setCleanDataDirectory(false)
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on");
        if (port > 0) {
            builder.setPort(port);
        }
        EmbeddedPostgres postgres = builder.start();
        DatabaseSettings admin =
                new DatabaseSettings("localhost", postgres.getPort(), "postgres", "postgres", "postgres");
        createDatabaseIfAbsent(postgres);
        return new EmbeddedDatabase(postgres, admin.withDatabase(DATABASE));
    }

    DatabaseSettings settings() {
        return settings;
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }

    private static void createDatabaseIfAbsent(EmbeddedPostgres postgres) {
        try (var connection = postgres.getPostgresDatabase().getConnection();
                var exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, DATABASE);
            try (var rows = exists.executeQuery()) {
                if (!rows.next()) {
                    try (var create = connection.createStatement()) {
                        create.execute("CREATE DATABASE " + DATABASE);
                    }
                }
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot create the dev database", e);
        }
    }
}
