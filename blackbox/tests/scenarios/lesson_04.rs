//! Lesson 04: not written yet.

use blackbox::Lesson;

pub static LESSON: Lesson = Lesson { folder: "04-session-dict", clock: false, scenarios: &[] };
