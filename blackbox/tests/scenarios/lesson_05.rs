//! Lesson 05: not written yet.

use blackbox::Lesson;

pub static LESSON: Lesson =
    Lesson { folder: "05-permanent-sessions", clock: false, scenarios: &[] };
