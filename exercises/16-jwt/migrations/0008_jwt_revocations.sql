-- Exercise 16: JWTs that can be taken back, at a price. One row per dog that has called
-- `POST /api/logout`: every JWT of that dog issued at or before `revoked_at` (unix seconds) is
-- refused from then on, until it would have expired anyway. A deleted dog's row goes with them.
CREATE TABLE jwt_revocations (
    user_id    INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    revoked_at INTEGER NOT NULL
);
