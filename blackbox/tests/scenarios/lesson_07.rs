//! Lesson 07: not written yet.

use blackbox::Lesson;

pub static LESSON: Lesson = Lesson { folder: "07-flash-messages", clock: false, scenarios: &[] };
