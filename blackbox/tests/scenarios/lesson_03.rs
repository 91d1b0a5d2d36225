//! Lesson 03: not written yet.

use blackbox::Lesson;

pub static LESSON: Lesson = Lesson { folder: "03-signed-cookies", clock: false, scenarios: &[] };
