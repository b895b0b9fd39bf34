package io.latchkey.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.auth.admin.NewClient;
import io.latchkey.auth.admin.NewUser;
import io.latchkey.auth.client.ClientMetadata;
import io.latchkey.auth.user.UserProfile;
import io.latchkey.common.config.DevValues;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The dev user and clients as the admin API reads them: each seed body passes the same validation a real
 * registration does (a refused one would stop the stack at start), {@code alice} has a name and a verified email,
 * and {@code demo-web} is registered as DESIGN's "Dev stack" lists.
 */
class DevSeedTest {
    @Test
    void aliceWhenReadByTheAdminApiThenNamedWithAVerifiedEmail() {
        NewUser alice = NewUser.from(DevSeed.alice());
        assertEquals("alice-dev-password", alice.password());
        assertEquals(
                new UserProfile(Optional.of("Alice Example"), "alice", Optional.of("alice@example.com"), true),
                alice.profile());
    }

    @Test
    void seedWhenReadByTheAdminApiThenEveryClientIsAValidRegistration() {
        for (var body : List.of(
                DevSeed.demoApp(),
                DevSeed.demoService(),
                DevSeed.resourceDemo(),
                DevSeed.demoWeb(DevSeed.DEFAULT_WEB_APP))) {
            NewClient client = NewClient.from(body);
            assertEquals("resource-demo", client.audience(), client.clientId());
            assertFalse(
                    client.grantTypes().contains("password")
                            && !client.clientId().equals("demo-app"),
                    client.clientId() + " must not get the password grant");
        }
    }

    @Test
    void demoWebWhenReadByTheAdminApiThenFirstPartyBrowserClientOfTheNotesApp() {
        NewClient demoWeb = NewClient.from(DevSeed.demoWeb(DevSeed.DEFAULT_WEB_APP));
        assertEquals("demo-web", demoWeb.clientId());
        assertFalse(demoWeb.isPublic());
        assertEquals(Optional.of(DevValues.DEMO_WEB_SECRET), demoWeb.suppliedSecret());
        assertEquals("dev-demo-web-secret-not-for-production", DevValues.DEMO_WEB_SECRET);
        assertTrue(DevValues.isDevValue(DevValues.DEMO_WEB_SECRET), "a service outside dev mode refuses it");
        assertEquals(List.of("authorization_code", "refresh_token"), demoWeb.grantTypes());
        assertEquals(List.of("openid", "profile", "email", "notes:read", "notes:write"), demoWeb.scopes());
        assertEquals("resource-demo", demoWeb.audience());
        assertEquals(
                new ClientMetadata(
                        List.of("http://localhost:8082/callback"),
                        List.of("http://localhost:8082/"),
                        Optional.of("http://localhost:8082/backchannel-logout"),
                        List.of(),
                        true,
                        Optional.of("Latchkey Notes"),
                        "RS256",
                        false),
                demoWeb.metadata());
    }
}
