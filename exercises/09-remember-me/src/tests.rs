//! Exercise 09's tests. Run with: just exercise 09
//!
//! `task`: the guard you build, as a specification. `lesson`: lesson 09's own tests, run against
//! this crate, so the lesson keeps working while you add to it.

mod task;

#[path = "../../../lessons/09-remember-me/src/tests.rs"]
mod lesson;
