package io.latchkey.auth.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.latchkey.auth.client.ClientAuthenticator.Credentials;
import io.latchkey.auth.oauth.FormBody;
import io.latchkey.auth.oauth.OAuthError;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Reading Basic client credentials from a header alone, as the revocation feed does (RFC 6749 §2.3.1). */
class ClientCredentialsTest {

    @Test
    void fromWhenIdAndSecretFormUrlEncodedThenDecodedAfterBase64() {
        assertEquals(new Credentials("my:client", "p@ss word+"), read(basic("my%3Aclient:p%40ss+word%2B")));
    }

    @Test
    void fromWhenSchemeInAnyCaseThenAccepted() {
        assertEquals(new Credentials("a", "b"), read("bAsIc " + basic("a:b").substring(6)));
    }

    @Test
    void fromWhenBasicPasswordEmptyThenClientIdWithoutSecret() {
        assertEquals(new Credentials("app", null), read(basic("app:")));
    }

    @Test
    void fromWhenMalformedThenInvalidClient() {
        for (String header : new String[] {
            null, "", "Basic", "Basic ", "Bearer abc", "Basic !!!", basic("no-colon"), basic(":secret"), basic("a%ZZ:b")
        }) {
            OAuthError error = assertThrows(OAuthError.class, () -> read(header), String.valueOf(header));
            assertEquals("invalid_client", error.code(), String.valueOf(header));
        }
    }

    @Test
    void fromWhenNotUtf8ThenInvalidClient() {
        String header = "Basic " + Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff, ':', 'b'});

        assertEquals(
                "invalid_client",
                assertThrows(OAuthError.class, () -> read(header)).code());
    }

    @Test
    void toStringWhenPrintedThenSecretHidden() {
        assertEquals("Credentials[clientId=a, secret=***]", new Credentials("a", "hunter2").toString());
    }

    private static Credentials read(String header) {
        return Credentials.from(header, FormBody.empty());
    }

    private static String basic(String pair) {
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }
}
