package io.latchkey.keys.test;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Sign requests that each break one bound of their {@code typ}, with the error description each earns: the one
 * table the unit test of the bounds and the HTTP test of {@code /internal/sign} both walk.
 */
public final class SignRefusals {
    public static final String ID_TOKEN_CLAIMS = "an ID token may carry only iss, sub, aud, azp, iat, exp, auth_time,"
            + " nonce, sid, at_hash, jti, name, preferred_username, email, email_verified";
    public static final String LOGOUT_TOKEN_CLAIMS =
            "a logout token may carry only iss, aud, iat, exp, jti, sid, sub, events";
    public static final String ISS = "iss must be this issuer";
    public static final String SUB = "sub must be a non-empty string of at most 255 characters";
    public static final String AUD = "aud must be one non-empty string, the client id";
    public static final String IAT_TYPE = "iat must be a whole number of seconds since the epoch";
    public static final String EXP_TYPE = "exp must be a whole number of seconds since the epoch";
    public static final String IAT_SKEW = "iat must be within 60 seconds of now";
    public static final String EXP_AFTER_IAT = "exp must be after iat";
    public static final String EVENTS = "events must be exactly {\"" + TestTokens.BACKCHANNEL_LOGOUT + "\":{}}";

    /** A request that breaks one rule; {@link #toString()} names the rule for test reports. */
    public record Refusal(String rule, JsonObject request, String description) {
        /** The refused claim set alone (not always an object), as one entry of a batch. */
        public Object claims() {
            return request.getValue("claims");
        }

        @Override
        public String toString() {
            return rule;
        }
    }

    private SignRefusals() {}

    /** Every way an otherwise valid {@code JWT} (ID token) request is refused. */
    public static List<Refusal> idToken() {
        return List.of(
                id("scope is not an ID token claim", t -> t.claim("scope", "openid profile"), ID_TOKEN_CLAIMS),
                id("client_id is not an ID token claim", t -> t.claim("client_id", "demo-app"), ID_TOKEN_CLAIMS),
                id(
                        "cnf is not an ID token claim",
                        t -> t.claim("cnf", new JsonObject().put("jkt", "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I")),
                        ID_TOKEN_CLAIMS),
                id("events is not an ID token claim", t -> t.claim("events", logoutEvents()), ID_TOKEN_CLAIMS),
                id("any other claim is refused", t -> t.claim("role", "admin"), ID_TOKEN_CLAIMS),
                id("iss foreign", t -> t.claim("iss", "https://evil.example"), ISS),
                id("iss missing", t -> t.without("iss"), ISS),
                id("sub missing", t -> t.without("sub"), SUB),
                id("sub empty", t -> t.claim("sub", ""), SUB),
                id("sub not a string", t -> t.claim("sub", 42), SUB),
                id("sub over 255 characters", t -> t.claim("sub", "s".repeat(256)), SUB),
                id("aud missing", t -> t.without("aud"), AUD),
                id("aud empty", t -> t.claim("aud", ""), AUD),
                id(
                        "aud an array",
                        t -> t.claim("aud", new JsonArray().add("demo-app")).without("azp"),
                        AUD),
                id("azp not aud", t -> t.claim("azp", "other-app"), "azp must equal aud"),
                id("azp not a string", t -> t.claim("azp", 7), "azp must equal aud"),
                id("iat missing", t -> t.without("iat"), IAT_TYPE),
                id("iat a fraction", t -> t.claim("iat", t.time("iat") + 0.5), IAT_TYPE),
                id("iat too old", t -> t.shiftTimes(-120), IAT_SKEW),
                id("iat too far ahead", t -> t.shiftTimes(120), IAT_SKEW),
                id("exp missing", t -> t.without("exp"), EXP_TYPE),
                id("exp at iat", t -> t.claim("exp", t.time("iat")), EXP_AFTER_IAT),
                id(
                        "exp over 300 seconds after iat",
                        t -> t.claim("exp", t.time("iat") + 301),
                        "exp must be at most 300 seconds after iat"),
                id(
                        "auth_time after iat",
                        t -> t.claim("auth_time", t.time("iat") + 1),
                        "auth_time must not be after iat"),
                id(
                        "auth_time not a number",
                        t -> t.claim("auth_time", "yesterday"),
                        "auth_time must be a whole number of seconds since the epoch"),
                id("nonce over 512 characters", t -> t.claim("nonce", "n".repeat(513)), nonce()),
                id("nonce not a string", t -> t.claim("nonce", 42), nonce()),
                id("nonce null", t -> t.claim("nonce", null), nonce()),
                id("sid empty", t -> t.claim("sid", ""), "sid must be a non-empty string"),
                id("sid not a string", t -> t.claim("sid", 7), "sid must be a non-empty string"),
                id("at_hash too short", t -> t.claim("at_hash", "77QmUPtjPfzWtF2AnpK9R"), atHash()),
                id("at_hash too long", t -> t.claim("at_hash", "77QmUPtjPfzWtF2AnpK9RQx"), atHash()),
                id("at_hash padded", t -> t.claim("at_hash", "77QmUPtjPfzWtF2AnpK9RQ=="), atHash()),
                id("at_hash not base64url", t -> t.claim("at_hash", "77QmUPtjPfzWtF2AnpK9+/"), atHash()),
                id("at_hash not a string", t -> t.claim("at_hash", 1), atHash()),
                id("jti empty", t -> t.claim("jti", ""), "jti must be a non-empty string"),
                id("jti not a string", t -> t.claim("jti", 42), "jti must be a non-empty string"),
                id("name not a string", t -> t.claim("name", 1), "name must be a string"),
                id(
                        "preferred_username not a string",
                        t -> t.claim("preferred_username", new JsonArray().add("ada")),
                        "preferred_username must be a string"),
                id("email not a string", t -> t.claim("email", false), "email must be a string"),
                id(
                        "email_verified not a boolean",
                        t -> t.claim("email_verified", "true"),
                        "email_verified must be true or false"),
                new Refusal(
                        "claims not an object",
                        new JsonObject().put("typ", "JWT").put("claims", "x"),
                        "claims must be a JSON object"));
    }

