package io.latchkey.auth.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BasicCredentialsTest {

    @Test
    void parseWhenIdAndSecretFormUrlEncodedThenDecodedAfterBase64() {
        Optional<BasicCredentials> parsed = BasicCredentials.parse(basic("my%3Aclient:p%40ss+word%2B"));

        assertEquals(Optional.of(new BasicCredentials("my:client", "p@ss word+")), parsed);
    }

    @Test
    void parseWhenSchemeInAnyCaseThenAccepted() {
        assertEquals(
                Optional.of(new BasicCredentials("a", "b")),
                BasicCredentials.parse("bAsIc " + basic("a:b").substring(6)));
    }

    @Test
    void parseWhenMalformedThenEmpty() {
        for (String header : new String[] {
            null, "", "Basic", "Basic ", "Bearer abc", "Basic !!!", basic("no-colon"), basic(":secret"), basic("a%ZZ:b")
        }) {
            assertTrue(BasicCredentials.parse(header).isEmpty(), String.valueOf(header));
        }
    }

    @Test
    void parseWhenNotUtf8ThenEmpty() {
        String header = "Basic " + Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff, ':', 'b'});

        assertTrue(BasicCredentials.parse(header).isEmpty());
    }

    @Test
    void toStringWhenPrintedThenSecretHidden() {
        assertEquals("BasicCredentials[clientId=a, secret=***]", new BasicCredentials("a", "hunter2").toString());
    }

    private static String basic(String pair) {
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }
}
