-- Woofs: what dogs post. 1 to 280 characters, checked here as well as in the code, so no
-- code path can store an empty or an over-long one. A deleted dog's woofs go with them.
CREATE TABLE woofs (
    id         INTEGER PRIMARY KEY,
    author_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    body       TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 280),
    created_at INTEGER NOT NULL
);
CREATE INDEX woofs_by_time ON woofs (created_at);
CREATE INDEX woofs_by_author ON woofs (author_id, created_at);
