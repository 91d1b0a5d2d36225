//! Lesson 12: not written yet.

use blackbox::Lesson;

pub static LESSON: Lesson = Lesson { folder: "12-session-list", clock: false, scenarios: &[] };
