-- The revocation list that resource servers follow. Entries are appended only through revocation_append(),
-- which takes one transaction-scoped advisory lock before drawing the seq, so seq order is commit order:
-- no subscriber can see seq n+1 committed while n is still in flight.
CREATE SEQUENCE revocations_seq AS bigint;

CREATE TABLE revocations (
    seq         bigint      PRIMARY KEY,
    type        text        NOT NULL,
    value       text        NOT NULL,
    -- Epoch seconds; only for `sub`: tokens with iat < not_before are revoked.
    not_before  bigint,
    -- Epoch seconds: the latest exp a matching token can carry + 60 s. Verifiers drop the entry then.
    expires_at  bigint      NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT revocations_type CHECK (type IN ('jti', 'sid', 'sub', 'kid')),
    CONSTRAINT revocations_not_before_only_sub CHECK ((type = 'sub') = (not_before IS NOT NULL)),
    CONSTRAINT revocations_value_length CHECK (char_length(value) BETWEEN 1 AND 255)
);

CREATE INDEX revocations_expires_at ON revocations (expires_at);

CREATE FUNCTION revocation_append(p_type text, p_value text, p_not_before bigint, p_expires_at bigint)
    RETURNS bigint
    LANGUAGE plpgsql
AS
$$
DECLARE
    next_seq bigint;
BEGIN
    -- 7240100 is Latchkey's revocation-writer lock; held until this transaction ends.
    PERFORM pg_advisory_xact_lock(7240100);
    next_seq := nextval('revocations_seq');
    INSERT INTO revocations (seq, type, value, not_before, expires_at)
    VALUES (next_seq, p_type, p_value, p_not_before, p_expires_at);
    -- Delivered at commit, after the row is visible; listeners then re-read from their last seq.
    PERFORM pg_notify('latchkey_revocations', next_seq::text);
    RETURN next_seq;
END;
$$;
