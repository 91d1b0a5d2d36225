//! Exercise 11's tests. Run with: just exercise 11
//!
//! `task`: the new session id you build, as a specification. `lesson`: lesson 11's own tests,
//! run against this crate, so the lesson keeps working while you add to it.

mod task;

#[path = "../../../lessons/11-server-side-sessions/src/tests.rs"]
mod lesson;

// The lesson's bad-input suite names `crate::tests::client`: the lesson's own, which builds
// this crate's app as `main` does.
use lesson::client;
