//! The users, in the database now (Flask-SQLAlchemy's `User` model): one row each, with an
//! Argon2id hash as a PHC string that carries the algorithm, its parameters and the salt:
//! `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde::Serialize;

use crate::db::Db;

// ANCHOR: model
/// One row of `users`. Templates see it as `current_user.user`.
#[derive(Debug, Clone, Serialize)]
pub struct User {
    /// What goes into the session: the row's id, never the name or the password.
    pub id: i64,
    pub username: String,
    pub email: String,
    /// Argon2id with OWASP's minimum parameters: 19 MiB of memory, 2 passes, 1 lane.
    #[serde(skip)]
    pub password_hash: String,
}

/// A row as sqlx reads it: a tuple needs no derive macro.
type Row = (i64, String, String, String);

impl From<Row> for User {
    fn from((id, username, email, password_hash): Row) -> User {
        User { id, username, email, password_hash }
    }
}

const COLUMNS: &str = "SELECT id, username, email, password_hash FROM users";

/// Flask-SQLAlchemy: `User.query.get(id)`, for the user loader.
pub async fn find(db: &Db, id: i64) -> Result<Option<User>, sqlx::Error> {
    let row: Option<Row> =
        sqlx::query_as(&format!("{COLUMNS} WHERE id = ?")).bind(id).fetch_optional(db).await?;
    Ok(row.map(User::from))
}

/// `User.query.filter_by(username=...).first()`; any case (`User1` finds `user1`).
pub async fn find_by_username(db: &Db, username: &str) -> Result<Option<User>, sqlx::Error> {
    let row: Option<Row> = sqlx::query_as(&format!("{COLUMNS} WHERE username = ?"))
        .bind(username)
        .fetch_optional(db)
        .await?;
    Ok(row.map(User::from))
}

/// The tutorial's index: `User.query.all()`, by name.
pub async fn all(db: &Db) -> Result<Vec<User>, sqlx::Error> {
    let rows: Vec<Row> =
        sqlx::query_as(&format!("{COLUMNS} ORDER BY username")).fetch_all(db).await?;
    Ok(rows.into_iter().map(User::from).collect())
}
// ANCHOR_END: model

/// The hash of a random password that was thrown away, with the same parameters as the real
/// ones: an unknown username is checked against it, so it costs the same time as a known one.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$+U6DCE4+lnwb7N2JBHGy1g$NSMZM7u44yOPW34WbpobpsePnZQ7sfc6Fyo8esagJyU";

// ANCHOR: check
/// `user` if `password` is theirs, else `None`: for an unknown user (`None` in) as for a wrong
/// password (the caller cannot tell which, and neither can the visitor). Slow on purpose, about
/// as slow for an unknown user as for a known one: run it in `web::block`.
pub fn check_password(user: Option<User>, password: &str) -> Option<User> {
    let hash = user.as_ref().map_or(DUMMY_HASH, |user| user.password_hash.as_str());
    // The parameters and the salt come from the PHC string, not from `Argon2::default()`.
    let matches = PasswordHash::new(hash)
        .is_ok_and(|hash| Argon2::default().verify_password(password.as_bytes(), &hash).is_ok());
    user.filter(|_| matches)
}
// ANCHOR_END: check

// ANCHOR: register
/// What a common password gets, at registration.
pub const COMMON_PASSWORD: &str =
    "That password is one of the most common ones; please choose another.";

/// What a registration form must hold. The messages are shown to the visitor as they are.
/// The password follows NIST SP 800-63B: at least 8 characters and not one of the most common
/// passwords; no composition rules ("a digit, a capital letter"), which only breed `Password1`;
/// and long passphrases welcome, up to 1024 characters.
pub fn validate(username: &str, email: &str, password: &str) -> Result<(), &'static str> {
    let name_ok = (3..=32).contains(&username.len())
        && username.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
    if !name_ok {
        return Err("A username is 3 to 32 letters, digits, dots, dashes or underscores.");
    }
    // Only the shape: one `@`, something before it, a dot in the part after it. Whether the
    // address exists, only a message sent to it can tell (production code sends one).
    let email_ok = email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if !email_ok {
        return Err("Please enter a valid e-mail address.");
    }
    let length = password.chars().count();
    if length < 8 {
        return Err("A password needs at least 8 characters.");
    }
    if length > 1024 {
        return Err("A password can have at most 1024 characters.");
    }
    // The first passwords an attacker tries, on every account; in any case (`Password1`).
    if shared::passwords::is_common_password(password) {
        return Err(COMMON_PASSWORD);
    }
    Ok(())
}

/// Why a registration was refused by the database.
#[derive(Debug)]
pub enum CreateError {
    UsernameTaken,
    EmailTaken,
    Database(sqlx::Error),
}

/// A new Argon2id hash of `password`, with a fresh random salt and the default (OWASP minimum)
/// parameters. Slow on purpose: run it in `web::block`.
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default().hash_password(password.as_bytes(), &salt)?.to_string())
}

/// `db.session.add(User(...))`, `db.session.commit()`. One `INSERT`: it is written whole or
/// not at all. The `UNIQUE` constraints decide whether a name or an address is taken, so two
/// registrations racing for one name cannot both win (a `SELECT` first could not promise that).
pub async fn create(
    db: &Db,
    username: &str,
    email: &str,
    password_hash: &str,
) -> Result<User, CreateError> {
    let inserted = sqlx::query_scalar(
        "INSERT INTO users (username, email, password_hash) VALUES (?, ?, ?) RETURNING id",
    )
    .bind(username)
    .bind(email)
    .bind(password_hash)
    .fetch_one(db)
    .await;
    match inserted {
        Ok(id) => Ok(User {
            id,
            username: username.into(),
            email: email.into(),
            password_hash: password_hash.into(),
        }),
        Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
            // SQLite names the column: "UNIQUE constraint failed: users.email".
            if error.message().contains("users.email") {
                Err(CreateError::EmailTaken)
            } else {
                Err(CreateError::UsernameTaken)
            }
        }
        Err(error) => Err(CreateError::Database(error)),
    }
}
// ANCHOR_END: register

#[cfg(test)]
mod tests;
