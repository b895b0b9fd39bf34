package io.latchkey.auth.feed;

import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * A client id and secret from an {@code Authorization: Basic} header. Both are form-url-encoded inside the
 * base64 (RFC 6749 §2.3.1), so {@code a%3Ab} is the id {@code a:b}.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1">RFC 6749 §2.3.1</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7617#section-2">RFC 7617 §2</a>
 */
record BasicCredentials(String clientId, String secret) {
    private static final String SCHEME = "basic ";

    /** Empty unless the header is well-formed Basic with a non-empty id. */
    static Optional<BasicCredentials> parse(String header) {
        if (header == null
                || header.length() <= SCHEME.length()
                || !header.substring(0, SCHEME.length())
                        .toLowerCase(Locale.ROOT)
                        .equals(SCHEME)) {
            return Optional.empty();
        }
        try {
            byte[] raw =
                    Base64.getDecoder().decode(header.substring(SCHEME.length()).trim());
            String decoded = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw))
                    .toString();
            int colon = decoded.indexOf(':');
            if (colon < 1) {
                return Optional.empty();
            }
            String clientId = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
            String secret = URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
            return clientId.isEmpty() ? Optional.empty() : Optional.of(new BasicCredentials(clientId, secret));
        } catch (IllegalArgumentException | CharacterCodingException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return "BasicCredentials[clientId=" + clientId + ", secret=***]";
    }
}
