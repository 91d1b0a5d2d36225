//! Lesson 06: not written yet.

use blackbox::Lesson;

pub static LESSON: Lesson = Lesson { folder: "06-password-login", clock: false, scenarios: &[] };
