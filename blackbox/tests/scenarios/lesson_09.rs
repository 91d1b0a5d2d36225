//! Lesson 09: not written yet.

use blackbox::Lesson;

pub static LESSON: Lesson = Lesson { folder: "09-remember-me", clock: false, scenarios: &[] };