    /** Every way an otherwise valid {@code logout+jwt} request is refused. */
    public static List<Refusal> logoutToken() {
        return List.of(
                logout("nonce present", t -> t.claim("nonce", "n-0S6_WzA2Mj"), "nonce must not be in a logout token"),
                logout("nonce null", t -> t.claim("nonce", null), "nonce must not be in a logout token"),
                logout("azp is not a logout token claim", t -> t.claim("azp", "demo-app"), LOGOUT_TOKEN_CLAIMS),
                logout("scope is not a logout token claim", t -> t.claim("scope", "openid"), LOGOUT_TOKEN_CLAIMS),
                logout("auth_time is not a logout token claim", t -> t.claim("auth_time", 1), LOGOUT_TOKEN_CLAIMS),
                logout("any other claim is refused", t -> t.claim("role", "admin"), LOGOUT_TOKEN_CLAIMS),
                logout("iss foreign", t -> t.claim("iss", "https://evil.example"), ISS),
                logout("iss missing", t -> t.without("iss"), ISS),
                logout("aud missing", t -> t.without("aud"), AUD),
                logout("aud empty", t -> t.claim("aud", ""), AUD),
                logout("aud an array", t -> t.claim("aud", new JsonArray().add("demo-app")), AUD),
                logout("iat missing", t -> t.without("iat"), IAT_TYPE),
                logout("iat too old", t -> t.shiftTimes(-120), IAT_SKEW),
                logout("iat too far ahead", t -> t.shiftTimes(120), IAT_SKEW),
                logout("exp missing", t -> t.without("exp"), EXP_TYPE),
                logout("exp at iat", t -> t.claim("exp", t.time("iat")), EXP_AFTER_IAT),
                logout(
                        "exp over 120 seconds after iat",
                        t -> t.claim("exp", t.time("iat") + 121),
                        "exp must be at most 120 seconds after iat"),
                logout("jti missing", t -> t.without("jti"), jti()),
                logout("jti under 16 characters", t -> t.claim("jti", "j".repeat(15)), jti()),
                logout("jti not a string", t -> t.claim("jti", 1234567890123456789L), jti()),
                logout(
                        "sid and sub both missing",
                        t -> t.without("sid").without("sub"),
                        "a logout token needs sid, sub or both"),
                logout("sub empty", t -> t.claim("sub", ""), SUB),
                logout("sub over 255 characters", t -> t.claim("sub", "s".repeat(256)), SUB),
                logout("sub not a string", t -> t.without("sid").claim("sub", 42), SUB),
                logout("sid empty", t -> t.claim("sid", ""), "sid must be a non-empty string"),
                logout("sid not a string", t -> t.without("sub").claim("sid", 7), "sid must be a non-empty string"),
                logout("events missing", t -> t.without("events"), EVENTS),
                logout("events empty", t -> t.claim("events", new JsonObject()), EVENTS),
                logout(
                        "events with another member",
                        t -> t.claim("events", logoutEvents().put("https://example.com/other", new JsonObject())),
                        EVENTS),
                logout(
                        "the logout event not empty",
                        t -> t.claim(
                                "events",
                                new JsonObject()
                                        .put(TestTokens.BACKCHANNEL_LOGOUT, new JsonObject().put("reason", "x"))),
                        EVENTS),
                logout(
                        "the logout event not an object",
                        t -> t.claim("events", new JsonObject().put(TestTokens.BACKCHANNEL_LOGOUT, true)),
                        EVENTS),
                logout(
                        "events an array",
                        t -> t.claim("events", new JsonArray().add(TestTokens.BACKCHANNEL_LOGOUT)),
                        EVENTS),
                logout("events a string", t -> t.claim("events", TestTokens.BACKCHANNEL_LOGOUT), EVENTS),
                new Refusal(
                        "claims not an object",
                        new JsonObject().put("typ", "logout+jwt").put("claims", new JsonArray()),
                        "claims must be a JSON object"));
    }

    /** {@code events} as a logout token carries it. */
    public static JsonObject logoutEvents() {
        return new JsonObject().put(TestTokens.BACKCHANNEL_LOGOUT, new JsonObject());
    }

    private static Refusal id(String rule, UnaryOperator<TestTokens> change, String description) {
        return new Refusal(rule, change.apply(TestTokens.idToken()).request(), description);
    }

    private static Refusal logout(String rule, UnaryOperator<TestTokens> change, String description) {
        return new Refusal(rule, change.apply(TestTokens.logoutToken()).request(), description);
    }

    private static String nonce() {
        return "nonce must be a string of at most 512 characters";
    }

    private static String atHash() {
        return "at_hash must be 22 base64url characters (half a SHA-256 hash)";
    }

    private static String jti() {
        return "jti must be a string of at least 16 characters";
    }
}
