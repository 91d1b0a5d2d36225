//! Exercise 14's tests. Run with: just exercise 14
//!
//! `task`: the check of where a form comes from, as you build it, as a specification. `lesson`:
//! lesson 14's own tests, run against this crate, so the lesson keeps working while you add to
//! it.

mod task;

#[path = "../../../lessons/14-csrf-tokens/src/tests.rs"]
mod lesson;

// The lesson's bad-input suite names `crate::tests::client`: the lesson's own, which builds
// this crate's app as `main` does.
use lesson::client;
