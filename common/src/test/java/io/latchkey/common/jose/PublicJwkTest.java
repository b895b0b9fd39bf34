package io.latchkey.common.jose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.common.testing.TestJoseKey;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PublicJwkTest {
    private static final TestJoseKey EC = TestJoseKey.es256();
    private static final TestJoseKey RSA = TestJoseKey.rs256();
    private static final TestJoseKey ED = TestJoseKey.ed25519();

    @Test
    void parseWhenEcP256ThenKeyOnTheSamePoint() {
        PublicJwk jwk = PublicJwk.parse(EC.jwk().put("kid", "k1").put("alg", "ES256"));

        assertEquals("EC", jwk.kty());
        assertEquals("P-256", jwk.crv());
        assertEquals("k1", jwk.kid());
        assertEquals(Optional.of("ES256"), jwk.alg());
        assertEquals(((ECPublicKey) EC.publicKey()).getW(), ((ECPublicKey) jwk.publicKey()).getW());
    }

    @Test
    void parseWhenRsaThenKeyWithSameModulus() {
        PublicJwk jwk = PublicJwk.parse(RSA.jwk());

        assertEquals("RSA", jwk.kty());
        assertNull(jwk.kid());
        assertEquals(Optional.empty(), jwk.alg());
        assertEquals(((RSAPublicKey) RSA.publicKey()).getModulus(), ((RSAPublicKey) jwk.publicKey()).getModulus());
    }

    @Test
    void parseWhenEd25519ThenEdKey() {
        PublicJwk jwk = PublicJwk.parse(ED.jwk());

        assertEquals("OKP", jwk.kty());
        assertEquals("Ed25519", jwk.crv());
        assertInstanceOf(EdECPublicKey.class, jwk.publicKey());
        assertEquals(ED.publicKey(), jwk.publicKey());
    }

    @ParameterizedTest
    @ValueSource(strings = {"d", "p", "q", "dp", "dq", "qi", "k", "oth"})
    void parseWhenAnyPrivateMemberThenRefused(String member) {
        assertThrows(
                IllegalArgumentException.class, () -> PublicJwk.parse(EC.jwk().put(member, "AQAB")));
        assertThrows(
                IllegalArgumentException.class, () -> PublicJwk.parse(RSA.jwk().put(member, "AQAB")));
    }

    @Test
    void parseWhenRealPrivateKeyThenRefused() {
        assertThrows(IllegalArgumentException.class, () -> PublicJwk.parse(EC.jwkWithPrivateMember()));
        assertThrows(IllegalArgumentException.class, () -> PublicJwk.parse(RSA.jwkWithPrivateMember()));
        assertThrows(IllegalArgumentException.class, () -> PublicJwk.parse(ED.jwkWithPrivateMember()));
    }

    @Test
    void parseWhenPointNotOnTheCurveThenRefused() {
        JsonObject jwk = EC.jwk();
        BigInteger y = new BigInteger(1, Base64Url.decode(jwk.getString("y")));
        byte[] otherY = fixed(y.add(BigInteger.ONE));

        assertThrows(IllegalArgumentException.class, () -> PublicJwk.parse(jwk.put("y", Base64Url.encode(otherY))));
    }

    @Test
    void parseWhenCoordinateNotBelowPrimeThenRefused() {
        assertThrows(
                IllegalArgumentException.class,
                () -> PublicJwk.parse(EC.jwk()
                        .put("x", Base64Url.encode(fixed(BigInteger.TWO.pow(256).subtract(BigInteger.ONE))))));
    }

    @Test
    void parseWhenCoordinatesShortThenRefused() {
        assertThrows(
                IllegalArgumentException.class,
                () -> PublicJwk.parse(EC.jwk().put("x", Base64Url.encode(new byte[31]))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"P-384", "P-521", "secp256k1", "X25519", "Ed448"})
    void parseWhenOtherCurveThenRefused(String crv) {
        assertThrows(
                IllegalArgumentException.class, () -> PublicJwk.parse(EC.jwk().put("crv", crv)));
        assertThrows(
                IllegalArgumentException.class, () -> PublicJwk.parse(ED.jwk().put("crv", crv)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"oct", "rsa", "ec", ""})
    void parseWhenUnknownKtyThenRefused(String kty) {
        assertThrows(
                IllegalArgumentException.class, () -> PublicJwk.parse(EC.jwk().put("kty", kty)));
    }

    @Test
    void parseWhenRsaShorterThan2048BitsThenRefused() throws Exception {
        var generator = java.security.KeyPairGenerator.getInstance("RSA");
        generator.initialize(1024);
        RSAPublicKey small = (RSAPublicKey) generator.generateKeyPair().getPublic();
        JsonObject jwk = new JsonObject()
                .put("kty", "RSA")
                .put("n", Base64Url.encode(unsigned(small.getModulus())))
                .put("e", "AQAB");

        assertThrows(IllegalArgumentException.class, () -> PublicJwk.parse(jwk));
    }

    @Test
    void parseWhenMemberNotStringOrMissingThenRefused() {
        assertThrows(
                IllegalArgumentException.class, () -> PublicJwk.parse(EC.jwk().put("x", 5)));
        assertThrows(
                IllegalArgumentException.class, () -> PublicJwk.parse(EC.jwk().put("kid", 5)));
        JsonObject noY = EC.jwk();
        noY.remove("y");
        assertThrows(IllegalArgumentException.class, () -> PublicJwk.parse(noY));
        assertThrows(IllegalArgumentException.class, () -> PublicJwk.parse(null));
    }

    @Test
    void thumbprintWhenRfc7638ExampleThenItsValue() {
        JsonObject jwk = new JsonObject()
                .put("kty", "RSA")
                .put(
                        "n",
                        "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw")
                .put("e", "AQAB")
                .put("alg", "RS256")
                .put("kid", "2011-04-29");

        assertEquals("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs", JwkThumbprint.of(PublicJwk.parse(jwk)));
    }

    @Test
    void thumbprintWhenRfc8037ExampleThenItsValue() {
        JsonObject jwk = new JsonObject()
                .put("kty", "OKP")
                .put("crv", "Ed25519")
                .put("x", "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");

        assertEquals("kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k", JwkThumbprint.of(PublicJwk.parse(jwk)));
    }

    @Test
    void thumbprintWhenOptionalMembersDifferThenSame() {
        String bare = JwkThumbprint.of(PublicJwk.parse(EC.jwk()));
        String dressed =
                JwkThumbprint.of(PublicJwk.parse(EC.jwk().put("kid", "x").put("use", "sig")));

        assertEquals(bare, dressed);
        assertEquals(43, bare.length());
        assertTrue(!bare.equals(
                JwkThumbprint.of(PublicJwk.parse(TestJoseKey.es256().jwk()))));
    }

    private static byte[] fixed(BigInteger value) {
        byte[] bytes = unsigned(value);
        byte[] out = new byte[32];
        System.arraycopy(
                bytes, Math.max(0, bytes.length - 32), out, Math.max(0, 32 - bytes.length), Math.min(32, bytes.length));
        return out;
    }

    private static byte[] unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        return bytes.length > 1 && bytes[0] == 0 ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }
}
