package io.latchkey.demo.web;

import io.latchkey.verifier.SignedJwt;
import io.latchkey.verifier.TokenRejected;
import io.latchkey.verifier.Verifier;
import io.latchkey.verifier.VerifierUnavailable;
import io.vertx.core.Future;

/**
 * Checks that a JWT of a given {@code typ} was signed by the issuer: in the app, the verifier's JWKS cache ({@link
 * Verifier#verifySigned}), the same keys and header rules the demo API applies to access tokens. Fails with {@link
 * TokenRejected} for a token that must not be accepted, with {@link VerifierUnavailable} when the keys are not current.
 */
@FunctionalInterface
public interface IssuerSignatures {
    /** The {@code typ} of an OpenID Connect ID token as Latchkey signs it. */
    String ID_TOKEN = "JWT";

    /** The {@code typ} of a Back-Channel Logout 1.0 logout token. */
    String LOGOUT_TOKEN = "logout+jwt";

    Future<SignedJwt> verify(String jwt, String typ);
}
