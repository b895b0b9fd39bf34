package io.latchkey.keys.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAKeyGenParameterSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JCA provider that computes RSA signatures: Amazon Corretto Crypto Provider (native, about three times the
 * JDK's RS256 rate) where its native library loads, the JDK's own provider otherwise. It is passed explicitly,
 * never installed globally, so nothing else in the process changes behaviour.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7518#section-3.3">RFC 7518 §3.3 (RS256)</a>
 */
public final class SigningProvider {
    private static final Logger LOG = LoggerFactory.getLogger(SigningProvider.class);

    private final Provider provider;
    private final boolean nativeProvider;

    private SigningProvider(Provider provider, boolean nativeProvider) {
        this.provider = provider;
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

    /** The JDK's own provider (SunRsaSign). */
    public static SigningProvider jdk() {
        try {
            return new SigningProvider(Signature.getInstance("SHA256withRSA").getProvider(), false);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK offers no SHA256withRSA", e);
        }
    }

    /** Amazon Corretto Crypto Provider, or null where its native library does not load. */
    public static SigningProvider nativeIfHealthy() {
        try {
            com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider accp =
                    com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider.INSTANCE;
            if (accp.getLoadingError() != null) {
                LOG.info(
                        "native RSA provider unavailable: {}",
                        accp.getLoadingError().getClass().getSimpleName());
                return null;
            }
            accp.assertHealthy();
            return new SigningProvider(accp, true);
        } catch (RuntimeException | LinkageError e) {
            LOG.info("native RSA provider unavailable: {}", e.getClass().getSimpleName());
            return null;
        }
    }

    public boolean isNative() {
        return nativeProvider;
    }

    public String name() {
        return provider.getName();
    }

    /** A fresh RS256 signature engine; engines are not thread-safe, so each thread keeps its own. */
    public Signature rs256() throws GeneralSecurityException {
        return Signature.getInstance("SHA256withRSA", provider);
    }

    /** Parses a PKCS#8 private key into this provider's own key type, so signing skips a conversion. */
    public PrivateKey privateKey(byte[] pkcs8) throws GeneralSecurityException {
        return KeyFactory.getInstance("RSA", provider).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    }

    /** Generates an RSA key pair (tens to hundreds of milliseconds: call it on a worker). */
    public KeyPair generate(int bits) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA", provider);
        generator.initialize(new RSAKeyGenParameterSpec(bits, RSAKeyGenParameterSpec.F4), new SecureRandom());
        return generator.generateKeyPair();
    }
}
