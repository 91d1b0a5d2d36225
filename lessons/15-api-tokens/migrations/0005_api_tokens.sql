-- API tokens: a signed-in dog makes them for scripts and apps. Only the SHA-256 of each token
-- is kept (`token_hash`, hex), never the token; `last_used` (unix seconds) is written on each
-- use, for the tokens page. Revoking deletes the row. A deleted dog's tokens go with them.
CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    last_used  INTEGER
);
CREATE INDEX api_tokens_by_user ON api_tokens (user_id);
