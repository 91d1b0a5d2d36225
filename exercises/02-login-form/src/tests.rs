//! Exercise 02's tests. Run with: just exercise 02
//!
//! `task`: the remembered name you add, as a specification. `lesson`: lesson 02's own tests, run
//! against this crate, so the lesson keeps working while you add to it.

mod task;

#[path = "../../../lessons/02-login-form/src/tests.rs"]
mod lesson;
