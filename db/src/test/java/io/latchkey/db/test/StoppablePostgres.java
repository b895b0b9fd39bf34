package io.latchkey.db.test;

import io.latchkey.db.DatabaseSettings;
import io.latchkey.db.Migrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A PostgreSQL server of its own, migrated, that a test can stop under a running service and start again on the
 * same port with the same data: a real outage, not a simulated one. The shared {@link TestPostgres} server is never
 * stopped, since other test classes of the JVM use it.
 */
public final class StoppablePostgres implements AutoCloseable {
    private final Path dataDirectory;
    private final int port;
    private EmbeddedPostgres server;

    private StoppablePostgres(Path dataDirectory, EmbeddedPostgres server) {
        this.dataDirectory = dataDirectory;
        this.server = server;
        this.port = server.getPort();
    }

    /** Starts a fresh server and migrates its {@code postgres} database. */
    public static StoppablePostgres start() {
        try {
            Path data = Files.createTempDirectory("lk-stoppable-pg");
            StoppablePostgres pg = new StoppablePostgres(data, builder(data, 0).start());
            Migrations.run(pg.settings());
            return pg;
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not start", e);
        }
    }

    public DatabaseSettings settings() {
        return new DatabaseSettings("localhost", port, "postgres", "postgres", "postgres");
    }

    /** Stops the server ("fast" shutdown: sessions are ended with 57P01, new connections refused). */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not stop", e);
        } finally {
            server = null;
        }
    }

    /** Starts the stopped server again on the same port and data. */
    public synchronized void restart() {
        if (server != null) {
            return;
        }
        try {
            server = builder(dataDirectory, port).start();
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not restart", e);
        }
    }

    @Override
    public synchronized void close() {
        stop();
        try (var files = Files.walk(dataDirectory)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // A temporary directory: best effort.
        }
    }

    private static EmbeddedPostgres.Builder builder(Path data, int port) {
        EmbeddedPostgres.Builder builder =
                EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false);
        return port == 0 ? builder : builder.setPort(port);
    }
}
