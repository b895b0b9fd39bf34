package io.latchkey.common.jose;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.latchkey.common.testing.TestJoseKey;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CompactJwsTest {
    private static final TestJoseKey KEY = TestJoseKey.es256();

    @Test
    void parseWhenCompactJwsThenPartsDecoded() {
        String jws = KEY.compact(
                new JsonObject().put("alg", "ES256"),
                new JsonObject().put("sub", "a").put("n", 5));

        CompactJws parsed = CompactJws.parse(jws);

        assertEquals("ES256", parsed.header().getString("alg"));
        assertEquals("a", parsed.payload().getString("sub"));
        assertEquals(5, parsed.payload().getInteger("n"));
        assertArrayEquals(
                jws.substring(0, jws.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII), parsed.signingInput());
        assertEquals(64, parsed.signature().length);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "a.b",
                "a.b.c.d",
                ".e30.AA",
                "e30..AA",
                "e30.e30.",
                "e30.e30.AA=",
                "e30=.e30.AA",
                "e30.e30.A+/A",
                "e30 .e30.AA",
                "bnVsbA.e30.AA", // header "null"
                "W10.e30.AA", // header []
                "e30.ImEi.AA", // payload "a"
                "e30.e30e30.AA" // {}{}: trailing data
            })
    void parseWhenNotStrictCompactJwsThenRefused(String jws) {
        assertThrows(IllegalArgumentException.class, () -> CompactJws.parse(jws));
    }

    @Test
    void parseWhenDuplicateMemberThenRefused() {
        String duplicate = b64("{\"alg\":\"ES256\",\"alg\":\"none\"}");
        String nested = b64("{\"cnf\":{\"jkt\":\"a\",\"jkt\":\"b\"}}");

        assertThrows(IllegalArgumentException.class, () -> CompactJws.parse(duplicate + ".e30.AA"));
        assertThrows(IllegalArgumentException.class, () -> CompactJws.parse("e30." + nested + ".AA"));
    }

    @Test
    void parseWhenMalformedUtf8ThenRefused() {
        String header = Base64Url.encode(new byte[] {'{', '"', (byte) 0xc3, '"', ':', '1', '}'});

        assertThrows(IllegalArgumentException.class, () -> CompactJws.parse(header + ".e30.AA"));
    }

    @Test
    void parseWhenLongerThanTheCapThenRefused() {
        String payload = b64("{\"x\":\"" + "a".repeat(CompactJws.DEFAULT_MAX_LENGTH) + "\"}");

        assertThrows(IllegalArgumentException.class, () -> CompactJws.parse("e30." + payload + ".AA"));
        assertThrows(IllegalArgumentException.class, () -> CompactJws.parse("e30.e30.AAAA", 8));
    }

    @Test
    void parseWhenNestedValuesThenReadableAsVertxJson() {
        String payload = b64("{\"cnf\":{\"jkt\":\"t\"},\"aud\":[\"a\",\"b\"],\"f\":1.5,\"b\":true,\"z\":null}");

        JsonObject claims = CompactJws.parse("e30." + payload + ".AA").payload();

        assertEquals("t", claims.getJsonObject("cnf").getString("jkt"));
        assertEquals("b", claims.getJsonArray("aud").getString(1));
        assertEquals(1.5, claims.getDouble("f"));
        assertEquals(true, claims.getBoolean("b"));
    }

    private static String b64(String json) {
        return Base64Url.encode(json.getBytes(StandardCharsets.UTF_8));
    }
}
