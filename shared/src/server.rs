//! Start-up ([`start`]: configuration, templates, the key, the log) and [`Site`], what every
//! handler of a lesson can reach through `web::Data<Site>`.

use std::any::Any;
use std::fmt::Display;
use std::io::Write as _;
use std::sync::{Arc, Mutex, PoisonError};

use actix_web::HttpRequest;
use actix_web::http::StatusCode;
use actix_web::middleware::DefaultHeaders;
use actix_web::web::Bytes;
use cookie::Key;

use crate::clock::Clock;
use crate::config::{Config, KeySource};
use crate::hashing::{Busy, Hashing};
use crate::web_pages::error_page;
use crate::{Lesson, web_pages};

/// A running lesson: its description, its checked configuration and its templates. Made once
/// in `main`, before `HttpServer::new`; the app keeps it as `web::Data<Site>`, so handlers can
/// take it as an argument (`site: web::Data<Site>`) and [`crate::render`] finds it.
#[derive(Clone)]
pub struct Site {
    inner: Arc<Inner>,
}

#[derive(Clone)]
struct Inner {
    lesson: &'static Lesson,
    config: Config,
    tera: tera::Tera,
    /// What the base layout shows the same way on every page, ready for the templates.
    layout: web_pages::Layout,
    clock: Clock,
    /// The keys other apps derive from the same `SECRET_KEY`, for the cookie inspector.
    other_keys: Arc<Vec<(String, Key)>>,
    /// The inspector's response half for a response that sets no cookie, made once.
    no_set_cookie: Bytes,
    /// The bound on password hashes running at once.
    hashing: Hashing,
    /// What [`Site::state`] made, one value per type.
    state: Arc<Mutex<Vec<Arc<dyn Any + Send + Sync>>>>,
}

impl Site {
    /// Loads the lesson's templates into the base layout. Fails on a template error.
    pub fn new(lesson: &'static Lesson, config: Config) -> Result<Site, String> {
        Self::with_clock(lesson, config, Clock::system())
    }

    /// The same, with a clock the test moves by hand ([`Clock::manual`]).
    pub fn with_clock(
        lesson: &'static Lesson,
        config: Config,
        clock: Clock,
    ) -> Result<Site, String> {
        let tera = web_pages::load_templates(lesson)?;
        let layout = web_pages::Layout::of(lesson)?;
        let no_set_cookie = web_pages::render_set_cookies(&tera, &[])
            .map_err(|error| format!("shared's set-cookies.html: {error}"))?;
        let state = Arc::default();
        let other_keys = Arc::new(config.keys_of_other_apps());
        let hashing = Hashing::per_core();
        let inner = Inner {
            lesson,
            config,
            tera,
            layout,
            clock,
            other_keys,
            no_set_cookie,
            hashing,
            state,
        };
        Ok(Site { inner: Arc::new(inner) })
    }

    pub fn lesson(&self) -> &'static Lesson {
        self.inner.lesson
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Where the server listens: `HOST` and `PORT`, for `HttpServer::bind`.
    pub fn address(&self) -> (String, u16) {
        (self.inner.config.host.clone(), self.inner.config.port)
    }

    /// Replaces the bound on password hashes (tests: one permit, no wait, to see the 503).
    pub fn with_hashing(self, hashing: Hashing) -> Site {
        let mut inner = Arc::unwrap_or_clone(self.inner);
        inner.hashing = hashing;
        Site { inner: Arc::new(inner) }
    }

    /// Runs a password hash (or a check against one) on the blocking thread pool, at most one
    /// per core at a time: see [`crate::hashing`]. `Err(Busy)`: answer with `busy.page(&req)`,
    /// a 503 with `Retry-After`.
    pub async fn hash<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Busy> {
        self.inner.hashing.run(work).await
    }

    /// This lesson's key, derived from `SECRET_KEY` ([`crate::config::lesson_key`]). Lessons
    /// that declare a signed or private cookie always have one.
    pub fn key(&self) -> &Key {
        self.inner
            .config
            .key()
            .expect("this lesson declares no signed or private cookie, so it loaded no key")
    }

