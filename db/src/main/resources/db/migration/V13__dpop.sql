-- Sender-constrained tokens: DPoP (RFC 9449) and the token endpoint's source-IP allowlist (DESIGN,
-- "Sender-constrained tokens").

-- Every DPoP proof jti the token endpoint accepted, per key (jkt, the RFC 7638 thumbprint), until its iat window
-- has passed. The primary key makes a replay on any replica fail its INSERT. A normal logged table: a jti
-- forgotten in a crash or failover could be replayed.
CREATE TABLE dpop_proof_jtis (
    jkt         text        NOT NULL,
    jti         text        NOT NULL,
    expires_at  timestamptz NOT NULL,
    PRIMARY KEY (jkt, jti),
    CONSTRAINT dpop_proof_jtis_jkt_length CHECK (char_length(jkt) BETWEEN 1 AND 128),
    CONSTRAINT dpop_proof_jtis_jti_length CHECK (char_length(jti) BETWEEN 1 AND 256)
);
CREATE INDEX dpop_proof_jtis_expires_at ON dpop_proof_jtis (expires_at);

-- A public client's refresh token bound to the DPoP key it was issued to; its successors inherit the binding.
ALTER TABLE refresh_tokens
    ADD COLUMN dpop_jkt text,
    ADD CONSTRAINT refresh_tokens_dpop_jkt_length CHECK (dpop_jkt IS NULL OR char_length(dpop_jkt) BETWEEN 1 AND 128);

-- The dpop_jkt authorize parameter (RFC 9449 §10), carried from the interaction to the code it issues.
ALTER TABLE interactions
    ADD COLUMN dpop_jkt text,
    ADD CONSTRAINT interactions_dpop_jkt_length CHECK (dpop_jkt IS NULL OR char_length(dpop_jkt) BETWEEN 1 AND 128);
ALTER TABLE authorization_codes
    ADD COLUMN dpop_jkt text,
    ADD CONSTRAINT authorization_codes_dpop_jkt_length
        CHECK (dpop_jkt IS NULL OR char_length(dpop_jkt) BETWEEN 1 AND 128);

-- Where a confidential client may get tokens from: CIDRs, checked by the admin API; empty is anywhere.
-- (dpop_bound_access_tokens came in V9.)
ALTER TABLE clients
    ADD COLUMN token_endpoint_ip_allowlist text[] NOT NULL DEFAULT '{}',
    ADD CONSTRAINT clients_token_endpoint_ip_allowlist_bound CHECK (cardinality(token_endpoint_ip_allowlist) <= 32);
