-- Browser login: the authorization code flow with PKCE through the hosted login page (DESIGN, "Browser login").

-- Client registration fields. URIs are validated by the admin API (exact strings, no fragment, http only on
-- loopback); the checks here keep the columns' shape whatever writes them.
ALTER TABLE clients
    ADD COLUMN redirect_uris             text[]  NOT NULL DEFAULT '{}',
    ADD COLUMN post_logout_redirect_uris text[]  NOT NULL DEFAULT '{}',
    ADD COLUMN backchannel_logout_uri    text,
    ADD COLUMN allowed_cors_origins      text[]  NOT NULL DEFAULT '{}',
    ADD COLUMN first_party               boolean NOT NULL DEFAULT false,
    ADD COLUMN client_name               text,
    ADD COLUMN access_token_signing_alg  text    NOT NULL DEFAULT 'RS256',
    ADD COLUMN dpop_bound_access_tokens  boolean NOT NULL DEFAULT false,
    ADD CONSTRAINT clients_redirect_uris_bound CHECK (cardinality(redirect_uris) <= 32),
    ADD CONSTRAINT clients_post_logout_redirect_uris_bound CHECK (cardinality(post_logout_redirect_uris) <= 32),
    ADD CONSTRAINT clients_allowed_cors_origins_bound CHECK (cardinality(allowed_cors_origins) <= 32),
    ADD CONSTRAINT clients_client_name_length CHECK (client_name IS NULL OR char_length(client_name) BETWEEN 1 AND 100),
    ADD CONSTRAINT clients_signing_alg_known CHECK (access_token_signing_alg IN ('RS256', 'ES256')),
    ADD CONSTRAINT clients_code_needs_redirect
        CHECK (NOT ('authorization_code' = ANY (grant_types)) OR cardinality(redirect_uris) >= 1);

ALTER TABLE clients DROP CONSTRAINT clients_grant_types_known;
ALTER TABLE clients ADD CONSTRAINT clients_grant_types_known
    CHECK (grant_types <@ ARRAY['authorization_code', 'password', 'client_credentials', 'refresh_token']::text[]);

-- A browser session is a Latchkey session: the cookie's hash finds it. Sessions opened by the password grant
-- have none. sessions.client_id stays the client the session started with.
ALTER TABLE sessions
    ADD COLUMN browser_token_hash bytea UNIQUE,
    ADD CONSTRAINT sessions_browser_token_sha256
        CHECK (browser_token_hash IS NULL OR octet_length(browser_token_hash) = 32);

-- Every client that received tokens in a session: a browser session serves several (single sign-on), and
-- disabling any of them ends the session.
CREATE TABLE session_clients (
    session_id  uuid        NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    client_id   text        NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
    first_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id, client_id)
);
CREATE INDEX session_clients_by_client ON session_clients (client_id);
INSERT INTO session_clients (session_id, client_id) SELECT id, client_id FROM sessions;

-- A refresh token belongs to one client and carries its own granted scope, since one session now issues to
-- several clients. Existing tokens take their session's.
ALTER TABLE refresh_tokens
    ADD COLUMN client_id text REFERENCES clients (client_id) ON DELETE CASCADE,
    ADD COLUMN scope     text;
UPDATE refresh_tokens r SET client_id = s.client_id, scope = s.scope FROM sessions s WHERE s.id = r.session_id;
ALTER TABLE refresh_tokens ALTER COLUMN client_id SET NOT NULL, ALTER COLUMN scope SET NOT NULL;

-- A pending authorize request: the login and consent pages are steps of it, and any replica serves any step.
-- The id is in the page's URL; the row is bound to a cookie of the browser that started it (its hash), so the
-- id alone completes nothing. Rows outlive expires_at by a day so a late step can still return to the client
-- with an error instead of dead-ending.
CREATE TABLE interactions (
    id                  text        PRIMARY KEY,
    browser_hash        bytea       NOT NULL,
    csrf_token          text        NOT NULL,
    client_id           text        NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
    redirect_uri        text        NOT NULL,
    redirect_uri_given  boolean     NOT NULL,
    scope               text        NOT NULL,
    state               text,
    code_challenge      text        NOT NULL,
    nonce               text,
    prompt              text,
    max_age             bigint,
    login_hint          text,
    -- Set once the user has signed in on this interaction (or single sign-on applied).
    session_id          uuid        REFERENCES sessions (id) ON DELETE CASCADE,
    created_at          timestamptz NOT NULL DEFAULT now(),
    expires_at          timestamptz NOT NULL,
    completed_at        timestamptz,
    CONSTRAINT interactions_id_length CHECK (char_length(id) BETWEEN 22 AND 64),
    CONSTRAINT interactions_browser_hash_sha256 CHECK (octet_length(browser_hash) = 32)
);
CREATE INDEX interactions_expires_at ON interactions (expires_at);

-- Authorization codes, stored only as SHA-256 hashes, single use: used_at is set by compare-and-set, and a
-- second use ends the session the code was issued in.
CREATE TABLE authorization_codes (
    code_hash           bytea       PRIMARY KEY,
    session_id          uuid        NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    client_id           text        NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
    redirect_uri        text        NOT NULL,
    redirect_uri_given  boolean     NOT NULL,
    code_challenge      text        NOT NULL,
    nonce               text,
    scope               text        NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    expires_at          timestamptz NOT NULL,
    used_at             timestamptz,
    CONSTRAINT authorization_codes_hash_sha256 CHECK (octet_length(code_hash) = 32)
);
CREATE INDEX authorization_codes_expires_at ON authorization_codes (expires_at);

-- Remembered consent of a user to a third-party client, for the scopes granted.
CREATE TABLE consents (
    user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id   text        NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
    scopes      text[]      NOT NULL,
    granted_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, client_id)
);
