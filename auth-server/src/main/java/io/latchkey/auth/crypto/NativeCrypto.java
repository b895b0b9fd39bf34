package io.latchkey.auth.crypto;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.security.GeneralSecurityException;
import java.security.Signature;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes Amazon Corretto Crypto Provider the first JCA provider where its native library loads. DPoP proofs are
 * mostly ES256, and the JDK's ECDSA verify costs 3 to 4 ms on a busy two-core machine against 0.2 ms native: the
 * difference between a check that may run on the event loop and one that must not. Elsewhere the JDK provider
 * stays and proofs are checked on worker threads ({@link #fastEcdsa()}). Process-wide, so it belongs in {@code main}
 * (the dev stack's does the same), before the first signature check.
 */
public final class NativeCrypto {
    private static final Logger LOG = LoggerFactory.getLogger(NativeCrypto.class);

    private NativeCrypto() {}

    /** Installs ACCP when it loads; returns whether it did. */
    public static boolean install() {
        try {
            Throwable loadingError = AmazonCorrettoCryptoProvider.INSTANCE.getLoadingError();
            if (loadingError != null) {
                LOG.info("Native crypto unavailable ({}); using the JDK provider", loadingError.toString());
                return false;
            }
            AmazonCorrettoCryptoProvider.install();
            return true;
        } catch (LinkageError e) {
            LOG.info("Native crypto unavailable ({}); using the JDK provider", e.toString());
            return false;
        }
    }

    /** Whether the provider that verifies ES256 signatures in this process is the native one. */
    public static boolean fastEcdsa() {
        try {
            return Signature.getInstance("SHA256withECDSA")
                    .getProvider()
                    .getName()
                    .equals(AmazonCorrettoCryptoProvider.PROVIDER_NAME);
        } catch (GeneralSecurityException | LinkageError e) {
            return false;
        }
    }
}
