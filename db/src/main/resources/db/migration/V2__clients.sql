-- OAuth clients. A confidential client has a SHA-256 secret hash; a public client (auth method `none`) has none.
CREATE TABLE clients (
    client_id         text        PRIMARY KEY,
    secret_hash       bytea,
    grant_types       text[]      NOT NULL,
    scopes            text[]      NOT NULL DEFAULT '{}',
    audience          text        NOT NULL,
    disabled          boolean     NOT NULL DEFAULT false,
    -- Epoch seconds: client_credentials tokens of this client must have iat >= this.
    tokens_not_before bigint      NOT NULL DEFAULT 0,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT clients_client_id_format CHECK (client_id ~ '^[A-Za-z0-9._-]{1,64}$'),
    CONSTRAINT clients_secret_hash_sha256 CHECK (secret_hash IS NULL OR octet_length(secret_hash) = 32),
    CONSTRAINT clients_grant_types_known
        CHECK (grant_types <@ ARRAY['password', 'client_credentials', 'refresh_token']::text[]),
    CONSTRAINT clients_public_no_client_credentials
        CHECK (secret_hash IS NOT NULL OR NOT ('client_credentials' = ANY (grant_types))),
    CONSTRAINT clients_audience_length CHECK (char_length(audience) BETWEEN 1 AND 255)
);
