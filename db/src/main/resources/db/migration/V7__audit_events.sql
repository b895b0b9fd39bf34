-- Audit trail: logins, refresh-token reuse, revocations, admin actions. Never a secret, token or password.
-- No foreign keys, so the trail outlives the rows it speaks of.
CREATE TABLE audit_events (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    event       text        NOT NULL,
    client_id   text,
    user_id     uuid,
    session_id  uuid,
    ip          inet,
    detail      jsonb       NOT NULL DEFAULT '{}'
);

CREATE INDEX audit_events_occurred_at ON audit_events (occurred_at);
CREATE INDEX audit_events_user ON audit_events (user_id, occurred_at) WHERE user_id IS NOT NULL;
