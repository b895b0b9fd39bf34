package io.latchkey.auth.authorize;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** What the browser gets next from a step of the authorization flow. */
public sealed interface Step {

    /**
     * A 303 to {@code location}; {@code bindingCookie} and {@code sessionCookie} are new cookie values to set, when
     * present.
     */
    record Go(String location, Optional<String> bindingCookie, Optional<String> sessionCookie) implements Step {
        public static Go to(String location) {
            return new Go(location, Optional.empty(), Optional.empty());
        }
    }

    /**
     * The login form. {@code error} is the generic message after a failed attempt; {@code retryAfter} the seconds
     * a throttled one must wait; {@code redirectOrigin} where the form's redirect may lead (for the page's CSP).
     */
    record Login(
            int status,
            String interactionId,
            String csrfToken,
            String clientName,
            String username,
            Optional<String> error,
            OptionalLong retryAfter,
            String redirectOrigin)
            implements Step {}

    /** The consent page of a third-party client. */
    record Consent(
            String interactionId,
            String csrfToken,
            String clientName,
            String username,
            List<String> scopes,
            String redirectOrigin)
            implements Step {}
}
