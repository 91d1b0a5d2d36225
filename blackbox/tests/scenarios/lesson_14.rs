//! Lesson 14: not written yet.

use blackbox::Lesson;

pub static LESSON: Lesson = Lesson { folder: "14-csrf-tokens", clock: false, scenarios: &[] };
