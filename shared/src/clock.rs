//! An injectable clock: the server asks `site.clock().now()`, tests move time forward by hand.
//!
//! Expiry is the subject of several lessons, and a test that sleeps five minutes to see a session
//! expire is a test nobody runs. With a manual clock the test says "five minutes pass" instead.

use std::sync::{Arc, Mutex};

use cookie::time::{Duration, OffsetDateTime};

/// The system clock, or a manual one for tests. Cheap to clone; clones share the time.
#[derive(Clone, Default)]
pub struct Clock {
    manual: Option<Arc<Mutex<OffsetDateTime>>>,
}

impl Clock {
    /// The real time.
    pub fn system() -> Clock {
        Clock { manual: None }
    }

    /// A clock that stands still at `start` until [`Clock::advance`] moves it.
    pub fn manual(start: OffsetDateTime) -> Clock {
        Clock { manual: Some(Arc::new(Mutex::new(start))) }
    }

    pub fn now(&self) -> OffsetDateTime {
        match &self.manual {
            Some(now) => *now.lock().unwrap_or_else(|poisoned| poisoned.into_inner()),
            None => OffsetDateTime::now_utc(),
        }
    }

    /// Moves a manual clock forward. Panics on the system clock: only tests call it.
    pub fn advance(&self, by: Duration) {
        let now = self.manual.as_ref().expect("only a manual clock can be moved");
        let mut now = now.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        *now += by;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_told_and_clones_share_it() {
        let start = OffsetDateTime::UNIX_EPOCH;
        let clock = Clock::manual(start);
        let clone = clock.clone();
        assert_eq!(clock.now(), start);
        clone.advance(Duration::minutes(5));
        assert_eq!(clock.now(), start + Duration::minutes(5));
    }
}
