package io.latchkey.demo.web;

/**
 * Escaping for text placed in HTML element content and in double- or single-quoted attribute values: the five
 * characters that could end a text run or an attribute, and nothing else. Every value a page shows that did not come
 * from the page's own source goes through {@link #escape}.
 *
 * @see <a href="https://html.spec.whatwg.org/multipage/syntax.html#escapingString">HTML: escaping a string</a>
 */
public final class Html {
    private Html() {}

    /** {@code text} with {@code & < > " '} replaced by character references; {@code null} is the empty string. */
    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            String replacement =
                    switch (text.charAt(i)) {
                        case '&' -> "&amp;";
                        case '<' -> "&lt;";
                        case '>' -> "&gt;";
                        case '"' -> "&quot;";
                        case '\'' -> "&#39;";
                        default -> null;
                    };
            if (replacement != null && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (out != null) {
                if (replacement != null) {
                    out.append(replacement);
                } else {
                    out.append(text.charAt(i));
                }
            }
        }
        return out == null ? text : out.toString();
    }
}