    /// The time: the system's, or a test's manual clock.
    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    /// State the server keeps for the whole site, one value per type, made with `T::default()`
    /// the first time it is asked for. Every worker thread and every request gets the same
    /// value, so `T` guards its own changes (a `Mutex`, atomics). (A lesson's own state is a
    /// `web::Data` made in `main`, outside `HttpServer::new`; this is for the test kit and the
    /// exercises, whose tests look at a count the app keeps.)
    pub fn state<T: Any + Default + Send + Sync>(&self) -> Arc<T> {
        let mut state = self.inner.state.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(found) = state.iter().find_map(|value| Arc::clone(value).downcast::<T>().ok()) {
            return found;
        }
        let made = Arc::new(T::default());
        state.push(made.clone());
        made
    }

    pub(crate) fn tera(&self) -> &tera::Tera {
        &self.inner.tera
    }

    pub(crate) fn layout(&self) -> &web_pages::Layout {
        &self.inner.layout
    }

    pub(crate) fn other_keys(&self) -> &[(String, Key)] {
        &self.inner.other_keys
    }

    pub(crate) fn no_set_cookie(&self) -> &Bytes {
        &self.inner.no_set_cookie
    }
}

/// Everything before the server listens: reads and checks the configuration (`HOST`, `PORT`,
/// `SECRET_KEY` if the lesson has a signed or encrypted cookie, ...), loads the templates,
/// turns on the log that actix-web's `Logger` writes to, and says where the lesson will listen.
/// A mistake in the configuration stops the program here, with a message and exit code 2.
///
/// Call it once, in `main`, before `HttpServer::new`: the key it loads must be the same for
/// every worker thread (a key made inside the closure would differ per worker, and a cookie
/// set by one worker would fail on another).
pub fn start(lesson: &'static Lesson) -> Site {
    return_large_blocks_to_the_os();
    let config = Config::from_env(lesson.number, lesson.needs_key()).unwrap_or_else(exit_with);
    if let Some(KeySource::DevFile { path, created }) = config.key_source() {
        let what =
            if *created { "made a new development key in" } else { "using the development key in" };
        eprintln!(
            "warning: SECRET_KEY is not set; {what} {} (fine for the course, never for production: \
             `just secret` makes a real one)",
            path.display()
        );
    }
    let site = Site::new(lesson, config).unwrap_or_else(exit_with);
    start_the_log();
    let (host, port) = site.address();
    let shown = if host == "0.0.0.0" { "127.0.0.1" } else { host.as_str() };
    eprintln!(
        "Lesson {:02} · {} · http://{shown}:{port}/  (Ctrl-C to stop)",
        lesson.number, lesson.title
    );
    site
}

/// Stops the program before the server starts: `error: ...` and exit code 2, as a mistake in
/// the configuration does. For `main`'s own start-up steps (opening a database, say):
/// `db::open(&site).await.unwrap_or_else(shared::exit_with)`.
/// (It "returns" any type, so that it fits `unwrap_or_else`; it never returns.)
pub fn exit_with<T>(error: impl Display) -> T {
    eprintln!("error: {error}");
    std::process::exit(2)
}

/// actix-web's `Logger` writes one line per request to the `log` crate; this prints them on
/// standard error, each on its own, without a timestamp: `GET /login HTTP/1.1 -> 200 (0.4 ms)`.
/// Warnings from every crate, and the requests; `RUST_LOG` chooses otherwise (`RUST_LOG=info`
/// adds actix's start-up messages, `RUST_LOG=warn` hides the requests).
fn start_the_log() {
    let env =
        env_logger::Env::default().default_filter_or("warn,actix_web::middleware::logger=info");
    let mut builder = env_logger::Builder::from_env(env);
    builder.format(|out, record| writeln!(out, "{}", record.args()));
    // A second call (a test that starts twice) keeps the first logger.
    let _ = builder.try_init();
}

