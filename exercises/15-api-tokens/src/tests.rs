//! Exercise 15's tests. Run with: just exercise 15
//!
//! `task`: read-only tokens, as you build them, as a specification. `lesson`: lesson 15's own
//! tests, run against this crate, so the lesson keeps working while you add to it.

mod task;

#[path = "../../../lessons/15-api-tokens/src/tests.rs"]
mod lesson;

// The lesson's bad-input suite names `crate::tests::client`: the lesson's own, which builds
// this crate's app as `main` does.
use lesson::client;
