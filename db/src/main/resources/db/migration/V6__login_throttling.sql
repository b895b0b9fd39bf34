-- Failed-login counters shared by every auth-server replica. Usernames are kept only as SHA-256 of their
-- lower-cased form: people type passwords into the username field.
-- Per (username, client IP): after 5 failures the back-off doubles from 1 s up to 15 min.
CREATE TABLE login_failures_by_user_ip (
    username_hash   bytea       NOT NULL,
    ip              inet        NOT NULL,
    failures        integer     NOT NULL,
    last_failure_at timestamptz NOT NULL,
    blocked_until   timestamptz,
    PRIMARY KEY (username_hash, ip),
    CONSTRAINT login_failures_by_user_ip_hash CHECK (octet_length(username_hash) = 32)
);

CREATE INDEX login_failures_by_user_ip_last ON login_failures_by_user_ip (last_failure_at);

-- Per client IP: at most 50 failures in 10 minutes, counted in one-minute buckets.
CREATE TABLE login_failures_by_ip (
    ip           inet        NOT NULL,
    minute       timestamptz NOT NULL,
    failures     integer     NOT NULL,
    PRIMARY KEY (ip, minute)
);

CREATE INDEX login_failures_by_ip_minute ON login_failures_by_ip (minute);
