package io.latchkey.auth.admin;

import io.latchkey.auth.oauth.OAuthError;
import io.latchkey.auth.session.LogoutJobRepository;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

/** What the admin API shows of logout jobs: one job's progress, and the unfinished ones. */
public final class LogoutJobReads {
    /** Unfinished jobs are few (one per mass logout in progress); the list is bounded rather than paged. */
    private static final int UNFINISHED_LIMIT = 100;

    private final Pool pool;
    private final LogoutJobRepository jobs;

    public LogoutJobReads(Pool pool, LogoutJobRepository jobs) {
        this.pool = pool;
        this.jobs = jobs;
    }

    /** {@code GET /admin/logout-jobs/{id}}: 404 for an unknown or malformed id. */
    public Future<JsonObject> job(String rawId) {
        return PathIds.uuid(rawId)
                .map(id -> jobs.find(pool, id)
                        .map(found -> found.orElseThrow(LogoutJobReads::noJob).toJson()))
                .orElseGet(() -> Future.failedFuture(noJob()));
    }

    /** {@code GET /admin/logout-jobs}: the unfinished jobs, oldest first. */
    public Future<JsonObject> unfinished() {
        return jobs.unfinished(pool, UNFINISHED_LIMIT).map(list -> {
            JsonArray items = new JsonArray();
            list.forEach(job -> items.add(job.toJson()));
            return new JsonObject().put("items", items).putNull("next");
        });
    }

    private static OAuthError noJob() {
        return OAuthError.notFound("No logout job with this id");
    }
}
