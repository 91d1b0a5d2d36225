//! Exercise 10's tests. Run with: just exercise 10
//!
//! `task`: the password change you build, as a specification. `lesson`: lesson 10's own tests,
//! run against this crate, so the lesson keeps working while you add to it.

mod task;

#[path = "../../../lessons/10-database-users/src/tests.rs"]
mod lesson;

// The lesson's bad-input suite names `crate::tests::client`: the lesson's own, which builds
// this crate's app as `main` does.
use lesson::client;
