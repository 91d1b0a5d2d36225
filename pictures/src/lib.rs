//! The book's pictures, made by code and never drawn by hand, so they cannot drift from what
//! they show: plain SVG text, no dependencies.
