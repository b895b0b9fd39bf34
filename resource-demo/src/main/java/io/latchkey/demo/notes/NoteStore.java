package io.latchkey.demo.notes;

import java.util.List;

/** Notes kept per user (the token's {@code sub}); each user sees only their own. */
public interface NoteStore {
    /** Longest note text, in characters. */
    int MAX_TEXT_LENGTH = 1_000;

    /** Most notes one user may keep. */
    int MAX_NOTES_PER_USER = 100;

    List<Note> list(String owner);

    /** Adds a note; throws {@link NoteLimitReached} when the owner already keeps the most allowed. */
    Note add(String owner, String text);

    /** The owner keeps {@link #MAX_NOTES_PER_USER} notes already. */
    final class NoteLimitReached extends RuntimeException {
        public NoteLimitReached() {
            super("note limit reached", null, false, false);
        }
    }
}
