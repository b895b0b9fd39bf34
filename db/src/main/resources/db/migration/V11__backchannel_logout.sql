-- Back-Channel Logout 1.0: an outbox of logout tokens to deliver. A row is written in the transaction that ends
-- the session, one per (session, client) that received tokens in it and registered a back-channel logout URI, so
-- a delivery is never lost to a crash and never sent for a logout that rolled back. No foreign keys: the row
-- outlives its session, which is pruned an hour after it ends.
CREATE TABLE backchannel_deliveries (
    id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id       uuid        NOT NULL,
    client_id        text        NOT NULL,
    subject          text        NOT NULL,
    uri              text        NOT NULL,
    -- The logout token's jti, fixed once so every attempt carries the same one and the app can drop repeats.
    jti              text        NOT NULL DEFAULT gen_random_uuid()::text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    -- The next attempt; a claimed row is pushed out by a lease, so a replica that dies mid-delivery only delays it.
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    attempts         integer     NOT NULL DEFAULT 0,
    delivered_at     timestamptz,
    abandoned_at     timestamptz,
    last_error       text,
    CONSTRAINT backchannel_deliveries_once UNIQUE (session_id, client_id)
);

CREATE INDEX backchannel_deliveries_due ON backchannel_deliveries (next_attempt_at)
    WHERE delivered_at IS NULL AND abandoned_at IS NULL;
CREATE INDEX backchannel_deliveries_finished ON backchannel_deliveries (created_at)
    WHERE delivered_at IS NOT NULL OR abandoned_at IS NOT NULL;

-- A delivery wakes every replica's worker at commit (NOTIFY is transactional); a periodic poll is the safety net.
CREATE FUNCTION backchannel_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('latchkey_backchannel', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER backchannel_deliveries_enqueued AFTER INSERT ON backchannel_deliveries
    FOR EACH STATEMENT EXECUTE FUNCTION backchannel_notify();
