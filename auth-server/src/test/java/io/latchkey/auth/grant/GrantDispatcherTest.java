package io.latchkey.auth.grant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.latchkey.auth.client.Client;
import io.latchkey.auth.client.ClientAuthenticator;
import io.latchkey.auth.client.ClientRepository;
import io.latchkey.auth.metrics.AuthMetrics;
import io.latchkey.auth.oauth.FormBody;
import io.latchkey.auth.oauth.OAuthError;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The token endpoint's dispatch, on plain values and without a server: no HTTP request is needed to test it. */
class GrantDispatcherTest {
    private static final Client APP =
            new Client("app", null, List.of("password", "refresh_token"), List.of("notes:read"), "api", false, 0);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AuthMetrics metrics = new AuthMetrics(registry);

    @Test
    void dispatchWhenGrantThrowsThenFailedFutureWithItsErrorAndCounted() {
        Grant throwing = grant("password", request -> {
            throw OAuthError.invalidRequest("The parameter username is required");
        });

        Future<JsonObject> result = dispatcher(throwing)
                .dispatch(null, form("grant_type=password&client_id=app"), "192.0.2.1", client -> {});

        OAuthError error = assertInstanceOf(OAuthError.class, result.cause());
        assertEquals("invalid_request", error.code());
        assertEquals(1.0, count("password", "invalid_request"));
    }

    @Test
    void dispatchWhenGrantSucceedsThenItsBodyWithTheRequestValues() {
        Grant echo = grant(
                "password",
                request -> Future.succeededFuture(new JsonObject()
                        .put("client", request.client().clientId())
                        .put("ip", request.ip())));

        Future<JsonObject> result =
                dispatcher(echo).dispatch(null, form("grant_type=password&client_id=app"), "192.0.2.1", client -> {});

        assertEquals(new JsonObject().put("client", "app").put("ip", "192.0.2.1"), result.result());
        assertEquals(1.0, count("password", "issued"));
    }

    @Test
    void dispatchWhenClientAuthenticatesThenToldItBeforeTheGrantFails() {
        List<String> told = new ArrayList<>();
        Grant refusing = grant("password", request -> {
            assertEquals(List.of("app"), told);
            return Future.failedFuture(OAuthError.invalidGrant("The credentials are not valid"));
        });

        Future<JsonObject> result = dispatcher(refusing)
                .dispatch(null, form("grant_type=password&client_id=app"), "192.0.2.1", c -> told.add(c.clientId()));

        assertEquals(
                "invalid_grant",
                assertInstanceOf(OAuthError.class, result.cause()).code());
        assertEquals(List.of("app"), told);
    }

    @Test
    void dispatchWhenClientAuthenticationFailsThenToldNothing() {
        List<String> told = new ArrayList<>();

        Future<JsonObject> result = dispatcher()
                .dispatch(null, form("grant_type=password&client_id=nobody"), "192.0.2.1", c -> told.add(c.clientId()));

        assertEquals(
                "invalid_client",
                assertInstanceOf(OAuthError.class, result.cause()).code());
        assertEquals(List.of(), told);
    }

    @Test
    void dispatchWhenGrantTypeUnknownThenUnsupportedGrantTypeCountedAsOther() {
        Future<JsonObject> result =
                dispatcher().dispatch(null, form("grant_type=magic&client_id=app"), "192.0.2.1", client -> {});

        assertEquals(
                "unsupported_grant_type",
                assertInstanceOf(OAuthError.class, result.cause()).code());
        assertEquals(1.0, count("other", "unsupported_grant_type"));
    }

    @Test
    void dispatchWhenGrantTypeMissingThenInvalidRequestBeforeAuthentication() {
        Future<JsonObject> result = dispatcher().dispatch(null, form("client_id=nobody"), "192.0.2.1", client -> {});

        OAuthError error = assertInstanceOf(OAuthError.class, result.cause());
        assertEquals("invalid_request", error.code());
        assertEquals("The parameter grant_type is required", error.description());
    }

    private GrantDispatcher dispatcher(Grant... grants) {
        return new GrantDispatcher(new ClientAuthenticator(new OneClient()), List.of(grants), metrics);
    }

    private static Grant grant(String type, Function<TokenRequest, Future<JsonObject>> handle) {
        return new Grant() {
            @Override
            public String type() {
                return type;
            }

            @Override
            public Future<JsonObject> handle(TokenRequest request) {
                return handle.apply(request);
            }
        };
    }

    private static FormBody form(String body) {
        return FormBody.parse("application/x-www-form-urlencoded", body.getBytes(StandardCharsets.US_ASCII));
    }

    private double count(String grant, String outcome) {
        return registry.get("latchkey.tokens.issued")
                .tag("grant", grant)
                .tag("outcome", outcome)
                .counter()
                .count();
    }

    /** Knows the public client {@code app} only; the dispatcher reads, never writes. */
    private static final class OneClient implements ClientRepository {
        @Override
        public Future<Optional<Client>> find(String clientId) {
            return Future.succeededFuture(clientId.equals(APP.clientId()) ? Optional.of(APP) : Optional.empty());
        }

        @Override
        public Future<Void> create(SqlClient sql, Client client) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Future<Boolean> replaceSecret(SqlClient sql, String clientId, byte[] secretHash) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Future<Boolean> disable(SqlClient sql, String clientId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Future<Void> raiseTokensNotBefore(SqlClient sql, String clientId, long notBefore) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Future<Void> upsertAdminClient(String clientId, byte[] secretHash, String audience) {
            throw new UnsupportedOperationException();
        }
    }
}
