//! The tutorial's "dummy database": a users dictionary in the code. The tutorial keeps the
//! passwords in it as plain text; here it keeps Argon2id hashes, as PHC strings that carry the
//! algorithm, its parameters and the salt: `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordVerifier};
use serde::Serialize;

/// One user, as the tutorial's dictionary has them. Templates see it as `current_user.user`.
#[derive(Serialize)]
pub struct User {
    /// The username: what the login form asks for, and what goes into the session (never the
    /// password or its hash).
    pub name: &'static str,
    /// Argon2id with OWASP's minimum parameters: 19 MiB of memory, 2 passes, 1 lane.
    #[serde(skip)]
    pub password_hash: &'static str,
    pub other: &'static str,
}

// ANCHOR: users
/// The demo users. Their passwords are in the book and the README, not here: `aaa` /
/// `open-sesame`, `bbb` / `0000` (the tutorial's, and a bad password on purpose), and the
/// Flask-Login tutorial's `user1` / `mypassword`.
pub static USERS: &[User] = &[
    User {
        name: "aaa",
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$LK4ZyqcGhEhq+n+ZvMX1AA$rpaoESL0TPDWuoSWQJNm8XpzSXWEkFblZYsccOoyw3Y",
        other: "likes long walks",
    },
    User {
        name: "bbb",
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$E2tlYFwY//0Qkn60XIqzCQ$9H1yHLfu7vOIomP9Yj2G4OKN2rhGVM29XL2iRLlbSfA",
        other: "x...",
    },
    User {
        name: "user1",
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$YIxTCDkufcv4BfwLVtoHhQ$raeiY6P3z6I6T76E6eRKSqGuKU767bGJ6JTnsEeHAgs",
        other: "the Flask-Login tutorial's user",
    },
];

/// The hash of a random password that was thrown away, with the same parameters as the real
/// ones: an unknown username is checked against it, so it costs the same time as a known one.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$+U6DCE4+lnwb7N2JBHGy1g$NSMZM7u44yOPW34WbpobpsePnZQ7sfc6Fyo8esagJyU";
// ANCHOR_END: users

/// Flask: `users[username]`, without the `KeyError`.
pub fn find(username: &str) -> Option<&'static User> {
    USERS.iter().find(|user| user.name == username)
}

// ANCHOR: check
/// The user whose password this is, or `None` for an unknown user or a wrong password (the
/// caller cannot tell which, and neither can the visitor). Slow on purpose, about as slow for
/// an unknown user as for a known one: run it in `web::block`.
pub fn check_password(username: &str, password: &str) -> Option<&'static User> {
    let user = find(username);
    let hash = user.map_or(DUMMY_HASH, |user| user.password_hash);
    // The parameters and the salt come from the PHC string, not from `Argon2::default()`.
    let matches = PasswordHash::new(hash)
        .is_ok_and(|hash| Argon2::default().verify_password(password.as_bytes(), &hash).is_ok());
    user.filter(|_| matches)
}
// ANCHOR_END: check

#[cfg(test)]
mod tests;
