-- Flask-SQLAlchemy's `class User(db.Model)`: `id`, a unique `username`, a unique `email`, plus
-- the password hash the tutorial's model leaves out (an Argon2id PHC string, never a password).
-- COLLATE NOCASE: `Rex` and `rex` are one name, `Rex@Example.com` and `rex@example.com` one
-- address, so nobody can register a look-alike of a name that is taken.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
    email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL
);
