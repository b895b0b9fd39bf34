-- A session starts at a password login and carries the `sid` claim. Refresh, logout, reuse detection and
-- user disable lock its row (SELECT ... FOR UPDATE), so they serialise per session.
CREATE TABLE sessions (
    id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id   text        NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
    -- The scope granted at login; a refresh may only narrow it.
    scope       text        NOT NULL,
    -- Epoch seconds of the login, carried into every token of the session as auth_time.
    auth_time   bigint      NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    -- Absolute end (LATCHKEY_SESSION_MAX_AGE); the idle end lives on the refresh token.
    expires_at  timestamptz NOT NULL,
    ended_at    timestamptz,
    end_reason  text,
    CONSTRAINT sessions_end_reason CHECK ((ended_at IS NULL) = (end_reason IS NULL))
);

CREATE INDEX sessions_open_by_user ON sessions (user_id) WHERE ended_at IS NULL;
CREATE INDEX sessions_open_by_client ON sessions (client_id) WHERE ended_at IS NULL;
CREATE INDEX sessions_expires_at ON sessions (expires_at);
CREATE INDEX sessions_ended_at ON sessions (ended_at) WHERE ended_at IS NOT NULL;

-- Opaque refresh tokens, stored only as SHA-256 hashes. A rotated token keeps its row with used_at set, so
-- presenting it again is recognised as reuse and ends the session.
CREATE TABLE refresh_tokens (
    token_hash  bytea       PRIMARY KEY,
    session_id  uuid        NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    issued_at   timestamptz NOT NULL DEFAULT now(),
    -- Idle end (LATCHKEY_REFRESH_TOKEN_TTL), never past the session's expires_at.
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    CONSTRAINT refresh_tokens_hash_sha256 CHECK (octet_length(token_hash) = 32)
);

CREATE INDEX refresh_tokens_by_session ON refresh_tokens (session_id);
