package io.latchkey.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.db.test.PostgresExtension;
import io.latchkey.db.test.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MigrationsTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    @Test
    void runWhenSchemaIsCurrentThenExecutesNothing() {
        assertEquals(0, Migrations.run(db.settings()));
    }

    @Test
    void runWhenTwoProcessesStartAtOnceOnAnEmptyDatabaseThenBothSucceedAndMigrateOnce() throws Exception {
        TestPostgres server = TestPostgres.get();
        DatabaseSettings empty = server.admin().withDatabase("lk_empty_" + System.nanoTime());
        exec(server.admin(), "CREATE DATABASE " + empty.database());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Callable<Integer> migrate = () -> Migrations.run(empty);
            List<Future<Integer>> runs = new ArrayList<>(List.of(pool.submit(migrate), pool.submit(migrate)));
            int first = runs.get(0).get();
            int second = runs.get(1).get();
            assertTrue(first == 0 || second == 0, "one of the two found the schema current");
            assertTrue(first + second > 0, "one of the two migrated");
            assertEquals(1, count(empty, "SELECT count(*) FROM flyway_schema_history WHERE version = '1'"));
        } finally {
            pool.shutdownNow();
            server.dropDatabase(empty);
        }
    }

    @Test
    void revocationAppendWhenCalledThenSeqGrowsAndNotBeforeOnlyForSub() throws Exception {
        long a = count(db.settings(), "SELECT revocation_append('jti', 'abc', NULL, 100)");
        long b = count(db.settings(), "SELECT revocation_append('sub', 'user-1', 50, 100)");
        assertTrue(b > a);
        assertThrows(SQLException.class, () -> count(db.settings(), "SELECT revocation_append('sid', 's', 5, 100)"));
        assertThrows(
                SQLException.class, () -> count(db.settings(), "SELECT revocation_append('bogus', 's', NULL, 100)"));
    }

    @Test
    void signingKeysWhenPublicJwkHoldsPrivateParameterThenRejected() {
        assertThrows(
                SQLException.class,
                () -> exec(
                        db.settings(),
                        "INSERT INTO signing_keys (kid, key_size, public_jwk, sealed_private_key, kek_fingerprint, publish_at,"
                                + " activate_at) VALUES ('k', 2048, '{\"kty\":\"RSA\",\"d\":\"x\"}', '\\x00', 'f', now(), now())"));
    }

    @Test
    void clientsWhenIdIsMalformedOrPublicClientHasClientCredentialsThenRejected() {
        assertThrows(
                SQLException.class,
                () -> exec(
                        db.settings(),
                        "INSERT INTO clients (client_id, grant_types, audience) VALUES ('bad id!', '{password}', '\"a\"')"));
        assertThrows(
                SQLException.class,
                () -> exec(
                        db.settings(),
                        "INSERT INTO clients (client_id, grant_types, audience) VALUES ('pub', '{client_credentials}', '\"a\"')"));
    }

    @Test
    void usersWhenProfileFieldsMalformedOrUnaddressedEmailVerifiedThenRejected() throws Exception {
        String insert = "INSERT INTO users (username, password_hash, name, email, email_verified)"
                + " VALUES ('%s', '$argon2id$x', %s, %s, %s)";
        exec(db.settings(), insert.formatted("ok-profile", "'Alice Example'", "'alice@example.com'", "true"));
        exec(db.settings(), insert.formatted("no-profile", "NULL", "NULL", "false"));
        for (String[] bad : new String[][] {
            {"''", "NULL", "false"},
            {"'" + "x".repeat(201) + "'", "NULL", "false"},
            {"NULL", "'alice'", "false"},
            {"NULL", "'alice @example.com'", "false"},
            {"NULL", "'a@b@example.com'", "false"},
            {"NULL", "'" + "a".repeat(243) + "@example.com'", "false"},
            {"NULL", "NULL", "true"}
        }) {
            assertThrows(
                    SQLException.class,
                    () -> exec(db.settings(), insert.formatted("bad-profile", bad[0], bad[1], bad[2])),
                    String.join(", ", bad));
        }
        assertEquals(0, count(db.settings(), "SELECT count(*) FROM users WHERE username = 'bad-profile'"));
    }

    private static void exec(DatabaseSettings settings, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(settings.jdbcUrl(), settings.jdbcProperties());
                PreparedStatement s = c.prepareStatement(sql)) {
            s.execute();
        }
    }

    private static long count(DatabaseSettings settings, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(settings.jdbcUrl(), settings.jdbcProperties());
                PreparedStatement s = c.prepareStatement(sql);
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
