//! Exercise 05's tests. Run with: just exercise 05
//!
//! `task`: the absolute limit you add, as a specification. `lesson`: lesson 05's own tests, run
//! against this crate, so the lesson keeps working while you add to it.

mod task;

#[path = "../../../lessons/05-permanent-sessions/src/tests.rs"]
mod lesson;
