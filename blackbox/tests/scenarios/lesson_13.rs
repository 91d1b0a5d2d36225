//! Lesson 13: not written yet.

use blackbox::Lesson;

pub static LESSON: Lesson = Lesson { folder: "13-twitter-for-dogs", clock: false, scenarios: &[] };
