//! Lesson 10: not written yet.

use blackbox::Lesson;

pub static LESSON: Lesson = Lesson { folder: "10-database-users", clock: false, scenarios: &[] };
