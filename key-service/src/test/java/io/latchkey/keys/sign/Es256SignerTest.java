package io.latchkey.keys.sign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.SignedJWT;
import io.latchkey.keys.crypto.PublicJwk;
import io.latchkey.keys.crypto.SigningAlgorithm;
import io.latchkey.keys.crypto.SigningProvider;
import io.latchkey.keys.keys.SigningKey;
import io.latchkey.keys.test.TestTokens;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ES256 tokens from both providers key-service may use (the native one where it loads, the JDK's always), checked
 * by Nimbus: the header names ES256 and the key's thumbprint, the signature is R‖S and verifies.
 */
class Es256SignerTest {
    @Test
    void signWhenEs256ThenNimbusVerifiesEveryTokenWithEitherProvider() throws Exception {
        List<SigningProvider> providers = new ArrayList<>(List.of(SigningProvider.jdk()));
        SigningProvider nativeProvider = SigningProvider.nativeIfHealthy();
        if (nativeProvider != null) {
            providers.add(nativeProvider);
        }
        for (SigningProvider provider : providers) {
            KeyPair pair = provider.generateP256();
            String kid = PublicJwk.of(pair.getPublic()).thumbprint();
            SigningKey key = new SigningKey(
                    kid,
                    SigningAlgorithm.ES256,
                    provider.privateKey(
                            SigningAlgorithm.ES256, pair.getPrivate().getEncoded()));
            ECDSAVerifier verifier =
                    new ECDSAVerifier(new ECKey.Builder(Curve.P_256, (ECPublicKey) pair.getPublic()).build());
            TokenSigner signer = new TokenSigner(provider);
            // Enough tokens that some R or S is short and gets padded.
            for (int i = 0; i < 300; i++) {
                String token = signer.sign(
                        key, TokenType.ACCESS_TOKEN, TestTokens.valid().claims());
                SignedJWT jwt = SignedJWT.parse(token);
                assertEquals(JWSAlgorithm.ES256, jwt.getHeader().getAlgorithm(), provider.name());
                assertEquals(kid, jwt.getHeader().getKeyID());
                assertEquals("at+jwt", jwt.getHeader().getType().toString());
                assertEquals(64, Base64.getUrlDecoder().decode(token.split("\\.")[2]).length);
                assertTrue(jwt.verify(verifier), provider.name());
            }
        }
    }
}
