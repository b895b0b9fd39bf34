package io.latchkey.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's run command, as a user runs it: a separate JVM, stopped with SIGTERM, started again. */
class StackProcessIT {
    private static final Duration READY = Duration.ofSeconds(90);
    private static final Duration STOP = Duration.ofSeconds(40);

    @TempDir
    Path dir;

    @Test
    void stackWhenStartedStoppedAndRestartedThenReadyLeavesNoPostgresAndKeepsItsData() throws Exception {
        int[] ports;
        try (StackProcess first = StackProcess.start(dir, null)) {
            Duration ready = first.awaitReady(READY);
            System.out.println("stack ready after " + ready.toMillis() + " ms (first start, includes initdb)");
            ports = first.ports();
            assertEquals(1, countRows(first.dbPort, "SELECT count(*) FROM flyway_schema_history WHERE version = '1'"));
            first.terminate(STOP);
        }
        List<String> survivors = StackProcess.processesMentioning(dir);
        assertTrue(survivors.isEmpty(), "processes left behind: " + survivors);

        Path kek = dir.resolve(".latchkey/kek");
        String kekBefore = Files.readString(kek);
        try (StackProcess second = StackProcess.start(dir, ports)) {
            Duration ready = second.awaitReady(READY);
            System.out.println("stack ready after " + ready.toMillis() + " ms (restart on kept data)");
            assertEquals(kekBefore, Files.readString(kek), "the KEK is kept across restarts");
            assertEquals(1, countRows(second.dbPort, "SELECT count(*) FROM flyway_schema_history WHERE version = '1'"));
            assertEquals(1, countRows(second.dbPort, "SELECT count(*) FROM users"), "the seed is not duplicated");
            assertEquals(4, countRows(second.dbPort, "SELECT count(*) FROM clients"), "the seed is not duplicated");
            second.terminate(STOP);
        }
        assertTrue(StackProcess.processesMentioning(dir).isEmpty(), "processes left behind after restart");
    }

    private static long countRows(int port, String sql) throws Exception {
        try (var c = DriverManager.getConnection(
                        "jdbc:postgresql://127.0.0.1:" + port + "/latchkey", "postgres", "postgres");
                var s = c.prepareStatement(sql);
                var rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
