//! A bound on password hashes running at once (lessons 06 and later).
//!
//! Argon2id takes 19 MiB of memory for each hash, on purpose: that is what makes guessing
//! expensive. `web::block` alone runs a hash on actix-web's blocking thread pool, which has up
//! to 512 threads: 64 sign-ins at once took lesson 06 from 6 MiB to 789 MiB, and a few hundred
//! would take gigabytes. So a sign-in first waits for one of a few permits (one per core: more
//! hashes at once would not finish sooner, they would only share the cores), in a queue, for a
//! bounded time; past it the visitor gets a clear 503 with `Retry-After` instead of a server
//! that grows until the system kills it. Production code does the same, with the numbers
//! measured on its own machines.

use std::sync::Arc;
use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::http::header::RETRY_AFTER;
use actix_web::{HttpRequest, HttpResponse, web};
use tokio::sync::Semaphore;

use crate::web_pages::error_page;

/// How long a sign-in waits for its turn before the 503.
pub const QUEUE_WAIT: Duration = Duration::from_secs(10);

/// The permits: cheap to clone, one per site (every worker thread shares it).
#[derive(Clone)]
pub struct Hashing {
    permits: Arc<Semaphore>,
    wait: Duration,
}

impl Hashing {
    /// `permits` hashes at once; the others wait up to `wait` for one.
    pub fn new(permits: usize, wait: Duration) -> Hashing {
        Hashing { permits: Arc::new(Semaphore::new(permits.max(1))), wait }
    }

    /// One hash at a time per core of this machine, and [`QUEUE_WAIT`].
    pub fn per_core() -> Hashing {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Hashing::new(cores, QUEUE_WAIT)
    }

    /// No permit at all: every hash is refused as [`Busy`] at once. For the tests of the 503.
    pub fn none_free() -> Hashing {
        Hashing { permits: Arc::new(Semaphore::new(0)), wait: Duration::ZERO }
    }

    /// Runs `work` (a hash, or a check against one) on the blocking thread pool once a permit
    /// is free. `Err(Busy)` when none was free in time, or the pool could not run it.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Busy> {
        let permit = match tokio::time::timeout(self.wait, self.permits.acquire()).await {
            Ok(Ok(permit)) => permit,
            // Timed out, or the semaphore was closed (it never is).
            _ => return Err(Busy),
        };
        let result = web::block(work).await.map_err(|_| Busy);
        drop(permit);
        result
    }
}

/// Too many sign-ins at once: answered with [`Busy::page`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy;

impl Busy {
    /// Seconds the browser (or a script) is asked to wait before trying again.
    pub const RETRY_AFTER_SECONDS: u32 = 5;

    /// 503 Service Unavailable, with `Retry-After` and a sentence for the visitor.
    pub fn page(&self, req: &HttpRequest) -> HttpResponse {
        let mut page = error_page(
            req,
            StatusCode::SERVICE_UNAVAILABLE,
            "Too many sign-ins at once: the server checks a few passwords at a time. Please \
             try again in a few seconds.",
        );
        page.headers_mut().insert(RETRY_AFTER, Self::RETRY_AFTER_SECONDS.into());
        page
    }
}

impl std::fmt::Display for Busy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("too many password hashes at once")
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[actix_web::test]
    async fn no_more_than_the_permits_run_at_once_and_the_rest_wait_their_turn() {
        let hashing = Hashing::new(2, Duration::from_secs(30));
        let (running, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let jobs: Vec<_> = (0..8)
            .map(|_| {
                let (hashing, running, most) = (hashing.clone(), running.clone(), most.clone());
                actix_web::rt::spawn(async move {
                    hashing
                        .run(move || {
                            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                            most.fetch_max(now, Ordering::SeqCst);
                            std::thread::sleep(Duration::from_millis(20));
                            running.fetch_sub(1, Ordering::SeqCst);
                        })
                        .await
                })
            })
            .collect();
        for job in jobs {
            assert_eq!(job.await.unwrap(), Ok(()), "every job gets its turn");
        }
        // Never more than two at once; with eight jobs of 20 ms each, two did run together.
        assert_eq!(most.load(Ordering::SeqCst), 2);
    }

    #[actix_web::test]
    async fn a_request_that_cannot_get_a_permit_in_time_is_told_busy() {
        let hashing = Hashing::new(1, Duration::ZERO);
        let held = hashing.permits.clone().acquire_owned().await.unwrap();
        assert_eq!(hashing.run(|| ()).await, Err(Busy));
        drop(held);
        assert_eq!(hashing.run(|| 7).await, Ok(7));
    }
}
