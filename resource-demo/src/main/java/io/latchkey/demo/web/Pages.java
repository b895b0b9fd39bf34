package io.latchkey.demo.web;

import io.latchkey.demo.notes.Note;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The notes web app's pages, rendered on the server: no JavaScript, no third-party resource, one small stylesheet
 * ({@link #STYLESHEET}) that reads from 320 px phones to wide screens. Every value that did not come from this class
 * is escaped with {@link Html#escape}. Every page that reports a problem offers a way on.
 */
public final class Pages {
    public static final String STYLESHEET_PATH = "/notes.css";

    public static final String STYLESHEET = """
            *,*::before,*::after{box-sizing:border-box}
            html{-webkit-text-size-adjust:100%}
            body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;background:#f5f6f8}
            header{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:space-between;
              padding:.75rem 1rem;background:#1d2330;color:#fff}
            header a{color:#fff;font-weight:600;text-decoration:none}
            header form{margin:0}
            main{max-width:40rem;margin:0 auto;padding:1rem}
            h1{font-size:1.5rem;margin:.5rem 0 1rem}
            p{margin:0 0 1rem}
            label{display:block;font-weight:600;margin-bottom:.25rem}
            textarea{display:block;width:100%;min-height:5rem;padding:.5rem;font:inherit;border:1px solid #9aa3b2;border-radius:4px}
            button,.button{display:inline-block;padding:.5rem 1rem;font:inherit;font-weight:600;color:#fff;background:#2f5bd3;
              border:0;border-radius:4px;text-decoration:none;cursor:pointer}
            button:focus-visible,.button:focus-visible,a:focus-visible,textarea:focus-visible{outline:3px solid #f0b400;outline-offset:2px}
            header button{background:#fff;color:#1d2330}
            form.add{margin-bottom:1.5rem}
            form.add button{margin-top:.5rem}
            ul.notes{list-style:none;margin:0;padding:0}
            ul.notes li{background:#fff;border:1px solid #dde1e8;border-radius:4px;padding:.75rem;margin-bottom:.5rem}
            ul.notes p{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}
            ul.notes time{display:block;font-size:.85rem;color:#5a6272}
            .notice{padding:.75rem;border-left:4px solid #2f5bd3;background:#e8eefc}
            .warning{border-left-color:#c0392b;background:#fbeae8}
            .who{font-size:.9rem;color:#5a6272;overflow-wrap:anywhere}
            .actions{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center}
            code{overflow-wrap:anywhere}
            """;

    private static final DateTimeFormatter SHOWN =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private Pages() {}

    /** The signed-out home page, with an optional notice (why the user was signed out). */
    public static String signedOut(Optional<String> notice) {
        StringBuilder body = new StringBuilder();
        body.append("<h1>Your notes, behind Latchkey</h1>\n");
        notice.ifPresent(n -> body.append("<p class=\"notice\" role=\"status\">")
                .append(Html.escape(n))
                .append("</p>\n"));
        body.append("<p>This demo signs you in with Latchkey (the authorization code flow with PKCE) and reads your"
                + " notes from the demo API with your access token.</p>\n");
        body.append("<p><a class=\"button\" href=\"/login\">Sign in</a></p>\n");
        return page("Sign in", header(null), body.toString());
    }

    /** The signed-in home page. */
    public static String home(HomeView view) {
        StringBuilder body = new StringBuilder();
        view.message().ifPresent(m -> body.append("<p class=\"notice\" role=\"status\">")
                .append(Html.escape(m))
                .append("</p>\n"));
        body.append("<h1>Your notes</h1>\n");
        body.append("<p class=\"who\">Signed in as ")
                .append(Html.escape(view.displayName()))
                .append(" (<code>sub</code> ")
                .append(Html.escape(view.subject()))
                .append(")</p>\n");
        body.append("<form class=\"add\" method=\"post\" action=\"/notes\">\n")
                .append("<label for=\"text\">New note</label>\n")
                .append("<textarea id=\"text\" name=\"text\" rows=\"3\" maxlength=\"1000\" required></textarea>\n")
                .append(csrfField(view.csrfToken()))
                .append("<button type=\"submit\">Add note</button>\n")
                .append("</form>\n");
        if (view.notesProblem().isPresent()) {
            body.append("<p class=\"notice warning\">")
                    .append(Html.escape(view.notesProblem().get()))
                    .append("</p>\n");
        } else if (view.notes().isEmpty()) {
            body.append("<p>No notes yet.</p>\n");
        } else {
            List<Note> newestFirst = new ArrayList<>(view.notes());
            Collections.reverse(newestFirst);
            body.append("<ul class=\"notes\">\n");
            for (Note note : newestFirst) {
                body.append("<li><p>")
                        .append(Html.escape(note.text()))
                        .append("</p><time datetime=\"")
                        .append(Html.escape(note.createdAt().toString()))
                        .append("\">")
                        .append(Html.escape(SHOWN.format(note.createdAt())))
                        .append("</time></li>\n");
            }
            body.append("</ul>\n");
        }
        return page("Your notes", header(view.csrfToken()), body.toString());
    }

    /**
     * A page for a problem: a title, what happened in plain words, the authorization server's own words when it sent
     * some, and the way on: sign in again, or back to the notes.
     */
    public static String problem(String title, String message, Optional<String> serverSaid) {
        StringBuilder body = new StringBuilder();
        body.append("<h1>").append(Html.escape(title)).append("</h1>\n");
        body.append("<p>").append(Html.escape(message)).append("</p>\n");
        serverSaid.ifPresent(s -> body.append("<p class=\"notice warning\">The sign-in server said: ")
                .append(Html.escape(s))
                .append("</p>\n"));
        body.append("<p class=\"actions\"><a class=\"button\" href=\"/login\">Sign in again</a>"
                + " <a href=\"/\">Back to your notes</a></p>\n");
        return page(title, header(null), body.toString());
    }

    private static String header(String csrfToken) {
        StringBuilder header = new StringBuilder("<header><a href=\"/\">Latchkey notes</a>");
        if (csrfToken != null) {
            header.append("<form method=\"post\" action=\"/logout\">")
                    .append(csrfField(csrfToken))
                    .append("<button type=\"submit\">Sign out</button></form>");
        }
        return header.append("</header>\n").toString();
    }

    private static String csrfField(String csrfToken) {
        return "<input type=\"hidden\" name=\"" + Csrf.FIELD + "\" value=\"" + Html.escape(csrfToken) + "\">\n";
    }

    private static String page(String title, String header, String body) {
        return "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<title>" + Html.escape(title) + " · Latchkey notes</title>\n"
                + "<link rel=\"stylesheet\" href=\"" + STYLESHEET_PATH + "\">\n"
                + "</head>\n<body>\n" + header + "<main>\n" + body + "</main>\n</body>\n</html>\n";
    }
}
