-- Follows (exercise 13): dog `follower_id` follows dog `followed_id`. One row per pair: the
-- primary key makes a second follow of the same dog impossible to store, and the CHECK a follow
-- of yourself. Either dog deleted, the row goes with them.
CREATE TABLE follows (
    follower_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    followed_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (follower_id, followed_id),
    CHECK (follower_id <> followed_id)
);
CREATE INDEX follows_by_followed ON follows (followed_id);
