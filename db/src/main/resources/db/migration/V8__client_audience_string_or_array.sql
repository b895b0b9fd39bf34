-- A client's audience is the `aud` of its tokens: one string or an array of strings (RFC 9068 §2.2, RFC 7519
-- §4.1.3), kept in the form it was registered in. Existing rows become JSON strings; nothing else changes.
ALTER TABLE clients DROP CONSTRAINT clients_audience_length;
ALTER TABLE clients ALTER COLUMN audience TYPE jsonb USING to_jsonb(audience);
ALTER TABLE clients ADD CONSTRAINT clients_audience_form CHECK (
    (jsonb_typeof(audience) = 'string' AND char_length(audience #>> '{}') BETWEEN 1 AND 255)
    OR (jsonb_typeof(audience) = 'array' AND jsonb_array_length(audience) BETWEEN 1 AND 16));
