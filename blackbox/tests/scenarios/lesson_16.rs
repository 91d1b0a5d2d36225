//! Lesson 16: not written yet.

use blackbox::Lesson;

pub static LESSON: Lesson = Lesson { folder: "16-jwt", clock: false, scenarios: &[] };
