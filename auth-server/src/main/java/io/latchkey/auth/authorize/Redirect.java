package io.latchkey.auth.authorize;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where an authorization response goes: a registered redirect URI and the request's {@code state}, echoed
 * verbatim. Every response carries {@code iss} (RFC 9207), errors included; parameters are added to the query
 * (RFC 6749 §4.1.2), keeping a query the registered URI already has.
 */
public record Redirect(String redirectUri, Optional<String> state) {

    /** The success response: {@code code}, {@code state}, {@code iss}. */
    public String withCode(String code, String issuer) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("code", code);
        return build(params, issuer);
    }

    /** An error response (RFC 6749 §4.1.2.1). */
    public String withError(String error, String description, String issuer) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("error", error);
        params.put("error_description", description);
        return build(params, issuer);
    }

    private String build(Map<String, String> params, String issuer) {
        state.ifPresent(s -> params.put("state", s));
        params.put("iss", issuer);
        StringBuilder url = new StringBuilder(redirectUri);
        char separator = redirectUri.indexOf('?') >= 0 ? '&' : '?';
        for (Map.Entry<String, String> param : params.entrySet()) {
            url.append(separator)
                    .append(param.getKey())
                    .append('=')
                    .append(URLEncoder.encode(param.getValue(), StandardCharsets.UTF_8));
            separator = '&';
        }
        return url.toString();
    }
}
