package io.latchkey.common.jose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.common.testing.TestJoseKey;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JwsAlgorithmTest {
    private static final PublicJwk EC = PublicJwk.parse(TestJoseKey.es256().jwk());
    private static final PublicJwk RSA = PublicJwk.parse(TestJoseKey.rs256().jwk());
    private static final PublicJwk ED = PublicJwk.parse(TestJoseKey.ed25519().jwk());

    @Test
    void fromHeaderWhenSupportedNameThenAlgorithm() {
        assertEquals(Optional.of(JwsAlgorithm.RS256), JwsAlgorithm.fromHeader("RS256"));
        assertEquals(Optional.of(JwsAlgorithm.ES256), JwsAlgorithm.fromHeader("ES256"));
        assertEquals(Optional.of(JwsAlgorithm.EdDSA), JwsAlgorithm.fromHeader("EdDSA"));
        assertEquals(Optional.of(JwsAlgorithm.EdDSA), JwsAlgorithm.fromHeader("Ed25519"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "None", "HS256", "HS384", "HS512", "rs256", "es256", "ES384", "PS256", "RS512", ""})
    void fromHeaderWhenNoneHmacOrUnknownThenEmpty(String alg) {
        assertEquals(Optional.empty(), JwsAlgorithm.fromHeader(alg));
    }

    @Test
    void fromHeaderWhenNotAStringThenEmpty() {
        assertEquals(Optional.empty(), JwsAlgorithm.fromHeader((Object) 256));
        assertEquals(Optional.empty(), JwsAlgorithm.fromHeader((Object) null));
    }

    @Test
    void fitsWhenKeyTypeMatchesThenTrueElseFalse() {
        assertTrue(JwsAlgorithm.RS256.fits(RSA));
        assertTrue(JwsAlgorithm.ES256.fits(EC));
        assertTrue(JwsAlgorithm.EdDSA.fits(ED));

        assertFalse(JwsAlgorithm.RS256.fits(EC));
        assertFalse(JwsAlgorithm.RS256.fits(ED));
        assertFalse(JwsAlgorithm.ES256.fits(RSA));
        assertFalse(JwsAlgorithm.ES256.fits(ED));
        assertFalse(JwsAlgorithm.EdDSA.fits(RSA));
        assertFalse(JwsAlgorithm.EdDSA.fits(EC));
    }

    @Test
    void fitsWhenKeyNamesAnotherAlgThenFalse() {
        TestJoseKey ec = TestJoseKey.es256();
        assertTrue(JwsAlgorithm.ES256.fits(PublicJwk.parse(ec.jwk().put("alg", "ES256"))));
        assertFalse(JwsAlgorithm.ES256.fits(PublicJwk.parse(ec.jwk().put("alg", "ES384"))));
        assertFalse(JwsAlgorithm.ES256.fits(PublicJwk.parse(ec.jwk().put("alg", "RS256"))));
        TestJoseKey ed = TestJoseKey.ed25519();
        assertTrue(JwsAlgorithm.EdDSA.fits(PublicJwk.parse(ed.jwk().put("alg", "Ed25519"))));
        assertTrue(JwsAlgorithm.EdDSA.fits(PublicJwk.parse(ed.jwk().put("alg", "EdDSA"))));
    }
}
