package io.latchkey.demo.web;

import io.latchkey.demo.notes.Note;
import java.util.List;
import java.util.Optional;

/**
 * What the signed-in home page shows: the user, their notes (or why they cannot be shown), a one-time message and
 * the CSRF token its forms carry.
 */
public record HomeView(
        String displayName,
        String subject,
        List<Note> notes,
        Optional<String> notesProblem,
        Optional<String> message,
        String csrfToken) {
    public HomeView {
        notes = List.copyOf(notes);
    }
}
