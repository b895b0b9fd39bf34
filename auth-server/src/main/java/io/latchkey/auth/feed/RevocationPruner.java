package io.latchkey.auth.feed;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes revocation entries 5 minutes after their {@code expires_at}, so the list stays bounded. Every replica
 * runs it; deleting what is already gone deletes nothing, so replicas need no coordination. It deletes in
 * batches until a batch comes back short, and never two runs at once on one replica.
 */
public final class RevocationPruner {
    private static final Logger LOG = LoggerFactory.getLogger(RevocationPruner.class);
    private static final int BATCH = 5_000;

    private final Vertx vertx;
    private final RevocationFeedRepository repository;
    private final Clock clock;
    private final FeedSettings settings;
    private long timer = -1;
    private boolean running;

    public RevocationPruner(Vertx vertx, RevocationFeedRepository repository, Clock clock, FeedSettings settings) {
        this.vertx = vertx;
        this.repository = repository;
        this.clock = clock;
        this.settings = settings;
    }

    public void start() {
        timer = vertx.setPeriodic(settings.pruneInterval().toMillis(), id -> {
            if (!running) {
                pruneNow();
            }
        });
    }

    public void stop() {
        vertx.cancelTimer(timer);
    }

    /** One run: deletes every entry expired for longer than the grace; completes with how many. */
    public Future<Integer> pruneNow() {
        running = true;
        long cutoff = clock.instant().minus(FeedSettings.PRUNE_GRACE).getEpochSecond();
        return pruneFrom(cutoff, 0)
                .onSuccess(deleted -> {
                    if (deleted > 0) {
                        LOG.debug("pruned {} expired revocation entries", deleted);
                    }
                })
                .onFailure(e ->
                        LOG.warn("revocation pruning failed ({})", e.getClass().getSimpleName()))
                .onComplete(ar -> running = false);
    }

    private Future<Integer> pruneFrom(long cutoff, int deletedSoFar) {
        return repository
                .prune(cutoff, BATCH)
                .compose(deleted -> deleted == BATCH
                        ? pruneFrom(cutoff, deletedSoFar + deleted)
                        : Future.succeededFuture(deletedSoFar + deleted));
    }
}
