package io.latchkey.db;

import io.latchkey.common.StartException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the schema to the newest version. Every service calls it at start; it is idempotent, and a
 * session-level advisory lock makes processes that start at once run it one after the other, so two replicas
 * never race to create Flyway's history table. Blocking (JDBC): call it from a worker thread.
 */
public final class Migrations {
    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
    /** Distinct from the revocation writers' lock (see V4). */
    private static final long MIGRATION_LOCK = 7240001L;

    private Migrations() {}

    public static int run(DatabaseSettings settings) {
        try (Connection lockHolder = DriverManager.getConnection(settings.jdbcUrl(), settings.jdbcProperties())) {
            advisory(lockHolder, "SELECT pg_advisory_lock(?)");
            try {
                MigrateResult result = Flyway.configure()
                        .dataSource(settings.jdbcUrl(), settings.user(), settings.password())
                        .locations("classpath:db/migration")
                        .validateMigrationNaming(true)
                        .load()
                        .migrate();
                if (result.migrationsExecuted > 0) {
                    LOG.info(
                            "database migrated to version {} ({} migrations)",
                            result.targetSchemaVersion,
                            result.migrationsExecuted);
                }
                return result.migrationsExecuted;
            } finally {
                advisory(lockHolder, "SELECT pg_advisory_unlock(?)");
            }
        } catch (SQLException e) {
            throw new StartException(
                    "database migration failed: cannot reach or update " + settings + " (SQL state " + e.getSQLState()
                            + ")",
                    e);
        } catch (RuntimeException e) {
            throw new StartException(
                    "database migration failed: " + e.getClass().getSimpleName(), e);
        }
    }

    private static void advisory(Connection connection, String sql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, MIGRATION_LOCK);
            statement.execute();
        }
    }
}
