//! Exercise 07's tests. Run with: just exercise 07
//!
//! `task`: the name that survives the redirect, as a specification. `lesson`: lesson 07's own
//! tests, run against this crate, so the lesson keeps working while you add to it.

mod task;

#[path = "../../../lessons/07-flash-messages/src/tests.rs"]
mod lesson;
