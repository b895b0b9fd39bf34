package io.latchkey.auth.jwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.common.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The on-curve check that keeps an invalid P-256 point (an invalid-curve attack's tool) out of the loaded keys. */
class SigningKeysCurveTest {
    @Test
    void loadWhenARealP256KeyThenKeptAndWhenAnyCoordinateIsChangedThenLeftOut() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        for (int i = 0; i < 10; i++) {
            ECPoint point = ((ECPublicKey) generator.generateKeyPair().getPublic()).getW();
            assertTrue(loads(point));
            assertFalse(loads(new ECPoint(point.getAffineX(), point.getAffineY().add(BigInteger.ONE))));
            assertFalse(loads(new ECPoint(point.getAffineX().add(BigInteger.ONE), point.getAffineY())));
        }
    }

    @Test
    void loadWhenACoordinateIsNotBelowTheFieldPrimeThenLeftOut() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        ECPublicKey key = (ECPublicKey) generator.generateKeyPair().getPublic();
        BigInteger p = ((ECFieldFp) key.getParams().getCurve().getField()).getP();
        ECPoint point = key.getW();
        // y + p is the same residue, so the equation alone would hold: the range check must refuse it.
        ECPoint shifted = new ECPoint(point.getAffineX(), point.getAffineY().add(p));
        assertEquals(point.getAffineY(), shifted.getAffineY().mod(p));
        assertFalse(loads(shifted));
        assertFalse(loads(new ECPoint(BigInteger.ZERO, BigInteger.ZERO)));
    }

    /** Whether {@link SigningKeys} keeps a P-256 JWK of {@code point} among its keys. */
    private static boolean loads(ECPoint point) {
        JsonObject jwk = new JsonObject()
                .put("kty", "EC")
                .put("crv", "P-256")
                .put("x", coordinate(point.getAffineX()))
                .put("y", coordinate(point.getAffineY()));
        SigningKeys keys = new SigningKeys(() -> Future.succeededFuture(Map.of("k", jwk)), System::currentTimeMillis);
        return Await.result(keys.find("k")).isPresent();
    }

    /** The coordinate in 32 bytes (RFC 7518 §6.2.1.2), or its minimal bytes when it does not fit. */
    private static String coordinate(BigInteger value) {
        byte[] bytes = value.toByteArray();
        byte[] out = bytes;
        if (bytes.length > 32 && bytes[0] == 0) {
            out = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        if (out.length < 32) {
            out = new byte[32];
            System.arraycopy(bytes, 0, out, 32 - bytes.length, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    }
}
