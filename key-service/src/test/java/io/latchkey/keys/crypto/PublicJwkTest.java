package io.latchkey.keys.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import io.vertx.core.json.JsonObject;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import org.junit.jupiter.api.Test;

class PublicJwkTest {
    @Test
    void thumbprintWhenComputedThenEqualsNimbusRfc7638Thumbprint() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        RSAPublicKey key = (RSAPublicKey) generator.generateKeyPair().getPublic();
        PublicJwk.Rsa jwk = (PublicJwk.Rsa) PublicJwk.of(key);
        RSAKey nimbus = new RSAKey.Builder(key).build();
        assertEquals(nimbus.computeThumbprint().toString(), jwk.thumbprint());
        assertEquals(nimbus.getModulus().toString(), jwk.n());
        assertEquals(nimbus.getPublicExponent().toString(), jwk.e());
        assertEquals(SigningAlgorithm.RS256, jwk.algorithm());
    }

    @Test
    void thumbprintWhenRfc7638ExampleKeyThenEqualsTheRfcValue() {
        // RFC 7638 §3.1's example key and its thumbprint.
        String n =
                "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
        assertEquals("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs", new PublicJwk.Rsa(n, "AQAB").thumbprint());
    }

    @Test
    void thumbprintWhenP256KeyThenEqualsNimbusThumbprintAndCoordinatesAre32Bytes() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        for (int i = 0; i < 20; i++) {
            ECPublicKey key = (ECPublicKey) generator.generateKeyPair().getPublic();
            PublicJwk.Ec jwk = (PublicJwk.Ec) PublicJwk.of(key);
            ECKey nimbus = new ECKey.Builder(Curve.P_256, key).build();
            assertEquals(nimbus.computeThumbprint().toString(), jwk.thumbprint());
            assertEquals(nimbus.getX().toString(), jwk.x());
            assertEquals(nimbus.getY().toString(), jwk.y());
            assertEquals(43, jwk.x().length());
            assertEquals(43, jwk.y().length());
        }
    }

    @Test
    void toJwksEntryWhenP256ThenEcMembersAlgEs256AndUseSig() {
        PublicJwk jwk = PublicJwk.fromJson(new JsonObject()
                .put("kty", "EC")
                .put("crv", "P-256")
                .put("x", "X")
                .put("y", "Y"));
        assertEquals(
                new JsonObject()
                        .put("kty", "EC")
                        .put("crv", "P-256")
                        .put("x", "X")
                        .put("y", "Y")
                        .put("kid", "k")
                        .put("alg", "ES256")
                        .put("use", "sig"),
                jwk.toJwksEntry("k"));
        assertEquals(SigningAlgorithm.ES256, jwk.algorithm());
    }
}