/// Headers for every response, added where the lesson did not set its own:
/// `.wrap(shared::protective_headers())`.
/// - `Cache-Control: no-store`: every page shows the cookie inspector (which prints the
///   `Cookie` header, HttpOnly cookies included) and most show who is signed in; neither may
///   stay in a shared cache or come back with the Back button after logout.
/// - `X-Content-Type-Options: nosniff`: a response is what its `Content-Type` says.
/// - `X-Frame-Options: DENY` and `Content-Security-Policy: frame-ancestors 'none'`: no other
///   site can show these pages in a frame and trick a click on a button (clickjacking).
/// - `Referrer-Policy: same-origin`: addresses (a `?next=`, a token) are not sent to other sites.
pub fn protective_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add(("Cache-Control", "no-store"))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Content-Security-Policy", "frame-ancestors 'none'"))
        .add(("Referrer-Policy", "same-origin"))
}

/// The page for an address no route matches: `.default_service(web::to(shared::not_found))`.
pub async fn not_found(req: HttpRequest) -> actix_web::HttpResponse {
    error_page(&req, StatusCode::NOT_FOUND, "There is no page at this address in this lesson.")
}

/// Memory: from lesson 06 on, a sign-in hashes a password with Argon2id, which needs 19 MiB of
/// memory for each hash, on purpose (that is what makes guessing expensive). Rust gets it from
/// the C library's `malloc`, and gives it back when the hash is done. glibc serves a block that
/// large with its own `mmap` and, by default, answers the first `free` of one by raising its
/// threshold for `mmap` to that size: every later 19 MiB block comes from a per-thread heap
/// ("arena") and stays there, reserved for the next one. With the sign-ins spread over the
/// blocking threads, that made 19 MiB more per thread that ever hashed: measured, lesson 06 at
/// 272 MiB after 41 sign-ins one after the other, lesson 09 (now 12) at 163 MiB after eight at once.
///
/// Setting the threshold ourselves turns that adjustment off: a block of 1 MiB or more always
/// gets its own `mmap`, and is returned to the system when freed (lesson 06: 5.9 MiB after the
/// same 41 sign-ins). The price is fresh pages for each hash: measured, 26 ms of CPU per
/// sign-in became 28. Everything small, which is nearly all a page needs, is served as before. The same as starting the server with the
/// environment variable `MALLOC_MMAP_THRESHOLD_=1048576`, without having to remember it.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn return_large_blocks_to_the_os() {
    const ONE_MIB: libc::c_int = 1 << 20;
    // SAFETY: `mallopt` takes two integers and changes a setting of the allocator; it is called
    // here, at start-up, before any other thread exists. It returns 0 if glibc refused the
    // value, and then nothing changed: the server runs as it would have without this.
    let changed = unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, ONE_MIB) };
    if changed == 0 {
        eprintln!("warning: glibc refused M_MMAP_THRESHOLD; memory use may grow with sign-ins");
    }
}

/// Other systems' allocators (musl, macOS) do not keep such blocks this way: nothing to do.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn return_large_blocks_to_the_os() {}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    static LESSON: Lesson =
        Lesson { number: 99, slug: "state", title: "", nav: &[], templates: &[], cookies: &[] };

    #[derive(Default)]
    struct Counter(AtomicU32);

    #[derive(Default)]
    struct Other(AtomicU32);

    #[test]
    fn state_is_made_once_per_site_and_shared_by_its_clones_not_by_other_sites() {
        let site = Site::new(&LESSON, Config::for_tests(99)).unwrap();
        let clone = site.clone();
        site.state::<Counter>().0.fetch_add(1, Ordering::Relaxed);
        clone.state::<Counter>().0.fetch_add(1, Ordering::Relaxed);
        assert_eq!(site.state::<Counter>().0.load(Ordering::Relaxed), 2);
        assert_eq!(site.state::<Other>().0.load(Ordering::Relaxed), 0, "one value per type");

        let other_site = Site::new(&LESSON, Config::for_tests(99)).unwrap();
        assert_eq!(other_site.state::<Counter>().0.load(Ordering::Relaxed), 0);
    }
}
