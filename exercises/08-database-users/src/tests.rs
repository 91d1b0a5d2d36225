//! Exercise 08's tests. Run with: just exercise 08
//!
//! `task`: the password change you build, as a specification. `lesson`: lesson 08's own tests,
//! run against this crate, so the lesson keeps working while you add to it.

use shared::Site;

mod task;

// The lesson's bad-input suite names `crate::tests::with_database`: in this crate, the one
// below, so the lesson's own copy goes unused here (hence `dead_code`).
#[allow(dead_code)]
#[path = "../../../lessons/08-database-users/src/tests.rs"]
mod lesson;

/// What `main` attaches before serving, for the bad-input suite: a fresh database.
async fn with_database(site: Site) -> Site {
    site.with_data(crate::db::for_tests().await)
}
