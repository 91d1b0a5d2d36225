//! Lesson 11: not written yet.

use blackbox::Lesson;

pub static LESSON: Lesson =
    Lesson { folder: "11-server-side-sessions", clock: false, scenarios: &[] };
