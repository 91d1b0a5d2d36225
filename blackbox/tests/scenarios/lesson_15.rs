//! Lesson 15: not written yet.

use blackbox::Lesson;

pub static LESSON: Lesson = Lesson { folder: "15-api-tokens", clock: false, scenarios: &[] };
