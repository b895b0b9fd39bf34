-- Optional profile fields of a user, the source of the OpenID Connect claims (DESIGN, "OpenID Connect"): scope
-- `profile` gives `name` (the username is `preferred_username`), scope `email` gives `email` and `email_verified`.
-- The admin API validates them; the checks here keep the columns' shape whatever writes them.
ALTER TABLE users
    ADD COLUMN name           text,
    ADD COLUMN email          text,
    ADD COLUMN email_verified boolean NOT NULL DEFAULT false,
    ADD CONSTRAINT users_name_length CHECK (name IS NULL OR char_length(name) BETWEEN 1 AND 200),
    ADD CONSTRAINT users_email_shape CHECK (
        email IS NULL
        OR (char_length(email) <= 254 AND email ~ '^[^@[:space:][:cntrl:]]+@[^@[:space:][:cntrl:]]+$')),
    -- Only an address can be verified.
    ADD CONSTRAINT users_email_verified_needs_email CHECK (email IS NOT NULL OR NOT email_verified);
