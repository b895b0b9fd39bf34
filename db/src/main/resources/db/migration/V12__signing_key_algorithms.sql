-- ES256 signing keys beside the RS256 ones (DESIGN, "Signing algorithms"): key-service keeps one key ring per
-- algorithm in the V5 `algorithm` column, each with its own published / active / retired life. RSA keys keep
-- their sizes; a P-256 key is stored with key_size 256. public_jwk holds {"kty":"RSA","n","e"} or
-- {"kty":"EC","crv":"P-256","x","y"}; the public-only check of V5 already refuses an EC private member `d`.
ALTER TABLE signing_keys DROP CONSTRAINT signing_keys_algorithm;
ALTER TABLE signing_keys DROP CONSTRAINT signing_keys_key_size;
ALTER TABLE signing_keys
    ADD CONSTRAINT signing_keys_algorithm CHECK (algorithm IN ('RS256', 'ES256')),
    ADD CONSTRAINT signing_keys_key_size CHECK (
        (algorithm = 'RS256' AND key_size IN (2048, 3072, 4096))
        OR (algorithm = 'ES256' AND key_size = 256)),
    ADD CONSTRAINT signing_keys_jwk_matches_algorithm CHECK (
        (algorithm = 'RS256' AND public_jwk ->> 'kty' = 'RSA')
        OR (algorithm = 'ES256' AND public_jwk ->> 'kty' = 'EC' AND public_jwk ->> 'crv' = 'P-256'));

-- Each ring reads its own keys: the active-key, newest-activation and retirement queries filter by algorithm.
CREATE INDEX signing_keys_algorithm_activate_at ON signing_keys (algorithm, activate_at);
