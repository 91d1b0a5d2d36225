//! Lesson 08: not written yet.

use blackbox::Lesson;

pub static LESSON: Lesson = Lesson { folder: "08-login-guard", clock: false, scenarios: &[] };
