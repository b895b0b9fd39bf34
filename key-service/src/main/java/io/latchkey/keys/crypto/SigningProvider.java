package io.latchkey.keys.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAKeyGenParameterSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JCA providers that compute signatures: Amazon Corretto Crypto Provider (native, about three times the JDK's
 * RS256 rate) for RSA and ECDSA where its native library loads, the JDK's own otherwise (SunRsaSign for RSA, SunEC
 * for P-256). They are passed explicitly, never installed globally, so nothing else in the process changes
 * behaviour.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7518#section-3.3">RFC 7518 §3.3 (RS256)</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7518#section-3.4">RFC 7518 §3.4 (ES256)</a>
 */
public final class SigningProvider {
    private static final Logger LOG = LoggerFactory.getLogger(SigningProvider.class);

    private final Provider rsa;
    private final Provider ec;
    private final boolean nativeProvider;

    private SigningProvider(Provider rsa, Provider ec, boolean nativeProvider) {
        this.rsa = rsa;
        this.ec = ec;
        this.nativeProvider = nativeProvider;
    }

    /** The native provider when it loads and passes its self-tests, else the JDK's. */
    public static SigningProvider best() {
        SigningProvider nativeOne = nativeIfHealthy();
        if (nativeOne != null) {
            return nativeOne;
        }
        return jdk();
    }

    /** The JDK's own providers (SunRsaSign, SunEC). */
    public static SigningProvider jdk() {
        try {
            return new SigningProvider(
                    Signature.getInstance("SHA256withRSA").getProvider(),
                    Signature.getInstance("SHA256withECDSA").getProvider(),
                    false);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK offers no SHA256withRSA or SHA256withECDSA", e);
        }
    }

    /** Amazon Corretto Crypto Provider, or null where its native library does not load. */
    public static SigningProvider nativeIfHealthy() {
        try {
            com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider accp =
                    com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider.INSTANCE;
            if (accp.getLoadingError() != null) {
                LOG.info(
                        "native signing provider unavailable: {}",
                        accp.getLoadingError().getClass().getSimpleName());
                return null;
            }
            accp.assertHealthy();
            return new SigningProvider(accp, accp, true);
        } catch (RuntimeException | LinkageError e) {
            LOG.info("native signing provider unavailable: {}", e.getClass().getSimpleName());
            return null;
        }
    }

    public boolean isNative() {
        return nativeProvider;
    }

    /** The provider that signs with {@code alg}, by name. */
    public String name(SigningAlgorithm alg) {
        return provider(alg).getName();
    }

    /** The RSA provider's name. */
    public String name() {
        return rsa.getName();
    }

    /** A fresh RS256 signature engine; engines are not thread-safe, so each thread keeps its own. */
    public Signature rs256() throws GeneralSecurityException {
        return signature(SigningAlgorithm.RS256);
    }

    /** A fresh signature engine for {@code alg} (ES256's gives DER; see {@link EcdsaSignatures}). */
    public Signature signature(SigningAlgorithm alg) throws GeneralSecurityException {
        return Signature.getInstance(alg.jcaSignature(), provider(alg));
    }

    /** Parses a PKCS#8 RSA private key into this provider's own key type, so signing skips a conversion. */
    public PrivateKey privateKey(byte[] pkcs8) throws GeneralSecurityException {
        return privateKey(SigningAlgorithm.RS256, pkcs8);
    }

    /** Parses a PKCS#8 private key of {@code alg} into its provider's own key type. */
    public PrivateKey privateKey(SigningAlgorithm alg, byte[] pkcs8) throws GeneralSecurityException {
        return KeyFactory.getInstance(alg.keyType(), provider(alg)).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    }

    /** Generates an RSA key pair (tens to hundreds of milliseconds: call it on a worker). */
    public KeyPair generate(int bits) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA", rsa);
        generator.initialize(new RSAKeyGenParameterSpec(bits, RSAKeyGenParameterSpec.F4), new SecureRandom());
        return generator.generateKeyPair();
    }

    /** Generates a P-256 key pair (about a millisecond: still a worker's job). */
    public KeyPair generateP256() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", ec);
        generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return generator.generateKeyPair();
    }

    private Provider provider(SigningAlgorithm alg) {
        return alg == SigningAlgorithm.ES256 ? ec : rsa;
    }
}
