package io.latchkey.demo.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.demo.notes.Note;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HtmlTest {
    private static final String HOSTILE = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>&amp;";

    @Test
    void escapeWhenMarkupCharactersThenCharacterReferences() {
        assertEquals(
                "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&amp;amp;",
                Html.escape(HOSTILE));
    }

    @Test
    void escapeWhenPlainTextThenUnchanged() {
        String text = "Buy milk, eggs & nothing else? No: just milk. Ünïcödé ✓";
        assertEquals("Buy milk, eggs &amp; nothing else? No: just milk. Ünïcödé ✓", Html.escape(text));
        String plain = "nothing to escape";
        assertSame(plain, Html.escape(plain));
        assertEquals("", Html.escape(null));
    }

    @Test
    void homeWhenNotesAndNamesHoldMarkupThenThePageShowsThemAsText() {
        String page = Pages.home(new HomeView(
                HOSTILE,
                "sub-" + HOSTILE,
                List.of(new Note("n1", HOSTILE, Instant.ofEpochSecond(1_700_000_000))),
                Optional.empty(),
                Optional.of("flash " + HOSTILE),
                "csrf\"token"));

        assertFalse(page.contains("<script>"), page);
        assertFalse(page.contains("<img"), page);
        assertTrue(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
        assertTrue(page.contains("value=\"csrf&quot;token\""), "the CSRF field cannot break out of its attribute");
        assertTrue(page.contains("2023-11-14 22:13 UTC"));
    }

    @Test
    void pagesWhenRenderedThenEveryPageLoadsOnlyItsOwnStylesheetAndNoScript() {
        List<String> pages = List.of(
                Pages.signedOut(Optional.of("a <b>notice</b>")),
                Pages.problem("Title <i>", "Message <u>", Optional.of("access_denied (<b>no</b>)")),
                Pages.home(new HomeView("alice", "sub", List.of(), Optional.of("<x>"), Optional.empty(), "t")));
        for (String page : pages) {
            assertFalse(page.contains("<script"), page);
            assertFalse(page.contains("http://") || page.contains("https://"), "no third-party resource: " + page);
            assertTrue(page.contains("<link rel=\"stylesheet\" href=\"/notes.css\">"));
            assertTrue(page.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"));
            assertFalse(page.contains("<b>") || page.contains("<i>") || page.contains("<u>") || page.contains("<x>"));
        }
    }

    @Test
    void problemWhenRenderedThenItOffersToSignInAgainAndToGoBack() {
        String page = Pages.problem("This sign-in has expired", "Nothing was changed.", Optional.empty());

        assertTrue(page.contains("<a class=\"button\" href=\"/login\">Sign in again</a>"));
        assertTrue(page.contains("<a href=\"/\">Back to your notes</a>"));
    }

    @Test
    void homeWhenSignedInThenSignOutAndAddNoteArePostFormsWithTheCsrfToken() {
        String page =
                Pages.home(new HomeView("alice", "sub", List.of(), Optional.empty(), Optional.empty(), "the-token"));

        assertTrue(page.contains("<form method=\"post\" action=\"/logout\">"));
        assertTrue(page.contains("<form class=\"add\" method=\"post\" action=\"/notes\">"));
        assertEquals(2, page.split("name=\"csrf\" value=\"the-token\"", -1).length - 1);
    }
}
