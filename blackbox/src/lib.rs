//! One black-box suite, two servers.
//!
//! Every lesson has a Flask app beside it (`flask/NN-slug/app.py`, the code its page shows as
//! "the Flask version"). The flows the page teaches are written once, as scenarios over HTTP
//! (`tests/scenarios/lesson_NN.rs`), and run against both: the Rust lesson's binary and the
//! Flask app, each started on a free loopback port with a fresh secret key and a fresh database.
//! Both must pass. Where the course deliberately differs from Flask, the scenario says so
//! (`scenario!(name, differs: "...")`), asserts each side's own behaviour (`visit.side`), and the
//! page's "What is different, and why" section names it.
//!
//! The client is small and explicit on purpose: no redirect is followed unless a scenario says
//! `follow`, and every request and response is recorded, so a failing scenario prints the whole
//! exchange, `Cookie` and `Set-Cookie` headers included.

pub mod diagrams;
pub mod http;
pub mod scenario;
pub mod server;
pub mod shots;

pub use http::{Client, Exchange, Response, SetCookie};
pub use scenario::{Lesson, Scenario, Side, Visit};
pub use server::Server;
