package io.latchkey.demo.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RpInitiatedLogoutTest {
    private final TestClock clock = TestClock.atEpochSecond(1_700_000_000);
    private final SignOutStates states = new SignOutStates(clock, 10);
    private final WebAppSettings settings = WebCookiesTest.settings("http://localhost:8082");

    private static Tokens tokens(Optional<String> idToken) {
        return new Tokens("at", Instant.ofEpochSecond(1_700_000_300), Optional.of("rt"), "openid", idToken);
    }

    static Map<String, String> query(String url) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : URI.create(url).getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            params.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return params;
    }

    @Test
    void signOutWhenSignedInWithAnIdTokenThenTheEndSessionUrlWithHintReturnUriAndAOneTimeState() {
        String location = new RpInitiatedLogout(settings, () -> "http://localhost:8080/oauth2/end-session", states)
                .signOut(tokens(Optional.of("the.id.token")))
                .result();

        assertTrue(location.startsWith("http://localhost:8080/oauth2/end-session?"), location);
        Map<String, String> params = query(location);
        assertEquals("the.id.token", params.get("id_token_hint"));
        assertEquals("demo-web", params.get("client_id"));
        assertEquals("http://localhost:8082/", params.get("post_logout_redirect_uri"));
        assertTrue(states.take(params.get("state")));
        assertFalse(states.take(params.get("state")));
    }

    @Test
    void signOutWhenTheEndpointHasAQueryOrThereIsNoIdTokenThenStillAWellFormedUrl() {
        String location = new RpInitiatedLogout(settings, () -> "http://localhost:8080/logout?ui=compact", states)
                .signOut(tokens(Optional.empty()))
                .result();

        Map<String, String> params = query(location);
        assertEquals("compact", params.get("ui"));
        assertFalse(params.containsKey("id_token_hint"));
        assertEquals("demo-web", params.get("client_id"));
    }
}
