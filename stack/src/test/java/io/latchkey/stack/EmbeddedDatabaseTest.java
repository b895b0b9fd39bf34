package io.latchkey.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dev stack's embedded PostgreSQL is a durable one: what it acknowledged survives a crash. */
class EmbeddedDatabaseTest {
    @TempDir
    Path dataDir;

    @Test
    void startWhenDevStackDatabaseThenFsyncSynchronousCommitAndFullPageWritesOn() throws Exception {
        try (EmbeddedDatabase database = EmbeddedDatabase.start(dataDir, 0);
                Connection c = DriverManager.getConnection(
                        database.settings().jdbcUrl(), database.settings().jdbcProperties());
                Statement s = c.createStatement()) {
            assertEquals("on", show(s, "fsync"));
            assertEquals("on", show(s, "synchronous_commit"));
            assertEquals("on", show(s, "full_page_writes"));
        }
    }

    private static String show(Statement s, String setting) throws Exception {
        try (ResultSet rows = s.executeQuery("SHOW " + setting)) {
            rows.next();
            return rows.getString(1);
        }
    }
}
