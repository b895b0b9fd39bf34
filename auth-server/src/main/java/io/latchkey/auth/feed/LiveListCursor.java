package io.latchkey.auth.feed;

import io.vertx.core.Future;
import java.util.List;

/**
 * The live list after a position, read in keyset pages, so whoever sends it holds one page at a time however long
 * the list is. It opens by reading the highest committed seq ({@link #lastSeq()}) and reads no entry above it:
 * writers append under one lock, so every seq up to that one had already committed, and pages read one after the
 * other without a long transaction still add up to one consistent answer. An entry pruned between pages had
 * expired, so missing it is fine. A position above the highest seq counts as none: every live entry.
 */
public final class LiveListCursor {
    /** Rows per read: a page renders to well under a MiB, and a million entries take 200 reads. */
    public static final int PAGE_SIZE = 5_000;

    private final RevocationFeedRepository repository;
    private final long lastSeq;
    private final long now;
    private final int pageSize;
    private long position;
    private boolean done;

    private LiveListCursor(RevocationFeedRepository repository, long after, long lastSeq, long now, int pageSize) {
        this.repository = repository;
        this.position = after;
        this.lastSeq = lastSeq;
        this.now = now;
        this.pageSize = pageSize;
    }

    /** Reads the highest committed seq; the cursor then reads live entries ({@code expires_at > now}) above {@code after}. */
    public static Future<LiveListCursor> open(RevocationFeedRepository repository, long after, long now) {
        return open(repository, after, now, PAGE_SIZE);
    }

    static Future<LiveListCursor> open(RevocationFeedRepository repository, long after, long now, int pageSize) {
        return repository
                .highestSeq()
                .map(highest -> new LiveListCursor(repository, after > highest ? 0 : after, highest, now, pageSize));
    }

    /** The highest seq committed when the cursor opened: the answer's {@code last_seq}. */
    public long lastSeq() {
        return lastSeq;
    }

    /** True once a page has come back short: {@link #next()} has nothing more to read. */
    public boolean done() {
        return done;
    }

    /** The next page in seq order; empty once {@link #done()}. One read at a time. */
    public Future<List<RevocationEntry>> next() {
        if (done || position >= lastSeq) {
            done = true;
            return Future.succeededFuture(List.of());
        }
        return repository.livePage(position, lastSeq, now, pageSize).map(page -> {
            if (page.size() < pageSize) {
                done = true;
            } else {
                position = page.get(page.size() - 1).seq();
                done = position >= lastSeq;
            }
            return page;
        });
    }
}
