//! Exercise 06's tests. Run with: just exercise 06
//!
//! `task`: the lock you add, as a specification. `lesson`: lesson 06's own tests, run against
//! this crate, so the lesson keeps working while you add to it.

mod task;

#[path = "../../../lessons/06-password-login/src/tests.rs"]
mod lesson;
