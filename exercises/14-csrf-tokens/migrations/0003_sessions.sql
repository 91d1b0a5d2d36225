-- Server-side sessions: the cookie carries only `id`, a random key; the rest is here.
-- `state` is the session dictionary as JSON, `user_id` and `user_agent` are copied out of it so
-- the table can be searched by owner (the `/sessions` page), and `expires_at` (unix seconds) is
-- checked on every load. A deleted user's sessions go with them.
CREATE TABLE sessions (
    id         TEXT PRIMARY KEY NOT NULL,
    user_id    INTEGER REFERENCES users (id) ON DELETE CASCADE,
    state      TEXT NOT NULL,
    user_agent TEXT,
    created_at INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
