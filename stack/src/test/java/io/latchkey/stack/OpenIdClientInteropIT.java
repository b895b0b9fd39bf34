package io.latchkey.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop: an OpenID Connect relying party that is not ours, the {@code openid-client} npm package (v6, pinned
 * with its lock file), signs alice in against the dev stack as {@code demo-web} and verifies the ID token as it
 * comes. The Node script under {@code src/test/node/openid-client-interop} discovers the provider, builds the
 * authorization URL with PKCE S256, state and nonce, plays the browser over plain fetch (cookies kept, no redirect
 * followed), and lets the library check the callback ({@code state}, RFC 9207 {@code iss}), redeem the code and
 * validate the ID token (signature against the JWKS, {@code alg}, {@code iss}, {@code aud}, {@code azp}, {@code
 * exp}, {@code iat}, {@code nonce}); then it fetches userinfo for the ID token's subject and signs out through the
 * end-session URL the library builds. A wrong expected nonce and an ID token altered in transit are refused by the
 * library. The script is installed with {@code npm ci} into {@code target/}, once.
 *
 * @see <a href="https://openid.net/specs/openid-connect-core-1_0.html#CodeFlowAuth">OpenID Connect Core §3.1</a>
 * @see <a href="https://openid.net/specs/openid-connect-rpinitiated-1_0.html">RP-Initiated Logout 1.0</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9207#section-2.4">RFC 9207 §2.4</a>
 */
class OpenIdClientInteropIT {
    private static final int MIN_NODE_MAJOR = 20;
    private static final String SCRIPT = "interop.mjs";
    private static final Duration NPM_CI_DEADLINE = Duration.ofMinutes(5);
    private static final Duration SCRIPT_DEADLINE = Duration.ofSeconds(90);
    private static final Pattern NODE_VERSION = Pattern.compile("v(\\d+)\\.");

    @TempDir
    static Path dir;

    /** Why this machine cannot run the script (no node, or too old a one), or null when it can. */
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

    /** Per test rather than in {@code @BeforeAll}: Failsafe reports a class-level skip as no test at all. */
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
    void codeFlowWhenDrivenByOpenIdClientThenItVerifiesTheIdTokenAndUserinfoAndEndSessionAgree() throws Exception {
        Run run = script("flow");
        assertEquals(0, run.exitCode(), run.toString());
        JsonObject result = run.json();

        assertEquals(issuer(), result.getString("issuer"), run.toString());
        assertEquals("openid profile email notes:read", result.getString("scope"), run.toString());
        assertEquals("bearer", result.getString("token_type"), run.toString());

        JsonObject idToken = result.getJsonObject("id_token");
        String sub = idToken.getString("sub");
        assertEquals(sub, UUID.fromString(sub).toString(), run.toString());
        assertEquals("Alice Example", idToken.getString("name"), run.toString());
        assertEquals("alice@example.com", idToken.getString("email"), run.toString());
        assertEquals(true, idToken.getBoolean("email_verified"), run.toString());
        assertFalse(idToken.getString("sid", "").isEmpty(), run.toString());
        assertEquals("demo-web", idToken.getValue("aud"), run.toString());
        assertEquals("demo-web", idToken.getString("azp"), run.toString());
        assertEquals(true, idToken.getBoolean("nonce_matched"), run.toString());

        assertEquals(
                new JsonObject().put("sub", sub).put("name", "Alice Example").put("email", "alice@example.com"),
                result.getJsonObject("userinfo"),
                run.toString());

        // RP-Initiated Logout with the ID token as hint: the session ends and the browser goes back with state.
        JsonObject logout = result.getJsonObject("logout");
        assertTrue(logout.getString("end_session_url").startsWith(issuer() + "/oauth2/end-session?"), run.toString());
        assertEquals(true, logout.getBoolean("had_session_cookie"), run.toString());
        assertEquals(303, logout.getInteger("status"), run.toString());
        assertEquals(
                postLogoutRedirectUri() + "?state=" + logout.getString("state"),
                logout.getString("location"),
                run.toString());
        assertEquals(true, logout.getBoolean("session_cookie_cleared"), run.toString());

        // The session's access token died with it, and openid-client reads our RFC 6750 challenge.
        JsonObject afterLogout = result.getJsonObject("userinfo_after_logout");
        assertEquals("OAUTH_WWW_AUTHENTICATE_CHALLENGE", afterLogout.getString("code"), run.toString());
        assertEquals(401, afterLogout.getInteger("status"), run.toString());
        JsonObject challenge = afterLogout.getJsonArray("cause").getJsonObject(0);
        assertEquals("bearer", challenge.getString("scheme"), run.toString());
        assertEquals("invalid_token", challenge.getJsonObject("parameters").getString("error"), run.toString());
    }

