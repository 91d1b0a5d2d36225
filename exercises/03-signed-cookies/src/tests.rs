//! Exercise 03's tests. Run with: just exercise 03
//!
//! `task`: the key rotation you add, as a specification. `lesson`: lesson 03's own tests, run
//! against this crate, so the lesson keeps working while you add to it.

mod task;

#[path = "../../../lessons/03-signed-cookies/src/tests.rs"]
mod lesson;
