//! Flask's `flash(message, category)` and `get_flashed_messages(with_categories=True)`, kept in
//! the session under `_flashes`: a message survives the redirect, is shown on the next page, and
//! is gone after that.

use actix_session::{Session, SessionInsertError};
use serde::{Deserialize, Serialize};
use shared::Flash;

const KEY: &str = "_flashes";

/// At most this many messages wait in the session: a script that fails to sign in a thousand
/// times without following the redirects must not grow the cookie past what a browser keeps.
const MAX_WAITING: usize = 3;

/// The base layout gives each category its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Category {
    Info,
    Success,
    Error,
}

impl Category {
    fn css_class(self) -> &'static str {
        match self {
            Category::Info => "info",
            Category::Success => "success",
            Category::Error => "error",
        }
    }
}

// ANCHOR: flash
/// Flask: `flash(message, category)`. The message waits in the session for the next page.
pub fn flash(
    session: &Session,
    category: Category,
    message: impl Into<String>,
) -> Result<(), SessionInsertError> {
    let mut waiting: Vec<(Category, String)> = session.get(KEY).ok().flatten().unwrap_or_default();
    let message = message.into();
    if !waiting.iter().any(|(c, m)| *c == category && *m == message) {
        waiting.push((category, message));
    }
    let keep_from = waiting.len().saturating_sub(MAX_WAITING);
    session.insert(KEY, &waiting[keep_from..])
}

/// Flask: `get_flashed_messages(with_categories=True)`: the waiting messages, taken out of the
/// session, so they are shown once.
///
/// Every page calls it, and most have nothing to take. actix-session's `remove` marks the
/// session changed even when the key is not there, and a changed session is written again: the
/// whole cookie encrypted anew and sent with every page (a row written, from lesson 11 on). So
/// look first, and remove only what is there.
pub fn take(session: &Session) -> Vec<Flash> {
    if !session.contains_key(KEY) {
        return Vec::new();
    }
    match session.remove_as::<Vec<(Category, String)>>(KEY) {
        Some(Ok(waiting)) => waiting
            .into_iter()
            .map(|(category, message)| Flash { category: category.css_class(), message })
            .collect(),
        _ => Vec::new(),
    }
}
// ANCHOR_END: flash

#[cfg(test)]
mod tests;
