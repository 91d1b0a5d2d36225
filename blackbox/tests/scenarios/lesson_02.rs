//! Lesson 02: not written yet.

use blackbox::Lesson;

pub static LESSON: Lesson = Lesson { folder: "02-login-form", clock: false, scenarios: &[] };
