package io.latchkey.auth.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.latchkey.auth.oauth.OAuthError;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** What the admin API accepts as a JSON body, and the one-line reason for what it refuses. */
class StrictJsonTest {

    @Test
    void objectWhenWellFormedThenDecoded() {
        assertEquals(
                new JsonObject().put("a", 1).put("b", new JsonObject().put("a", "x\uD83D\uDE00")),
                StrictJson.object(Buffer.buffer("{\"a\":1,\"b\":{\"a\":\"x\\ud83d\\ude00\"}}")));
    }

    @Test
    void objectWhenAMemberIsRepeatedThenInvalidRequestNamingIt() {
        assertEquals(
                "The body repeats the member username",
                refusal("{\"username\":\"alice\",\"password\":\"p\",\"username\":\"mallory\"}"));
        assertEquals("The body repeats the member k", refusal("{\"o\":{\"k\":1,\"k\":2}}"));
        // The same name in sibling objects, or in an array's objects, is no repetition.
        StrictJson.object(Buffer.buffer("{\"a\":{\"k\":1},\"b\":{\"k\":2},\"c\":[{\"k\":1},{\"k\":2}]}"));
    }

    @Test
    void objectWhenAStringHoldsALoneSurrogateThenInvalidRequest() {
        assertEquals("The member username is not valid Unicode", refusal("{\"username\":\"\\ud800x\"}"));
        assertEquals("A member name is not valid Unicode", refusal("{\"\\udc00\":1}"));
        assertEquals("The member scopes is not valid Unicode", refusal("{\"scopes\":[\"a\",\"\\udfff\"]}"));
        assertEquals("The member name is not valid Unicode", refusal("{\"meta\":{\"name\":\"\\ud83dz\"}}"));
    }

    @Test
    void objectWhenNotOneJsonObjectThenInvalidRequest() {
        assertEquals("The body must be a JSON object", refusal("[1]"));
        assertEquals("The body must be a JSON object", refusal(""));
        assertEquals("The body is not valid JSON", refusal("{\"a\":"));
        assertEquals("The body is not valid JSON", refusal("{} {}"));
        assertEquals("The body is not valid JSON", refusal("{\"a\":1} x"));
    }

    private static String refusal(String body) {
        OAuthError error = assertThrows(OAuthError.class, () -> StrictJson.object(Buffer.buffer(body)));
        assertEquals("invalid_request", error.code());
        return error.body().getString("error_description");
    }
}
