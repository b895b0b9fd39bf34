package io.latchkey.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.common.config.Env;
import io.latchkey.common.testing.Await;
import io.latchkey.common.testing.ServiceProcess;
import io.latchkey.common.tls.ClientTls;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dev stack with {@code --tls}: a throw-away dev CA and certificates generated once under
 * {@code <data dir>/tls/} and reused, every service on HTTPS with an {@code https} issuer, key-service's internal
 * listener on mutual TLS, and the printed curl lines carrying {@code --cacert}.
 */
class DevStackTlsTest {
    @TempDir
    Path dir;

    @Test
    void devCertificatesWhenAskedTwiceThenGeneratedOnceAndReusedWithOwnerOnlyKeys() throws Exception {
        DevCertificates first = DevCertificates.loadOrCreate(dir);
        String ca = Files.readString(first.ca());
        String server = Files.readString(first.serverChain());

        DevCertificates second = DevCertificates.loadOrCreate(dir);

        assertEquals(dir.resolve("tls").resolve("ca.pem"), second.ca());
        assertEquals(ca, Files.readString(second.ca()));
        assertEquals(server, Files.readString(second.serverChain()));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(second.serverKey())));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(second.clientKey())));
    }

    @Test
    void stackWhenStartedWithTlsThenEveryServiceAnswersOverHttpsTrustingTheDevCa() throws Exception {
        int[] ports = ServiceProcess.freePorts(4);
        int authPort = ports[0];
        int keyPort = ports[1];
        int demoPort = ports[3];
        StackSettings settings = StackSettings.from(
                new Env(Map.of(
                        "LATCHKEY_STACK_DIR", dir.toString(),
                        "LATCHKEY_AUTH_SERVER_PORT", Integer.toString(authPort),
                        "LATCHKEY_KEY_SERVICE_PORT", Integer.toString(keyPort),
                        "LATCHKEY_KEY_SERVICE_INTERNAL_PORT", Integer.toString(ports[2]),
                        "LATCHKEY_RESOURCE_DEMO_PORT", Integer.toString(demoPort),
                        "LATCHKEY_AUTH_SERVER_MANAGEMENT_PORT", "0",
                        "LATCHKEY_KEY_SERVICE_MANAGEMENT_PORT", "0",
                        "LATCHKEY_RESOURCE_DEMO_MANAGEMENT_PORT", "0")),
                List.of("--tls"));
        Vertx vertx = Vertx.vertx();
        try (DevStack stack = DevStack.start(settings)) {
            Path ca = dir.resolve("tls").resolve("ca.pem");
            WebClient https = WebClient.create(vertx, ClientTls.trusting(ca).applyTo(new WebClientOptions()));
            JsonObject metadata = Await.result(
                            https.getAbs("https://localhost:" + authPort + "/.well-known/oauth-authorization-server")
                                    .send())
                    .bodyAsJsonObject();
            assertEquals("https://localhost:" + authPort, metadata.getString("issuer"));
            assertEquals("https://localhost:" + keyPort + "/.well-known/jwks.json", metadata.getString("jwks_uri"));
            HttpResponse<Buffer> token = Await.result(https.postAbs(metadata.getString("token_endpoint"))
                    .putHeader("Content-Type", "application/x-www-form-urlencoded")
                    .sendBuffer(Buffer.buffer(
                            "grant_type=password&client_id=demo-app&username=alice&password=alice-dev-password")));
            assertEquals(200, token.statusCode(), token.bodyAsString());
            assertEquals("max-age=31536000", token.getHeader("Strict-Transport-Security"));
            String accessToken = token.bodyAsJsonObject().getString("access_token");
            // Under TLS the browser flow's cookies take the __Host- prefix and Secure.
            HttpResponse<Buffer> authorize = Await.result(https.getAbs(metadata.getString("authorization_endpoint")
                            + "?response_type=code&client_id=demo-web&code_challenge_method=S256"
                            + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
                    .followRedirects(false)
                    .send());
            assertEquals(303, authorize.statusCode(), authorize.bodyAsString());
            String cookie = authorize.headers().get("Set-Cookie");
            assertTrue(cookie.startsWith("__Host-latchkey-browser="), cookie);
            assertTrue(cookie.toLowerCase(java.util.Locale.ROOT).contains("; secure"), cookie);
            Await.until(
                    "resource-demo ready over HTTPS",
                    Duration.ofSeconds(30),
                    () -> status(https, "https://localhost:" + demoPort + "/health/ready") == 200);
            HttpResponse<Buffer> me = Await.result(https.getAbs("https://localhost:" + demoPort + "/api/me")
                    .putHeader("Authorization", "Bearer " + accessToken)
                    .send());
            assertEquals(200, me.statusCode(), me.bodyAsString());
            assertEquals("demo-app", me.bodyAsJsonObject().getString("client_id"));

            ByteArrayOutputStream welcome = new ByteArrayOutputStream();
            stack.printWelcome(new PrintStream(welcome, true, StandardCharsets.UTF_8));
            String printed = welcome.toString(StandardCharsets.UTF_8);
            assertTrue(
                    printed.contains("curl -s --cacert " + ca + " https://localhost:" + authPort + "/oauth2/token"),
                    printed);
            // The welcome names the management listeners, and they serve the metrics over the same TLS.
            Matcher management = Pattern.compile("management +https://127\\.0\\.0\\.1:(\\d+) auth-server")
                    .matcher(printed);
            assertTrue(management.find(), printed);
            assertEquals(
                    200,
                    status(https, "https://localhost:" + management.group(1) + "/metrics"),
                    "auth-server's metrics on its management port");
            assertEquals(404, status(https, "https://localhost:" + authPort + "/metrics"));
            https.close();
        } finally {
            Await.result(vertx.close(), Duration.ofSeconds(20));
        }
    }

    private static int status(WebClient client, String url) {
        Future<HttpResponse<Buffer>> response = client.getAbs(url).send();
        try {
            return response.toCompletionStage()
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS)
                    .statusCode();
        } catch (Exception e) {
            return -1;
        }
    }
}
