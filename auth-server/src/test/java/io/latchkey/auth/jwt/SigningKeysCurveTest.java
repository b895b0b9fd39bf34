package io.latchkey.auth.jwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.EllipticCurve;
import org.junit.jupiter.api.Test;

/** The on-curve check that keeps an invalid P-256 point (an invalid-curve attack's tool) out of the loaded keys. */
class SigningKeysCurveTest {
    @Test
    void onCurveWhenARealP256KeyThenTrueAndWhenAnyCoordinateIsChangedThenFalse() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        for (int i = 0; i < 10; i++) {
            ECPublicKey key = (ECPublicKey) generator.generateKeyPair().getPublic();
            EllipticCurve curve = key.getParams().getCurve();
            ECPoint point = key.getW();
            assertTrue(SigningKeys.onCurve(point, curve));
            assertFalse(SigningKeys.onCurve(
                    new ECPoint(point.getAffineX(), point.getAffineY().add(BigInteger.ONE)), curve));
            assertFalse(SigningKeys.onCurve(
                    new ECPoint(point.getAffineX().add(BigInteger.ONE), point.getAffineY()), curve));
        }
    }

    @Test
    void onCurveWhenACoordinateIsNotBelowTheFieldPrimeThenFalse() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        ECPublicKey key = (ECPublicKey) generator.generateKeyPair().getPublic();
        EllipticCurve curve = key.getParams().getCurve();
        BigInteger p = ((ECFieldFp) curve.getField()).getP();
        ECPoint point = key.getW();
        // y + p is the same residue, so the equation alone would hold: the range check must refuse it.
        ECPoint shifted = new ECPoint(point.getAffineX(), point.getAffineY().add(p));
        assertEquals(point.getAffineY(), shifted.getAffineY().mod(p));
        assertFalse(SigningKeys.onCurve(shifted, curve));
        assertFalse(SigningKeys.onCurve(new ECPoint(BigInteger.ZERO, BigInteger.ZERO), curve));
    }
}
