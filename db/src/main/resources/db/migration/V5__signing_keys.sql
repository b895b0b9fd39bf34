-- RSA signing keys owned by key-service. The private key is sealed with AES-256-GCM under the KEK with the
-- kid as associated data; kek_fingerprint tells which KEK sealed it so a wrong KEK stops the start.
-- The key's life is driven by stored times, so every replica agrees on the active key:
--   published (publish_at <= now < activate_at), active (newest activate_at <= now, not revoked),
--   retired (superseded at retired_at; in the JWKS until remove_at), then removed.
CREATE TABLE signing_keys (
    kid                text        PRIMARY KEY,
    algorithm          text        NOT NULL DEFAULT 'RS256',
    key_size           integer     NOT NULL,
    -- Public parameters only: {"kty","n","e"}.
    public_jwk         jsonb       NOT NULL,
    sealed_private_key bytea       NOT NULL,
    kek_fingerprint    text        NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    publish_at         timestamptz NOT NULL,
    activate_at        timestamptz NOT NULL,
    retired_at         timestamptz,
    remove_at          timestamptz,
    revoked_at         timestamptz,
    CONSTRAINT signing_keys_algorithm CHECK (algorithm = 'RS256'),
    CONSTRAINT signing_keys_key_size CHECK (key_size IN (2048, 3072, 4096)),
    CONSTRAINT signing_keys_publish_before_activate CHECK (publish_at <= activate_at),
    CONSTRAINT signing_keys_public_only CHECK (NOT (public_jwk ?| ARRAY['d', 'p', 'q', 'dp', 'dq', 'qi']))
);

CREATE INDEX signing_keys_activate_at ON signing_keys (activate_at);
