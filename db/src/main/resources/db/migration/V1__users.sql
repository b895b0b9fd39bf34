-- End users who log in with the password grant. Passwords are Argon2id PHC strings, never clear text.
CREATE TABLE users (
    id                uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    username          text        NOT NULL,
    password_hash     text        NOT NULL,
    disabled          boolean     NOT NULL DEFAULT false,
    -- Epoch seconds: every access token of this user must have iat >= this (a `sub` revocation's not_before).
    tokens_not_before bigint      NOT NULL DEFAULT 0,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_username_length CHECK (char_length(username) BETWEEN 1 AND 255),
    CONSTRAINT users_password_hash_phc CHECK (password_hash LIKE '$argon2id$%')
);

-- Usernames are unique regardless of case; logins look them up through the same expression.
CREATE UNIQUE INDEX users_username_lower_key ON users (lower(username));
