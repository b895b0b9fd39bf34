package io.latchkey.auth.test;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;

/** Verifies access tokens with Nimbus, independently of Latchkey's code, per RFC 9068 §4. */
public final class AccessTokens {
    private AccessTokens() {}

    public static JWTClaimsSet verify(String token, String jwksUrl, String audience) throws Exception {
        return verify(token, jwksUrl, audience, JWSAlgorithm.RS256);
    }

    /** As {@link #verify(String, String, String)}, the token signed with {@code alg} and nothing else. */
    public static JWTClaimsSet verify(String token, String jwksUrl, String audience, JWSAlgorithm alg)
            throws Exception {
        String jwks = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(jwksUrl)).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(alg, new ImmutableJWKSet<>(JWKSet.parse(jwks))));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                audience,
                new JWTClaimsSet.Builder().issuer(TestAuthServer.ISSUER).build(),
                Set.of("sub", "exp", "iat", "jti", "client_id", "scope")));
        return processor.process(token, null);
    }

    /**
     * Verifies a token of header {@code typ} (an ID token: {@code JWT}; a logout token: {@code logout+jwt}) with
     * Nimbus against the JWKS: RS256, the issuer, {@code audience}, and the {@code required} claims present.
     */
    public static JWTClaimsSet verifyTyped(
            String token, String typ, String jwksUrl, String audience, Set<String> required) throws Exception {
        return verifyTyped(token, typ, jwksUrl, audience, required, JWSAlgorithm.RS256);
    }

    /** As {@link #verifyTyped(String, String, String, String, Set)}, signed with {@code alg} and nothing else. */
    public static JWTClaimsSet verifyTyped(
            String token, String typ, String jwksUrl, String audience, Set<String> required, JWSAlgorithm alg)
            throws Exception {
        String jwks = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(jwksUrl)).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType(typ)));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(alg, new ImmutableJWKSet<>(JWKSet.parse(jwks))));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                audience,
                new JWTClaimsSet.Builder().issuer(TestAuthServer.ISSUER).build(),
                required));
        return processor.process(token, null);
    }

    /** A JWS's claims as JSON, unverified: to see the form of a claim (a string or an array), which Nimbus hides. */
    public static JsonObject claims(String token) {
        return new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
    }
}
