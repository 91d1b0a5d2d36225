//! Exercise 11's tests. Run with: just exercise 11
//!
//! `task`: read-only tokens, as you build them, as a specification. `lesson`: lesson 11's own
//! tests, run against this crate, so the lesson keeps working while you add to it.

use shared::Site;

use crate::store::{SqliteSessionStore, Store};

mod task;

// The lesson's bad-input suite names `crate::tests::with_database`: in this crate, the one
// below, so the lesson's own copy goes unused here (hence `dead_code`).
#[allow(dead_code)]
#[path = "../../../lessons/11-api-tokens/src/tests.rs"]
mod lesson;

/// What `main` attaches before serving, for the bad-input suite: a fresh database and its
/// session store.
async fn with_database(site: Site) -> Site {
    let db = crate::db::for_tests().await;
    let store = Store::Sqlite(SqliteSessionStore::new(db.clone(), site.clock().clone()));
    site.with_data(db).with_data(store)
}
