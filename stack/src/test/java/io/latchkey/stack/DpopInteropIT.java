package io.latchkey.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.latchkey.common.config.DevValues;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop of DPoP (RFC 9449) with a client library that is not ours: {@code oauth4webapi} (npm, pinned with its lock
 * file under {@code src/test/node/dpop-interop}) discovers the dev stack's auth-server, generates an ES256 key, gets
 * a token with client_credentials as {@code demo-service} with its DPoP proof, and calls resource-demo's {@code GET
 * /api/notes} with the DPoP scheme and a fresh proof each time; the same token sent as Bearer, or with a proof of
 * another key, is refused. Then, as {@code demo-web}, the authorization code flow with {@code dpop_jkt} (alice
 * signs in on the login page, played over plain fetch): a proof of another key cannot redeem the code, the client's
 * own can, and the DPoP-bound token works at userinfo and resource-demo. The script is installed with {@code npm ci} into {@code target/}, once.
 */
class DpopInteropIT {
    private static final String SCRIPT = "interop.mjs";
    private static final Duration NPM_CI_DEADLINE = Duration.ofMinutes(5);
    private static final Duration SCRIPT_DEADLINE = Duration.ofSeconds(90);

    @TempDir
    static Path dir;

    private static String noNode;
    private static Path project;
    private static StackProcess stack;

    @BeforeAll
    static void start() throws Exception {
        noNode = missingNode();
        if (noNode != null) {
            return;
        }
        project = installScript();
        stack = StackProcess.start(dir, null);
        stack.awaitReady(Duration.ofSeconds(90));
    }

    @BeforeEach
    void requireNode() {
        assumeTrue(noNode == null, noNode);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.terminate(Duration.ofSeconds(40));
            stack.close();
        }
    }

    @Test
    void clientCredentialsWhenOauth4webapiSendsDpopProofsThenItsTokenIsBoundAndWorksOnlyWithItsKey() throws Exception {
        Map<String, String> env = Map.of(
                "LATCHKEY_ISSUER",
                "http://localhost:" + stack.authPort,
                "LATCHKEY_RESOURCE_URL",
                "http://localhost:" + stack.demoPort + "/api/notes",
                "LATCHKEY_CLIENT_ID",
                "demo-service",
                "LATCHKEY_CLIENT_SECRET",
                DevValues.DEMO_SERVICE_SECRET,
                "LATCHKEY_WEB_CLIENT_ID",
                "demo-web",
                "LATCHKEY_WEB_CLIENT_SECRET",
                DevValues.DEMO_WEB_SECRET,
                "LATCHKEY_REDIRECT_URI",
                "http://localhost:" + stack.demoPort + "/callback",
                "LATCHKEY_USERNAME",
                "alice",
                "LATCHKEY_PASSWORD",
                "alice-dev-password");
        Run run = run("flow", List.of("node", SCRIPT), project, env, SCRIPT_DEADLINE);
        assertEquals(0, run.exitCode(), run.toString());
        JsonObject result = run.json();

        assertEquals(
                new JsonArray().add("ES256").add("RS256").add("EdDSA"),
                result.getJsonArray("dpop_signing_alg_values_supported"),
                run.toString());
        assertEquals("dpop", result.getString("token_type"), run.toString());
        assertEquals(
                new JsonObject().put("jkt", result.getString("key_thumbprint")),
                result.getJsonObject("cnf"),
                run.toString());
        assertEquals(200, result.getJsonObject("resource").getInteger("status"), run.toString());
        assertTrue(result.getJsonObject("resource").getJsonObject("body").containsKey("notes"), run.toString());
        assertEquals(200, result.getInteger("resource_again"), "a fresh proof per request: " + run);

        JsonObject asBearer = result.getJsonObject("as_bearer");
        assertEquals(401, asBearer.getInteger("status"), run.toString());
        assertTrue(asBearer.getString("www_authenticate").contains("error=\"invalid_token\""), run.toString());
        // oauth4webapi parses the challenge: a DPoP one naming the error (its scheme in lower case).
        JsonObject otherKey = result.getJsonObject("other_key");
        assertEquals(401, otherKey.getInteger("status"), run.toString());
        JsonObject challenge = otherKey.getJsonArray("challenges").getJsonObject(0);
        assertEquals("dpop", challenge.getString("scheme"), run.toString());
        assertEquals("invalid_dpop_proof", challenge.getJsonObject("parameters").getString("error"), run.toString());

        // The code flow, the code bound by dpop_jkt: another key's proof cannot redeem it, the client's can.
        assertEquals(
                new JsonObject()
                        .put("stolen_code", "invalid_dpop_proof")
                        .put("token_type", "dpop")
                        .put("cnf_matches_key", true)
                        .put("userinfo_sub_matches", true)
                        .put("resource_status", 200),
                result.getJsonObject("code_flow"),
                run.toString());
    }

    private record Run(String mode, int exitCode, String stdout, String stderr) {
        JsonObject json() {
            List<String> lines = stdout.lines().filter(line -> !line.isBlank()).toList();
            if (lines.isEmpty()) {
                fail("no output: " + this);
            }
            try {
                return new JsonObject(lines.get(lines.size() - 1));
            } catch (DecodeException e) {
                throw new AssertionError("not one JSON line: " + this, e);
            }
        }

        @Override
        public String toString() {
            return "mode " + mode + ", exit " + exitCode + "\nstdout: " + stdout + "\nstderr: " + stderr;
        }
    }

    /** Copies the script and its lock file to target/ and installs exactly the locked packages there. */
    private static Path installScript() throws Exception {
        Path root = Path.of(System.getProperty("latchkey.project.root", ".."));
        Path source = root.resolve("stack/src/test/node/dpop-interop");
        Path target = Path.of(System.getProperty("latchkey.stack.jar", "target/latchkey-stack.jar"))
                .toAbsolutePath()
                .getParent()
                .resolve("dpop-interop");
        deleteRecursively(target);
        Files.createDirectories(target);
        for (String file : List.of("package.json", "package-lock.json", SCRIPT)) {
            Files.copy(source.resolve(file), target.resolve(file));
        }
        Run install = run(
                "npm ci",
                List.of("npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"),
                target,
                Map.of(),
                NPM_CI_DEADLINE);
        assertEquals(0, install.exitCode(), install.toString());
        return target;
    }

    private static Run run(String mode, List<String> command, Path workDir, Map<String, String> env, Duration deadline)
            throws Exception {
        Path out = workDir.resolve(mode.replace(' ', '-') + ".stdout");
        Path err = workDir.resolve(mode.replace(' ', '-') + ".stderr");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail(command + " did not end within " + deadline + "\nstdout: " + Files.readString(out) + "\nstderr: "
                    + Files.readString(err));
        }
        return new Run(mode, process.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** Null when node 20+ is on the PATH, else why the test is skipped. */
    private static String missingNode() throws InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder("node", "--version")
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException notOnPath) {
            return "node is not on the PATH: the oauth4webapi interop needs Node.js 20+";
        }
        try {
            String version = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "node --version did not end");
            int major = Integer.parseInt(version.replaceFirst("^v(\\d+)\\..*$", "$1"));
            return major >= 20 ? null : "node " + version + " is too old: the oauth4webapi interop needs Node.js 20+";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            process.destroyForcibly();
        }
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(path)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
