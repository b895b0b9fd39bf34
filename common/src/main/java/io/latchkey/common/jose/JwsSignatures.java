package io.latchkey.common.jose;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;

/**
 * Verifies a JWS signature with the algorithm the caller pinned (from the key, never from the token alone). ES256
 * takes the JOSE form only, R‖S of exactly 64 bytes with 0 &lt; r, s &lt; n, and converts it to DER for the JCA: a DER
 * signature, or one of zeros, is simply invalid. Whichever provider the process put first serves each algorithm (the
 * native provider where a service installs it); one {@link Signature} per thread and algorithm saves the lookup.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7518#section-3.4">RFC 7518 §3.4 (ES256)</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7518#section-3.3">RFC 7518 §3.3 (RS256)</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8037#section-3.1">RFC 8037 §3.1 (EdDSA)</a>
 */
public final class JwsSignatures {
    private static final BigInteger P256_ORDER = PublicJwk.P256.getOrder();

    private static final ThreadLocal<Signature> RSA = signature("SHA256withRSA");
    private static final ThreadLocal<Signature> ECDSA = signature("SHA256withECDSA");
    private static final ThreadLocal<Signature> ED25519 = signature("Ed25519");

    private JwsSignatures() {}

    /** True only when {@code signature} is a valid {@code algorithm} signature of {@code signingInput} by {@code key}. */
    public static boolean verify(JwsAlgorithm algorithm, PublicKey key, byte[] signingInput, byte[] signature) {
        if (algorithm == null || key == null || signingInput == null || signature == null) {
            return false;
        }
        try {
            return switch (algorithm) {
                case RS256 ->
                    key instanceof RSAPublicKey rsa
                            && rsa.getModulus().bitLength() >= PublicJwk.MIN_RSA_BITS
                            && run(RSA.get(), key, signingInput, signature);
                case ES256 ->
                    key instanceof ECPublicKey ec
                            && ec.getParams().getOrder().equals(P256_ORDER)
                            && es256(key, signingInput, signature);
                case EdDSA ->
                    key instanceof EdECPublicKey
                            && signature.length == 64
                            && run(ED25519.get(), key, signingInput, signature);
            };
        } catch (GeneralSecurityException | RuntimeException e) {
            // A malformed signature or key is an invalid signature, never an error the caller must tell apart.
            return false;
        }
    }

    private static boolean es256(PublicKey key, byte[] signingInput, byte[] signature) throws GeneralSecurityException {
        if (signature.length != 64) {
            return false;
        }
        BigInteger r = new BigInteger(1, Arrays.copyOfRange(signature, 0, 32));
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
        if (r.signum() == 0 || s.signum() == 0 || r.compareTo(P256_ORDER) >= 0 || s.compareTo(P256_ORDER) >= 0) {
            return false;
        }
        return run(ECDSA.get(), key, signingInput, toDer(signature));
    }

    /** R‖S to the ASN.1 SEQUENCE { INTEGER r, INTEGER s } the JCA takes. */
    static byte[] toDer(byte[] rs) {
        byte[] r = derInteger(rs, 0);
        byte[] s = derInteger(rs, 32);
        int bodyLength = r.length + s.length;
        byte[] der = new byte[2 + bodyLength];
        der[0] = 0x30;
        der[1] = (byte) bodyLength; // at most 2 * (2 + 33) = 70: the short length form
        System.arraycopy(r, 0, der, 2, r.length);
        System.arraycopy(s, 0, der, 2 + r.length, s.length);
        return der;
    }

    private static byte[] derInteger(byte[] rs, int offset) {
        int start = offset;
        int end = offset + 32;
        while (start < end - 1 && rs[start] == 0) {
            start++;
        }
        boolean pad = (rs[start] & 0x80) != 0;
        int length = end - start + (pad ? 1 : 0);
        byte[] integer = new byte[2 + length];
        integer[0] = 0x02;
        integer[1] = (byte) length;
        System.arraycopy(rs, start, integer, 2 + (pad ? 1 : 0), end - start);
        return integer;
    }

    private static boolean run(Signature verifier, PublicKey key, byte[] signingInput, byte[] signature)
            throws GeneralSecurityException {
        verifier.initVerify(key);
        verifier.update(signingInput);
        return verifier.verify(signature);
    }

    private static ThreadLocal<Signature> signature(String name) {
        return ThreadLocal.withInitial(() -> {
            try {
                return Signature.getInstance(name);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(name + " is not available", e);
            }
        });
    }
}
