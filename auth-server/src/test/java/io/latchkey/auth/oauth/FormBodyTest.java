package io.latchkey.auth.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FormBodyTest {
    private static final String FORM = "application/x-www-form-urlencoded";

    private static FormBody parse(String body) {
        return FormBody.parse(FORM, body.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static OAuthError rejected(String contentType, byte[] body) {
        return assertThrows(OAuthError.class, () -> FormBody.parse(contentType, body));
    }

    @Test
    void parseWhenEncodedThenPlusAndPercentDecoded() {
        FormBody form = parse("username=al+ice&password=p%26ss%3D%C3%A9");
        assertEquals("al ice", form.required("username"));
        assertEquals("p&ss=é", form.required("password"));
    }

    @Test
    void parseWhenParameterHasNoValueThenTreatedAsOmitted() {
        FormBody form = parse("scope=&grant_type=password");
        assertEquals(Optional.empty(), form.optional("scope"));
    }

    @Test
    void parseWhenParameterRepeatedThenInvalidRequest() {
        OAuthError e = rejected(FORM, "scope=a&scope=b".getBytes(StandardCharsets.US_ASCII));
        assertEquals(
                "{\"error\":\"invalid_request\",\"error_description\":\"The parameter scope is repeated\"}",
                e.body().encode());
    }

    @Test
    void parseWhenPercentEncodingMalformedThenInvalidRequest() {
        OAuthError e = rejected(FORM, "password=%zz".getBytes(StandardCharsets.US_ASCII));
        assertEquals(400, e.status());
        assertEquals(
                "{\"error\":\"invalid_request\",\"error_description\":\"The request has a malformed percent-encoding\"}",
                e.body().encode());
        assertEquals(
                400,
                rejected(FORM, "password=%4".getBytes(StandardCharsets.US_ASCII))
                        .status());
    }

    @Test
    void parseWhenNotUtf8ThenInvalidRequest() {
        OAuthError encoded = rejected(FORM, "password=%C3%28".getBytes(StandardCharsets.US_ASCII));
        OAuthError raw = rejected(FORM, new byte[] {'a', '=', (byte) 0xff});
        assertEquals(
                "{\"error\":\"invalid_request\",\"error_description\":\"The request is not valid UTF-8\"}",
                encoded.body().encode());
        assertEquals(encoded.body(), raw.body());
    }

    @Test
    void parseWhenContentTypeIsNotFormThenInvalidRequest() {
        OAuthError e = rejected("application/json", "{}".getBytes(StandardCharsets.US_ASCII));
        assertEquals(
                "{\"error\":\"invalid_request\",\"error_description\":\"The content type must be application/x-www-form-urlencoded\"}",
                e.body().encode());
        assertTrue(FormBody.parse(FORM + "; charset=UTF-8", new byte[0])
                .optional("x")
                .isEmpty());
    }

    @Test
    void parseWhenValueHoldsNulThenInvalidRequest() {
        OAuthError e = rejected(FORM, "username=a%00b".getBytes(StandardCharsets.US_ASCII));
        assertEquals(
                "{\"error\":\"invalid_request\",\"error_description\":\"The request contains a NUL character\"}",
                e.body().encode());
    }
}
