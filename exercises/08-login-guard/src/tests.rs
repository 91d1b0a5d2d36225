//! Exercise 08's tests. Run with: just exercise 08
//!
//! `task`: the admin guard you build, as a specification. `lesson`: lesson 08's own tests, run
//! against this crate, so the lesson keeps working while you add to it.

mod task;

#[path = "../../../lessons/08-login-guard/src/tests.rs"]
mod lesson;