    @Test
    void idTokenWhenTheRelyingPartyExpectsAnotherNonceThenOpenIdClientRefusesIt() throws Exception {
        assertRefused(
                script("wrong-nonce"),
                "OAUTH_JWT_CLAIM_COMPARISON_FAILED",
                "unexpected ID Token \"nonce\" claim value");
    }

    /**
     * openid-client skips the ID token's signature when the token came straight from the token endpoint, unless
     * told to check it ({@code enableNonRepudiationChecks}, which the script turns on): this shows the check runs.
     */
    @Test
    void idTokenWhenAClaimIsChangedOnItsWayThenOpenIdClientRefusesTheSignature() throws Exception {
        assertRefused(script("tampered-id-token"), "OAUTH_INVALID_RESPONSE", "JWT signature verification failed");
    }

    /** The script's exit 1 with openid-client's error: a ClientError with its code, the reason in its cause. */
    private static void assertRefused(Run run, String code, String reason) {
        assertEquals(1, run.exitCode(), run.toString());
        JsonObject error = run.json().getJsonObject("error");
        assertEquals("ClientError", error.getString("name"), run.toString());
        assertEquals(code, error.getString("code"), run.toString());
        assertEquals(
                new JsonObject().put("name", "OperationProcessingError").put("message", reason),
                error.getJsonObject("cause"),
                run.toString());
    }

    private static String issuer() {
        return "http://localhost:" + stack.authPort;
    }

    /** demo-web's URIs follow the stack's resource-demo URL ({@code DevSeed.demoWeb}), here on a free port. */
    private static String redirectUri() {
        return "http://localhost:" + stack.demoPort + "/callback";
    }

    private static String postLogoutRedirectUri() {
        return "http://localhost:" + stack.demoPort + "/";
    }

    /** One run of the script: its exit code, stdout and stderr. */
    private record Run(String mode, int exitCode, String stdout, String stderr) {
        /** The one JSON line the script prints last. */
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

    private static Run script(String mode) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("LATCHKEY_ISSUER", issuer());
        env.put("LATCHKEY_REDIRECT_URI", redirectUri());
        env.put("LATCHKEY_POST_LOGOUT_REDIRECT_URI", postLogoutRedirectUri());
        env.put("LATCHKEY_USERNAME", "alice");
        env.put("LATCHKEY_PASSWORD", "alice-dev-password");
        env.put("LATCHKEY_MODE", mode);
        return run(mode, List.of("node", SCRIPT), env, SCRIPT_DEADLINE);
    }

    /** Copies the script and its lock file to target/ and installs exactly the locked packages there. */
    private static Path installScript() throws Exception {
        Path root = Path.of(System.getProperty("latchkey.project.root", ".."));
        Path source = root.resolve("stack/src/test/node/openid-client-interop");
        Path target = Path.of(System.getProperty("latchkey.stack.jar", "target/latchkey-stack.jar"))
                .toAbsolutePath()
                .getParent()
                .resolve("openid-client-interop");
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

    private static Run run(String mode, List<String> command, Map<String, String> env, Duration deadline)
            throws Exception {
        return run(mode, command, project, env, deadline);
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

    /** Null when a node of at least {@link #MIN_NODE_MAJOR} is on the PATH, else why the tests are skipped. */
    private static String missingNode() throws InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder("node", "--version")
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException notOnPath) {
            return "node is not on the PATH: openid-client interop needs Node.js " + MIN_NODE_MAJOR + "+";
        }
        String version;
        try {
            version = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "node --version did not end");
            assertEquals(0, process.exitValue(), "node --version: " + version);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            process.destroyForcibly();
        }
        Matcher matcher = NODE_VERSION.matcher(version);
        assertTrue(matcher.lookingAt(), "node --version answered " + version);
        int major = Integer.parseInt(matcher.group(1));
        return major >= MIN_NODE_MAJOR
                ? null
                : "node " + version + " is on the PATH: openid-client v6 needs Node.js " + MIN_NODE_MAJOR + "+";
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
