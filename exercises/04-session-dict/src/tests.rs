//! Exercise 04's tests. Run with: just exercise 04
//!
//! `task`: the shopping cart you build, as a specification. `lesson`: lesson 04's own tests, run
//! against this crate, so the lesson keeps working while you add to it.

mod task;

#[path = "../../../lessons/04-session-dict/src/tests.rs"]
mod lesson;
