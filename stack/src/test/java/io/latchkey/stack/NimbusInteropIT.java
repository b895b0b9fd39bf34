package io.latchkey.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.AccessTokenType;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.openid.connect.sdk.OIDCError;
import com.nimbusds.openid.connect.sdk.Prompt;
import io.latchkey.common.config.DevValues;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop: the authorization code flow with PKCE against the dev stack, driven by a client library that is not
 * ours (the Nimbus OAuth 2.0 SDK, and Nimbus JOSE for the token). Nimbus discovers the server, builds the
 * authorization request, parses the authorization response and checks its {@code iss} against the discovered
 * issuer, exchanges and refreshes with {@code client_secret_basic}, and parses our errors; only the user's part
 * (the login form) is played by hand, as a browser that keeps cookies and follows nothing.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-4.1">RFC 6749 §4.1</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7636">RFC 7636</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8414#section-3">RFC 8414 §3</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9207#section-2.4">RFC 9207 §2.4</a>
 */
class NimbusInteropIT {
    private static final ClientID CLIENT = new ClientID("demo-web");
    private static final Secret SECRET = new Secret(DevValues.DEMO_WEB_SECRET);
    /** demo-web's redirect URI, which follows the stack's resource-demo port. */
    private static URI CALLBACK;

    private static final String ALICE_PASSWORD = "alice-dev-password";
    private static final Scope SCOPE = new Scope("notes:read", "notes:write");
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]*)\"");
    private static final int CONNECT_TIMEOUT_MS = 2_000;
    private static final int READ_TIMEOUT_MS = 10_000;

    @TempDir
    static Path dir;

    private static StackProcess stack;
    private static AuthorizationServerMetadata metadata;
    private static DefaultJWTProcessor<SecurityContext> accessTokens;

    @BeforeAll
    static void start() throws Exception {
        stack = StackProcess.start(dir, null);
        CALLBACK = URI.create("http://localhost:" + stack.demoPort + "/callback");
        stack.awaitReady(Duration.ofSeconds(90));
        // RFC 8414 §3: Nimbus fetches /.well-known/oauth-authorization-server and insists on the same issuer.
        metadata = AuthorizationServerMetadata.resolve(
                new Issuer("http://localhost:" + stack.authPort), CONNECT_TIMEOUT_MS, READ_TIMEOUT_MS);
        accessTokens = accessTokenProcessor();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.terminate(Duration.ofSeconds(40));
            stack.close();
        }
    }

    @Test
    void metadataWhenResolvedByNimbusThenAdvertisesPkceS256AndTheIssParameter() {
        assertEquals(new Issuer("http://localhost:" + stack.authPort), metadata.getIssuer());
        assertEquals(
                URI.create("http://localhost:" + stack.authPort + "/oauth2/authorize"),
                metadata.getAuthorizationEndpointURI());
        assertTrue(metadata.getResponseTypes().contains(ResponseType.CODE), metadata.toString());
        assertTrue(metadata.getCodeChallengeMethods().contains(CodeChallengeMethod.S256), metadata.toString());
        assertFalse(metadata.getCodeChallengeMethods().contains(CodeChallengeMethod.PLAIN), metadata.toString());
        assertTrue(metadata.supportsAuthorizationResponseIssuerParam(), metadata.toString());
        assertTrue(
                metadata.getTokenEndpointAuthMethods().contains(ClientAuthenticationMethod.CLIENT_SECRET_BASIC),
                metadata.toString());
    }

    @Test
    void codeFlowWhenDrivenByNimbusThenTheAccessTokenWorksAtResourceDemoAndRefreshes() throws Exception {
        SignIn signIn = signIn();
        AuthorizationCode code = acceptedCode(signIn.response(), signIn.state());

        AccessTokenResponse tokens = success(token(new AuthorizationCodeGrant(code, CALLBACK, signIn.verifier())));
        BearerAccessToken access = tokens.getTokens().getBearerAccessToken();
        assertNotNull(access, "a Bearer access token: " + tokens.toJSONObject());
        assertEquals(AccessTokenType.BEARER, access.getType());
        assertTrue(access.getLifetime() > 0, tokens.toJSONObject().toString());
        assertEquals(SCOPE, access.getScope());
        RefreshToken refresh = tokens.getTokens().getRefreshToken();
        assertNotNull(refresh, tokens.toJSONObject().toString());

        JWTClaimsSet claims = accessTokens.process(access.getValue(), null);
        String sid = claims.getStringClaim("sid");
        assertEquals(200, me(access).getStatusCode());

        AccessTokenResponse refreshed = success(token(new RefreshTokenGrant(refresh)));
        BearerAccessToken renewed = refreshed.getTokens().getBearerAccessToken();
        assertNotNull(renewed, refreshed.toJSONObject().toString());
        assertNotEquals(refresh, refreshed.getTokens().getRefreshToken());
        assertEquals(sid, accessTokens.process(renewed.getValue(), null).getStringClaim("sid"));
        HTTPResponse me = me(renewed);
        assertEquals(200, me.getStatusCode(), me.getBody());
        assertEquals(CLIENT.getValue(), me.getBodyAsJSONObject().get("client_id"));
        assertEquals(claims.getSubject(), me.getBodyAsJSONObject().get("sub"));
    }

    @Test
    void authorizationResponseWhenIssIsTamperedOrMissingThenTheIssuerCheckRejectsIt() throws Exception {
        SignIn signIn = signIn();
        AuthorizationCode code = acceptedCode(signIn.response(), signIn.state());

        // A mix-up: the same code and state, relayed as if another authorization server had answered.
        AuthorizationResponse tampered = AuthorizationResponse.parse(URI.create(CALLBACK
                + "?code=" + encode(code.getValue())
                + "&state=" + encode(signIn.state().getValue())
                + "&iss=" + encode("https://attacker.example")));
        assertEquals(new Issuer("https://attacker.example"), tampered.getIssuer());
        ResponseRejected mixUp = assertThrows(ResponseRejected.class, () -> acceptedCode(tampered, signIn.state()));
        assertTrue(mixUp.getMessage().startsWith("iss "), mixUp.getMessage());

        // A trailing slash is another issuer: RFC 9207 §2.4 compares strings (RFC 3986 §6.2.1).
        AuthorizationResponse slashed = AuthorizationResponse.parse(URI.create(CALLBACK
                + "?code=" + encode(code.getValue())
                + "&state=" + encode(signIn.state().getValue())
                + "&iss=" + encode(metadata.getIssuer().getValue() + "/")));
        assertThrows(ResponseRejected.class, () -> acceptedCode(slashed, signIn.state()));

        // The server says it always sends iss, so a response without one is refused too.
        AuthorizationResponse bare = AuthorizationResponse.parse(URI.create(CALLBACK
                + "?code=" + encode(code.getValue())
                + "&state=" + encode(signIn.state().getValue())));
        ResponseRejected missing = assertThrows(ResponseRejected.class, () -> acceptedCode(bare, signIn.state()));
        assertTrue(missing.getMessage().startsWith("no iss"), missing.getMessage());
    }

    @Test
    void tokenWhenCodeVerifierIsWrongThenNimbusParsesInvalidGrant() throws Exception {
        SignIn signIn = signIn();
        AuthorizationCode code = acceptedCode(signIn.response(), signIn.state());

        assertInvalidGrant(tokenHttp(new AuthorizationCodeGrant(code, CALLBACK, new CodeVerifier())));
    }

    @Test
    void tokenWhenCodeIsReplayedThenInvalidGrantAndTheFirstRefreshTokenIsRevoked() throws Exception {
        SignIn signIn = signIn();
        AuthorizationCodeGrant grant = new AuthorizationCodeGrant(
                acceptedCode(signIn.response(), signIn.state()), CALLBACK, signIn.verifier());
        RefreshToken refresh = success(token(grant)).getTokens().getRefreshToken();

        assertInvalidGrant(tokenHttp(grant));
        assertInvalidGrant(tokenHttp(new RefreshTokenGrant(refresh)));
    }

    @Test
    void authorizeWhenPromptIsNoneWithoutASessionThenNimbusParsesLoginRequiredFromTheDiscoveredIssuer()
            throws Exception {
        State state = new State();
        URI authorize = authorizationRequest(new CodeVerifier(), state)
                .prompt(Prompt.Type.NONE)
                .build()
                .toURI();
        HttpResponse<String> answer = browser()
                .send(
                        HttpRequest.newBuilder(authorize)
                                .timeout(Duration.ofMillis(READ_TIMEOUT_MS))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(303, answer.statusCode(), answer.body());

        URI redirect = authorize.resolve(location(answer));
        AuthorizationResponse response = AuthorizationResponse.parse(redirect);
        assertFalse(response.indicatesSuccess());
        assertEquals(metadata.getIssuer(), response.getIssuer());
        assertEquals(state, response.getState());
        assertEquals(CALLBACK, response.getRedirectionURI());
        ErrorObject error = response.toErrorResponse().getErrorObject();
        assertEquals(OIDCError.LOGIN_REQUIRED.getCode(), error.getCode());
        assertEquals(
                AuthorizationResponse.parseResponseParameters(redirect)
                        .get("error_description")
                        .get(0),
                error.getDescription(),
                "Nimbus keeps only the characters RFC 6749 §4.1.2.1 allows");
        ResponseRejected rejected = assertThrows(ResponseRejected.class, () -> acceptedCode(response, state));
        assertTrue(rejected.getMessage().startsWith("error "), rejected.getMessage());
    }

    @Test
    void clientCredentialsWhenTheClientSignsWithEs256ThenNimbusVerifiesItAgainstTheJwksAsEs256Only() throws Exception {
        // A client registered through the admin API with ES256 tokens; Nimbus gets and checks its token.
        ClientID es = new ClientID("es256-service");
        Secret esSecret = new Secret("es256-service-secret-for-the-interop-test");
        BearerAccessToken admin = success(TokenResponse.parse(send(new TokenRequest.Builder(
                                metadata.getTokenEndpointURI(),
                                new ClientSecretBasic(
                                        new ClientID("admin-cli"), new Secret(DevValues.ADMIN_CLIENT_SECRET)),
                                new ClientCredentialsGrant())
                        .build()
                        .toHTTPRequest())))
                .getTokens()
                .getBearerAccessToken();
        HTTPRequest register = new HTTPRequest(
                HTTPRequest.Method.POST, URI.create("http://localhost:" + stack.authPort + "/admin/clients"));
        register.setAuthorization(admin.toAuthorizationHeader());
        register.setEntityContentType(com.nimbusds.common.contenttype.ContentType.APPLICATION_JSON);
        register.setBody("{\"client_id\":\"" + es.getValue() + "\",\"client_secret\":\"" + esSecret.getValue()
                + "\",\"grant_types\":[\"client_credentials\"],\"scopes\":[\"notes:read\"],"
                + "\"audience\":\"resource-demo\",\"access_token_signing_alg\":\"ES256\"}");
        HTTPResponse registered = send(register);
        assertEquals(201, registered.getStatusCode(), registered.getBody());

        BearerAccessToken access = success(TokenResponse.parse(send(new TokenRequest.Builder(
                                metadata.getTokenEndpointURI(),
                                new ClientSecretBasic(es, esSecret),
                                new ClientCredentialsGrant())
                        .build()
                        .toHTTPRequest())))
                .getTokens()
                .getBearerAccessToken();
        assertEquals(
                JWSAlgorithm.ES256,
                JWSObject.parse(access.getValue()).getHeader().getAlgorithm());
        JWTClaimsSet claims = processor(JWSAlgorithm.ES256, es).process(access.getValue(), null);
        assertEquals(es.getValue(), claims.getSubject());
        assertEquals("notes:read", claims.getStringClaim("scope"));
        // A verifier that accepts RS256 only does not take it: the algorithm is the key's, not the header's choice.
        assertThrows(
                BadJOSEException.class, () -> processor(JWSAlgorithm.RS256, es).process(access.getValue(), null));
    }

    /** What the client keeps between sending the user away and the user coming back. */
    private record SignIn(CodeVerifier verifier, State state, AuthorizationResponse response) {}

    /**
     * A fresh browser signs alice in: Nimbus builds the authorization request, the browser steps are plain HTTP
     * with a cookie jar and no redirect following, and Nimbus parses the final redirect to the client.
     */
    private static SignIn signIn() throws Exception {
        CodeVerifier verifier = new CodeVerifier();
        State state = new State();
        URI authorize = authorizationRequest(verifier, state).build().toURI();
        HttpClient browser = browser();

        HttpResponse<String> started = browser.send(
                HttpRequest.newBuilder(authorize)
                        .timeout(Duration.ofMillis(READ_TIMEOUT_MS))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(303, started.statusCode(), started.body());
        URI login = authorize.resolve(location(started));

        HttpResponse<String> page = browser.send(
                HttpRequest.newBuilder(login)
                        .timeout(Duration.ofMillis(READ_TIMEOUT_MS))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode(), page.body());
        Matcher csrf = CSRF.matcher(page.body());
        assertTrue(csrf.find(), page.body());

        String form = "csrf=" + encode(csrf.group(1)) + "&username=alice&password=" + encode(ALICE_PASSWORD);
        HttpResponse<String> done = browser.send(
                HttpRequest.newBuilder(login)
                        .timeout(Duration.ofMillis(READ_TIMEOUT_MS))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(303, done.statusCode(), done.body());
        return new SignIn(verifier, state, AuthorizationResponse.parse(login.resolve(location(done))));
    }

    private static AuthorizationRequest.Builder authorizationRequest(CodeVerifier verifier, State state) {
        return new AuthorizationRequest.Builder(ResponseType.CODE, CLIENT)
                .endpointURI(metadata.getAuthorizationEndpointURI())
                .redirectionURI(CALLBACK)
                .scope(SCOPE)
                .state(state)
                .codeChallenge(verifier, CodeChallengeMethod.S256);
    }

    /** A browser of its own (no session yet): keeps cookies, follows no redirect. */
    private static HttpClient browser() {
        return HttpClient.newBuilder()
                .cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofMillis(CONNECT_TIMEOUT_MS))
                .build();
    }

    /**
     * The client's checks of an authorization response before it spends the code: the redirect URI it registered,
     * the issuer it discovered (RFC 9207 §2.4: simple string comparison, and required when the metadata says the
     * server sends it), the state it sent, and success. The SDK parses {@code iss} but leaves this decision to
     * the client.
     */
    private static AuthorizationCode acceptedCode(AuthorizationResponse response, State sent) throws ResponseRejected {
        if (!CALLBACK.equals(response.getRedirectionURI())) {
            throw new ResponseRejected("redirect URI " + response.getRedirectionURI());
        }
        Issuer issuer = response.getIssuer();
        if (issuer == null) {
            if (metadata.supportsAuthorizationResponseIssuerParam()) {
                throw new ResponseRejected("no iss, though the metadata says the server sends it");
            }
        } else if (!issuer.equals(metadata.getIssuer())) {
            throw new ResponseRejected("iss " + issuer + " is not the discovered issuer " + metadata.getIssuer());
        }
        if (!sent.equals(response.getState())) {
            throw new ResponseRejected("state " + response.getState());
        }
        if (!response.indicatesSuccess()) {
            throw new ResponseRejected(
                    "error " + response.toErrorResponse().getErrorObject().toJSONObject());
        }
        return response.toSuccessResponse().getAuthorizationCode();
    }

    /** An authorization response the client refuses to act on. */
    private static final class ResponseRejected extends Exception {
        ResponseRejected(String reason) {
            super(reason);
        }
    }

    private static TokenResponse token(AuthorizationGrant grant) throws Exception {
        return TokenResponse.parse(tokenHttp(grant));
    }

    private static HTTPResponse tokenHttp(AuthorizationGrant grant) throws Exception {
        TokenRequest request = new TokenRequest.Builder(
                        metadata.getTokenEndpointURI(), new ClientSecretBasic(CLIENT, SECRET), grant)
                .build();
        return send(request.toHTTPRequest());
    }

    /**
     * An {@code invalid_grant} as Nimbus reads it, with the description intact: Nimbus drops characters that RFC
     * 6749 §5.2 does not allow there, so a difference would be one of ours.
     */
    private static void assertInvalidGrant(HTTPResponse raw) throws Exception {
        TokenErrorResponse error = assertInstanceOf(TokenErrorResponse.class, TokenResponse.parse(raw), raw.getBody());
        assertEquals(OAuth2Error.INVALID_GRANT.getCode(), error.getErrorObject().getCode());
        assertEquals(400, error.getErrorObject().getHTTPStatusCode());
        assertEquals(
                raw.getBodyAsJSONObject().get("error_description"),
                error.getErrorObject().getDescription());
    }

    private static AccessTokenResponse success(TokenResponse response) {
        assertTrue(
                response.indicatesSuccess(),
                () -> response.toErrorResponse().getErrorObject().toJSONObject().toString());
        return response.toSuccessResponse();
    }

    private static HTTPResponse me(BearerAccessToken access) throws Exception {
        HTTPRequest request =
                new HTTPRequest(HTTPRequest.Method.GET, URI.create("http://127.0.0.1:" + stack.demoPort + "/api/me"));
        request.setAuthorization(access.toAuthorizationHeader());
        return send(request);
    }

    private static HTTPResponse send(HTTPRequest request) throws Exception {
        request.setConnectTimeout(CONNECT_TIMEOUT_MS);
        request.setReadTimeout(READ_TIMEOUT_MS);
        return request.send();
    }

    /** RFC 9068 as a resource server would check it: RS256 from the JWKS, typ at+jwt, our issuer and audience. */
    private static DefaultJWTProcessor<SecurityContext> accessTokenProcessor() throws Exception {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(
                JWSAlgorithm.RS256,
                JWKSourceBuilder.<SecurityContext>create(metadata.getJWKSetURI().toURL())
                        .retrying(false)
                        .build()));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                "resource-demo",
                new JWTClaimsSet.Builder()
                        .issuer(metadata.getIssuer().getValue())
                        .claim("client_id", CLIENT.getValue())
                        .build(),
                Set.of("sub", "sid", "exp", "iat", "jti")));
        return processor;
    }

    private static String location(HttpResponse<String> redirect) {
        return redirect.headers()
                .firstValue("Location")
                .orElseThrow(() -> new AssertionError("no Location: " + redirect.headers()));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /**
     * A client token as a resource server would check it: {@code alg} only, the key from the discovered JWKS, typ
     * at+jwt, our issuer and audience, {@code client} as {@code client_id}.
     */
    private static DefaultJWTProcessor<SecurityContext> processor(JWSAlgorithm alg, ClientID client) throws Exception {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(
                alg,
                JWKSourceBuilder.<SecurityContext>create(metadata.getJWKSetURI().toURL())
                        .retrying(false)
                        .build()));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                "resource-demo",
                new JWTClaimsSet.Builder()
                        .issuer(metadata.getIssuer().getValue())
                        .claim("client_id", client.getValue())
                        .build(),
                Set.of("sub", "exp", "iat", "jti")));
        return processor;
    }
}
