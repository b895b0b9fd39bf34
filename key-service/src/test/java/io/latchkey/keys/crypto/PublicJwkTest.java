package io.latchkey.keys.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.jwk.RSAKey;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import org.junit.jupiter.api.Test;

class PublicJwkTest {
    @Test
    void thumbprintWhenComputedThenEqualsNimbusRfc7638Thumbprint() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        RSAPublicKey key = (RSAPublicKey) generator.generateKeyPair().getPublic();
        PublicJwk jwk = PublicJwk.of(key);
        RSAKey nimbus = new RSAKey.Builder(key).build();
        assertEquals(nimbus.computeThumbprint().toString(), jwk.thumbprint());
        assertEquals(nimbus.getModulus().toString(), jwk.n());
        assertEquals(nimbus.getPublicExponent().toString(), jwk.e());
    }

    @Test
    void thumbprintWhenRfc7638ExampleKeyThenEqualsTheRfcValue() {
        // RFC 7638 §3.1's example key and its thumbprint.
        String n =
                "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
        assertEquals("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs", new PublicJwk(n, "AQAB").thumbprint());
    }
}
