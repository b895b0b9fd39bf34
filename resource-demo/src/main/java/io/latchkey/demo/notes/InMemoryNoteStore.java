package io.latchkey.demo.notes;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** Notes in memory, gone at restart: the demo shows token checks, not storage. */
public final class InMemoryNoteStore implements NoteStore {
    private final Map<String, List<Note>> notes = new ConcurrentHashMap<>();
    private final Clock clock;

    public InMemoryNoteStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public List<Note> list(String owner) {
        List<Note> own = notes.get(owner);
        if (own == null) {
            return List.of();
        }
        synchronized (own) {
            return List.copyOf(own);
        }
    }

    @Override
    public Note add(String owner, String text) {
        List<Note> own = notes.computeIfAbsent(owner, o -> new ArrayList<>());
        synchronized (own) {
            if (own.size() >= MAX_NOTES_PER_USER) {
                throw new NoteLimitReached();
            }
            Note note = new Note(UUID.randomUUID().toString(), text, clock.instant());
            own.add(note);
            return note;
        }
    }
}
