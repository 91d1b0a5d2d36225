//! Exercise 01's tests. Run with: just exercise 01
//!
//! `task`: the visit counter you build, as a specification. `lesson`: lesson 01's own tests, run
//! against this crate, so the lesson keeps working while you add to it.

mod task;

#[path = "../../../lessons/01-raw-cookies/src/tests.rs"]
mod lesson;
