package io.latchkey.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged CLI as an operator runs it: {@code java -jar cli/target/latchkey.jar} and the {@code bin/latchkey}
 * script, as real processes, with exit codes and one-line errors, and no secret on the command line.
 */
class LatchkeyJarIT {
    private static final Path JAR = Path.of(System.getProperty("latchkey.cli.jar", "target/latchkey.jar"));
    private static final Path ROOT = Path.of(System.getProperty("latchkey.project.root", ".."));

    record Run(int code, String out, String err) {}

    @BeforeAll
    static void jarIsBuilt() {
        assertTrue(Files.isRegularFile(JAR), JAR + " is missing: run this test through Failsafe, after package");
    }

    private static Run run(List<String> command, String secret) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("LATCHKEY_"));
        if (secret != null) {
            builder.environment().put("LATCHKEY_ADMIN_CLIENT_SECRET", secret);
        }
        builder.environment().put("LATCHKEY_CLI_JAR", JAR.toAbsolutePath().toString());
        Path out = Files.createTempFile("latchkey-out", ".txt");
        Path err = Files.createTempFile("latchkey-err", ".txt");
        Process process =
                builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("latchkey did not finish within 60 s: " + command);
        }
        Run run = new Run(
                process.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        Files.delete(out);
        Files.delete(err);
        return run;
    }

    private static List<String> jar(String... args) {
        List<String> command = new ArrayList<>(List.of("java", "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return command;
    }

    private static List<String> script(String... args) {
        List<String> command =
                new ArrayList<>(List.of(ROOT.resolve("bin/latchkey").toString()));
        command.addAll(List.of(args));
        return command;
    }

    @Test
    void jarWhenAskedForHelpThenManPageAndExitZero() throws Exception {
        Run help = run(jar("keys", "revoke", "--help"), null);
        assertEquals(0, help.code(), help.err());
        assertTrue(help.out().startsWith("NAME"), help.out());
        assertTrue(help.out().contains("EXIT STATUS"), help.out());
        Run scripted = run(script("--help"), null);
        assertEquals(0, scripted.code(), scripted.err());
        assertTrue(scripted.out().contains("COMMANDS"), scripted.out());
    }

    @Test
    void jarAndScriptWhenServerUnreachableOrSecretMissingThenOneLineAndExitCode() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        for (List<String> command : List.of(
                jar("--issuer", "http://127.0.0.1:" + closed, "users", "list"),
                script("--issuer", "http://127.0.0.1:" + closed, "users", "list"))) {
            Run unreachable = run(command, "some-admin-secret-for-the-jar-test-0123");
            assertEquals(4, unreachable.code(), unreachable.err());
            assertEquals(
                    "latchkey: cannot reach http://127.0.0.1:" + closed + " (ConnectException)\n", unreachable.err());
            assertEquals("", unreachable.out());
        }
        Run missing = run(jar("keys", "list"), null);
        assertEquals(2, missing.code());
        assertEquals("latchkey: LATCHKEY_ADMIN_CLIENT_SECRET is not set\n", missing.err());
        Run usage = run(script("users", "get"), null);
        assertEquals(1, usage.code());
        assertEquals(1, usage.err().lines().count(), usage.err());
    }

    @Test
    void scriptWhenJarMissingThenSaysHowToBuildIt() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(script("--help"));
        builder.environment().put("LATCHKEY_CLI_JAR", "/nonexistent/latchkey.jar");
        Process process = builder.redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, process.exitValue());
        assertTrue(output.contains("./mvnw -B -q -pl cli -am package -DskipTests"), output);
    }
}
