//! Exercise 13's tests. Run with: just exercise 13
//!
//! `task`: following, as you build it, as a specification. `lesson`: lesson 13's own tests, run
//! against this crate, so the lesson keeps working while you add to it.

mod task;

#[path = "../../../lessons/13-twitter-for-dogs/src/tests.rs"]
mod lesson;

// The lesson's bad-input suite names `crate::tests::client`: the lesson's own, which builds
// this crate's app as `main` does.
use lesson::client;
