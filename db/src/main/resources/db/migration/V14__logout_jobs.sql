-- Mass logout in the background (issue 22). Ending every session of a user or client ends the first batch in the
-- request's own transaction; when more remain, that transaction records a job here and auth-server ends the rest
-- in batches, each batch its own transaction that locks this row (FOR UPDATE SKIP LOCKED, so two replicas never
-- run the same job at once), ends the sessions, lists their sids and adds to ended_count. A batch killed half-way
-- rolls back with nothing lost; whichever replica next claims the row goes on.
CREATE TABLE logout_jobs (
    id           uuid        PRIMARY KEY,
    kind         text        NOT NULL,
    -- The user's id (kind user) or the client_id (kind client).
    target       text        NOT NULL,
    -- The end_reason the job writes on every session it ends.
    reason       text        NOT NULL,
    -- Only sessions created at or before this moment are ended: a session opened later (after a password change,
    -- say) is not the job's business.
    cutoff       timestamptz NOT NULL,
    ended_count  bigint      NOT NULL DEFAULT 0,
    created_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz,
    CONSTRAINT logout_jobs_kind CHECK (kind IN ('user', 'client')),
    CONSTRAINT logout_jobs_target_length CHECK (char_length(target) BETWEEN 1 AND 256)
);

CREATE INDEX logout_jobs_unfinished ON logout_jobs (created_at) WHERE finished_at IS NULL;

-- A refresh asks whether an unfinished job covers its session (PgSessionRepository): by kind and target.
CREATE INDEX logout_jobs_unfinished_by_target ON logout_jobs (kind, target) WHERE finished_at IS NULL;
