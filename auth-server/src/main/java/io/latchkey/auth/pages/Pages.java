package io.latchkey.auth.pages;

import io.latchkey.auth.authorize.Step;
import java.util.Map;

/**
 * The HTML of the login, consent and error pages: server-rendered, no JavaScript, one stylesheet of our own, every
 * value escaped. Forms post to the page's own path; the CSRF token rides in a hidden field.
 */
public final class Pages {
    /** Served at this path by the pages' routes; the only resource a page loads. */
    public static final String STYLESHEET = "/assets/latchkey.css";

    private static final Map<String, String> SCOPE_TEXT = Map.of(
            "openid", "Confirm who you are",
            "profile", "See your name and username",
            "email", "See your email address",
            "notes:read", "Read your notes",
            "notes:write", "Add notes for you");

    private Pages() {}

    public static String login(Step.Login page) {
        StringBuilder body = new StringBuilder();
        body.append("<h1>Sign in</h1>\n<p class=\"lead\">to continue to <strong>")
                .append(Html.escape(page.clientName()))
                .append("</strong></p>\n");
        page.error().ifPresent(error -> body.append("<p class=\"error\" role=\"alert\" id=\"error\">")
                .append(Html.escape(error))
                .append("</p>\n"));
        String describedBy = page.error().isPresent() ? " aria-describedby=\"error\"" : "";
        body.append("<form method=\"post\" action=\"/login/")
                .append(Html.escape(page.interactionId()))
                .append("\">\n")
                .append(csrf(page.csrfToken()))
                .append("<label for=\"username\">Username</label>\n")
                .append("<input id=\"username\" name=\"username\" type=\"text\" autocomplete=\"username\""
                        + " autocapitalize=\"none\" spellcheck=\"false\" maxlength=\"255\" required")
                .append(page.username().isEmpty() ? " autofocus" : "")
                .append(describedBy)
                .append(" value=\"")
                .append(Html.escape(page.username()))
                .append("\">\n")
                .append("<label for=\"password\">Password</label>\n")
                .append("<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\""
                        + " maxlength=\"1024\" required")
                .append(page.username().isEmpty() ? "" : " autofocus")
                .append(describedBy)
                .append(">\n")
                .append("<button type=\"submit\">Sign in</button>\n</form>\n");
        return document("Sign in · " + page.clientName(), body.toString());
    }

    public static String consent(Step.Consent page) {
        StringBuilder body = new StringBuilder();
        body.append("<h1>Allow access?</h1>\n<p class=\"lead\"><strong>")
                .append(Html.escape(page.clientName()))
                .append("</strong> wants to:</p>\n<ul class=\"scopes\">\n");
        for (String scope : page.scopes()) {
            body.append("<li>")
                    .append(Html.escape(SCOPE_TEXT.getOrDefault(scope, scope)))
                    .append(" <code>")
                    .append(Html.escape(scope))
                    .append("</code></li>\n");
        }
        body.append("</ul>\n<p class=\"who\">Signed in as <strong>")
                .append(Html.escape(page.username()))
                .append("</strong></p>\n<form method=\"post\" action=\"/consent/")
                .append(Html.escape(page.interactionId()))
                .append("\" class=\"choices\">\n")
                .append(csrf(page.csrfToken()))
                .append("<button type=\"submit\" name=\"decision\" value=\"allow\">Allow</button>\n")
                .append("<button type=\"submit\" name=\"decision\" value=\"deny\" class=\"secondary\">Deny</button>\n")
                .append("</form>\n");
        return document("Allow access · " + page.clientName(), body.toString());
    }

    /**
     * Asks before signing out (RP-Initiated Logout without a valid hint). {@code hidden} are the request's
     * parameters, posted back with the answer.
     */
    public static String confirmSignOut(
            String csrf, java.util.Optional<String> clientName, Map<String, String> hidden) {
        StringBuilder body = new StringBuilder("<h1>Sign out?</h1>\n<p class=\"lead\">");
        body.append(clientName
                        .map(name -> "<strong>" + Html.escape(name) + "</strong> asks to sign you out of Latchkey.")
                        .orElse("You are about to sign out of Latchkey."))
                .append(
                        " Every application you signed in to through Latchkey in this browser will sign you out too.</p>\n")
                .append("<form method=\"post\" action=\"/oauth2/end-session\">\n")
                .append(csrf(csrf));
        hidden.forEach((name, value) -> body.append("<input type=\"hidden\" name=\"")
                .append(Html.escape(name))
                .append("\" value=\"")
                .append(Html.escape(value))
                .append("\">\n"));
        body.append("<button type=\"submit\" name=\"confirm\" value=\"yes\">Sign out</button>\n</form>\n");
        return document("Sign out", body.toString());
    }

    public static String signedOut() {
        return document(
                "Signed out",
                "<h1>You are signed out</h1>\n<p class=\"lead\">You can close this window, or return to the application"
                        + " you came from.</p>\n");
    }

    /** A page for an error that must not go back to the client; {@code message} says what to do next. */
    public static String error(String message) {
        return document(
                "Sign-in problem",
                "<h1>Something went wrong</h1>\n<p class=\"error\" role=\"alert\">" + Html.escape(message) + "</p>\n");
    }

    private static String csrf(String token) {
        return "<input type=\"hidden\" name=\"csrf\" value=\"" + Html.escape(token) + "\">\n";
    }

    private static String document(String title, String main) {
        return "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<meta name=\"referrer\" content=\"no-referrer\">\n"
                + "<title>" + Html.escape(title) + "</title>\n"
                + "<link rel=\"stylesheet\" href=\"" + STYLESHEET + "\">\n"
                + "</head>\n<body>\n<main class=\"card\">\n<p class=\"brand\">Latchkey</p>\n"
                + main
                + "</main>\n</body>\n</html>\n";
    }
}
