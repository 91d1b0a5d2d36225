//! Exercise 12's tests. Run with: just exercise 12
//!
//! `task`: the End button you build, as a specification. `lesson`: lesson 12's own tests, run
//! against this crate, so the lesson keeps working while you add to it.

mod task;

#[path = "../../../lessons/12-session-list/src/tests.rs"]
mod lesson;

// The lesson's bad-input suite names `crate::tests::client`: the lesson's own, which builds
// this crate's app as `main` does.
use lesson::client;
