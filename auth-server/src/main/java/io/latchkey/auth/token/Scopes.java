package io.latchkey.auth.token;

import io.latchkey.auth.oauth.OAuthError;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Scope narrowing: a requested scope must be a subset of what is allowed ({@code invalid_scope} otherwise);
 * without one, everything allowed is granted.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-3.3">RFC 6749 §3.3</a>
 */
public final class Scopes {
    /** scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
    public static final Pattern TOKEN = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+");

    private Scopes() {}

    public static String grant(Optional<String> requested, List<String> allowed) {
        if (requested.isEmpty()) {
            return String.join(" ", allowed);
        }
        Set<String> asked = new LinkedHashSet<>();
        for (String s : requested.get().split(" ", -1)) {
            if (!TOKEN.matcher(s).matches()) {
                throw OAuthError.invalidScope("The scope parameter is malformed");
            }
            asked.add(s);
        }
        if (!allowed.containsAll(asked)) {
            throw OAuthError.invalidScope("The requested scope exceeds what is allowed");
        }
        return String.join(" ", asked);
    }

    public static List<String> split(String scope) {
        return scope.isEmpty() ? List.of() : Arrays.asList(scope.split(" "));
    }
}
