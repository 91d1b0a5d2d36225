-- Remember-me tokens, kept on the server so that they can be taken back: the remember cookie
-- carries `<selector>:<validator>`, signed; the row is found by `selector` and holds only the
-- SHA-256 of the validator (hex), so a copy of the database gives no usable cookie.
-- `expires_at` (unix seconds) is checked on every use. Logout deletes the browser's row; a
-- deleted dog's tokens go with them.
CREATE TABLE remember_tokens (
    selector       TEXT PRIMARY KEY NOT NULL,
    validator_hash TEXT NOT NULL,
    user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at     INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL
);
CREATE INDEX remember_tokens_by_user ON remember_tokens (user_id);
CREATE INDEX remember_tokens_by_expiry ON remember_tokens (expires_at);
