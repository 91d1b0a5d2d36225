//! Exercise 10's tests. Run with: just exercise 10
//!
//! `task`: following, as you build it, as a specification. `lesson`: lesson 10's own tests, run
//! against this crate, so the lesson keeps working while you add to it.

use shared::Site;
use shared::testkit::TestClient;

use crate::store::{SqliteSessionStore, Store};

mod task;

// The lesson's bad-input suite names `crate::tests::client`: in this crate, the one below, so
// the lesson's own copy goes unused here (hence `dead_code`).
#[allow(dead_code)]
#[path = "../../../lessons/10-twitter-for-dogs/src/tests.rs"]
mod lesson;

/// A browser on a server as `main` makes one, for the bad-input suite: a fresh database and
/// its session store.
async fn client(site: Site) -> TestClient {
    let db = crate::db::for_tests().await;
    let store = Store::Sqlite(SqliteSessionStore::new(db.clone(), site.clock().clone()));
    let logins = actix_web::web::Data::new(crate::login_manager(&site, db.clone()));
    let (db, store) = (actix_web::web::Data::new(db), actix_web::web::Data::new(store));
    TestClient::for_site(site, |site| crate::app(site, db, store, logins)).await
}
