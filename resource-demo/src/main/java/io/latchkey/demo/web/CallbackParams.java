package io.latchkey.demo.web;

import io.vertx.core.MultiMap;
import java.util.List;

/**
 * The authorization response as it reaches the redirect URI: {@code code} or {@code error} (with {@code
 * error_description}), and {@code state} and {@code iss} either way. {@code malformed} when a parameter came more
 * than once (RFC 6749 §3.1).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2">RFC 6749 §4.1.2</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9207#section-2">RFC 9207 §2</a>
 */
public record CallbackParams(
        String code, String state, String iss, String error, String errorDescription, boolean malformed) {
    private static final List<String> NAMES = List.of("code", "state", "iss", "error", "error_description");

    public static CallbackParams from(MultiMap query) {
        boolean repeated = NAMES.stream().anyMatch(name -> query.getAll(name).size() > 1);
        return new CallbackParams(
                query.get("code"),
                query.get("state"),
                query.get("iss"),
                query.get("error"),
                query.get("error_description"),
                repeated);
    }

    @Override
    public String toString() {
        // The code is a credential until redeemed.
        return "CallbackParams[error=" + error + ", malformed=" + malformed + "]";
    }
}
