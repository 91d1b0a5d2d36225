//! The book's pictures, made by code and never drawn by hand, so they cannot drift from what
//! they show: plain SVG text, no dependencies.
//!
//! - [`sequence`]: a lesson's main flow as a sequence diagram, from the exchange its black-box
//!   scenario records (`blackbox` draws them: `just diagrams` writes `docs/src/diagrams/`). Its
//!   words are HTTP's and "browser" and "server", which the Indonesian book uses too: one file
//!   serves both editions.

pub mod sequence;
pub mod svg;
