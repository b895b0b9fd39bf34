-- A logout job's batches walk the sessions in id order from a cursor instead of re-reading, every batch, all of a
-- client's sessions (ended ones included) to sort them: at 100,000 sessions that made each batch read the whole
-- set. after_session is the highest session id the job (or its request) has ended; NULL before the first batch and
-- for the final sweep, which goes once more from the start for sessions that committed behind the cursor.
ALTER TABLE logout_jobs ADD COLUMN after_session uuid;

-- A client's sessions in id order, for the batches above: superseding the index on client_id alone.
CREATE INDEX session_clients_by_client_session ON session_clients (client_id, session_id);
DROP INDEX session_clients_by_client;

-- A user's open sessions in id order: a batch reads only open ones, already sorted. Supersedes the index on user_id
-- alone.
CREATE INDEX sessions_open_by_user_id ON sessions (user_id, id) WHERE ended_at IS NULL;
DROP INDEX sessions_open_by_user;
