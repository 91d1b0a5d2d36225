//! Start-up: configuration, templates, the key, the request log, and the app every lesson runs in.

use std::any::Any;
use std::fmt::Write as _;
use std::future::{Future, Ready, ready};
use std::io::Write as _;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::error::{
    ErrorInternalServerError, InternalError, PathError, QueryPayloadError, UrlencodedError,
};
use actix_web::middleware::{DefaultHeaders, Next, from_fn};
use actix_web::{App, FromRequest, HttpRequest, HttpServer, ResponseError, web};
use cookie::Key;

use crate::clock::Clock;
use crate::config::{Config, KeySource};
use crate::hashing::{Busy, Hashing};
use crate::web_pages::error_page;
use crate::{Lesson, guard, web_pages};

/// A running lesson: its description, its checked configuration and its templates.
/// Cheap to clone; handlers can take it as an argument (`site: Site`).
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
    /// The bound on password hashes running at once.
    hashing: Hashing,
    log_requests: bool,
    /// What [`Site::state`] made, one value per type.
    state: Arc<Mutex<Vec<Arc<dyn Any + Send + Sync>>>>,
    /// What the lesson attached with [`Site::with_data`], one value per type.
    data: Vec<Arc<dyn Any + Send + Sync>>,
}

impl Site {
    /// Loads the lesson's templates into the base layout. Fails on a template error.
    /// Requests are not logged (what the tests want); [`run`] turns the log on.
    pub fn new(lesson: &'static Lesson, config: Config) -> Result<Site, String> {
        Self::build(lesson, config, Clock::system(), false)
    }

    /// The same, with a clock the test moves by hand ([`Clock::manual`]).
    pub fn with_clock(
        lesson: &'static Lesson,
        config: Config,
        clock: Clock,
    ) -> Result<Site, String> {
        Self::build(lesson, config, clock, false)
    }

    fn build(
        lesson: &'static Lesson,
        config: Config,
        clock: Clock,
        log_requests: bool,
    ) -> Result<Site, String> {
        let tera = web_pages::load_templates(lesson)?;
        let layout = web_pages::Layout::of(lesson)?;
        let state = Arc::default();
        let data = Vec::new();
        let other_keys = Arc::new(config.keys_of_other_apps());
        let hashing = Hashing::per_core();
        let inner = Inner {
            lesson,
            config,
            tera,
            layout,
            clock,
            other_keys,
            hashing,
            log_requests,
            state,
            data,
        };
        Ok(Site { inner: Arc::new(inner) })
    }

    /// Attaches a value the lesson's routes need and that is made once for the whole server,
    /// such as a database pool: every worker thread then shares the same one. A second value of
    /// the same type replaces the first. Read it back with [`Site::data`].
    pub fn with_data<T: Any + Send + Sync>(self, value: T) -> Site {
        let mut inner = Arc::unwrap_or_clone(self.inner);
        inner.data.retain(|data| !data.is::<T>());
        inner.data.push(Arc::new(value));
        Site { inner: Arc::new(inner) }
    }

    /// The value of type `T` attached with [`Site::with_data`], if any.
    pub fn data<T: Any + Send + Sync>(&self) -> Option<&T> {
        self.inner.data.iter().find_map(|data| data.downcast_ref::<T>())
    }

    pub fn lesson(&self) -> &'static Lesson {
        self.inner.lesson
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
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
    /// the first time it is asked for: a table of failed sign-ins, say. Every worker thread and
    /// every request gets the same value, so `T` guards its own changes (a `Mutex`, atomics).
    /// A `web::Data` made in the lesson's `app` function would be one per worker thread instead:
    /// `app` runs once per worker, like a key made inside `HttpServer::new`.
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

    /// The app as `run` serves it and the test kit drives it.
    pub fn app(
        self,
    ) -> App<
        impl ServiceFactory<
            ServiceRequest,
            Config = (),
            Response = ServiceResponse<impl MessageBody>,
            Error = actix_web::Error,
            InitError = (),
        >,
    > {
        let site = self;
        App::new()
            .app_data(site.clone())
            // Bad forms, paths and queries get a clear 4xx page instead of actix's plain text.
            .app_data(
                web::FormConfig::default().limit(guard::MAX_FORM_BYTES).error_handler(bad_input),
            )
            .app_data(web::PayloadConfig::new(guard::MAX_FORM_BYTES))
            .app_data(web::PathConfig::default().error_handler(bad_path))
            .app_data(web::QueryConfig::default().error_handler(bad_query))
            // Oversized cookies, non-form bodies, non-UTF-8 fields: refused before the lesson.
            .wrap(from_fn(guard::check))
            .wrap(protective_headers())
            .wrap(from_fn(log_request))
            .configure(|cfg| (site.lesson().app)(cfg, &site))
            .default_service(web::to(|req: HttpRequest| async move {
                error_page(
                    &req,
                    actix_web::http::StatusCode::NOT_FOUND,
                    "There is no page at this address in this lesson.",
                )
            }))
    }
}

impl FromRequest for Site {
    type Error = actix_web::Error;
    type Future = Ready<Result<Site, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(req.app_data::<Site>().cloned().ok_or_else(|| {
            ErrorInternalServerError("shared::Site is missing: build the app with Site::app")
        }))
    }
}

/// Headers on every response (added where the lesson did not set its own):
/// - `Cache-Control: no-store`: every page shows the cookie inspector (which prints the
///   `Cookie` header, HttpOnly cookies included) and most show who is signed in; neither may
///   stay in a shared cache or come back with the Back button after logout.
/// - `X-Content-Type-Options: nosniff`: a response is what its `Content-Type` says.
/// - `X-Frame-Options: DENY` and `Content-Security-Policy: frame-ancestors 'none'`: no other
///   site can show these pages in a frame and trick a click on a button (clickjacking).
/// - `Referrer-Policy: same-origin`: addresses (a `?next=`, a token) are not sent to other sites.
fn protective_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add(("Cache-Control", "no-store"))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Content-Security-Policy", "frame-ancestors 'none'"))
        .add(("Referrer-Policy", "same-origin"))
}

/// A form that cannot be read: what was wrong, in words, not the parser's.
fn bad_input(error: UrlencodedError, req: &HttpRequest) -> actix_web::Error {
    let message = match &error {
        UrlencodedError::Overflow { .. } | UrlencodedError::UnknownLength => {
            "The form is too large for this page.".to_string()
        }
        UrlencodedError::ContentType => {
            "This page takes a form (application/x-www-form-urlencoded), not this kind of body."
                .to_string()
        }
        UrlencodedError::Parse(_) => {
            "The form could not be read: a field is repeated, or has a value this page cannot \
             take (a number where a number is expected, text that is valid UTF-8)."
                .to_string()
        }
        other => format!("The form could not be read: {other}."),
    };
    clear_4xx(error, req, &message)
}

/// A part of the address that is not what the route expects (`/woofs/abc` for a number).
fn bad_path(error: PathError, req: &HttpRequest) -> actix_web::Error {
    let message = "This address is not valid here: a part of it is not what this page expects \
                   (a number, say).";
    clear_4xx(error, req, message)
}

/// A query string (after `?`) that the page cannot read.
fn bad_query(error: QueryPayloadError, req: &HttpRequest) -> actix_web::Error {
    let message = "The part of the address after `?` is not valid for this page: a value is \
                   repeated, or is not what the page expects.";
    clear_4xx(error, req, message)
}

fn clear_4xx<E: ResponseError + 'static>(
    error: E,
    req: &HttpRequest,
    message: &str,
) -> actix_web::Error {
    let page = error_page(req, error.status_code(), message);
    InternalError::from_response(error, page).into()
}

/// One line per request: `GET /login -> 200 (0.4 ms)`.
async fn log_request(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let log = req.app_data::<Site>().is_some_and(|site| site.inner.log_requests);
    // Room for the whole line, so that the end written below fits without a second allocation.
    let line = log.then(|| {
        let mut line = String::with_capacity(80);
        let _ = write!(line, "{} {}", req.method(), req.uri());
        line
    });
    let started = Instant::now();
    let res = next.call(req).await?;
    if let Some(mut line) = line {
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        // One write for the whole line. Standard error is unbuffered, and `eprintln!` with
        // several arguments makes one system call per piece: seven per request (`strace -c`),
        // which took lesson 07's kernel time per page from 6 to 13 microseconds.
        let _ = writeln!(line, " -> {} ({ms:.1} ms)", res.status().as_u16());
        let _ = std::io::stderr().write_all(line.as_bytes());
    }
    Ok(res)
}

/// Starts the lesson's server: reads the configuration, prints where it listens, serves until
/// Ctrl-C. A configuration error stops it with a message and exit code 2.
pub fn run(lesson: &'static Lesson) -> std::io::Result<()> {
    run_with(lesson, |site| async { Ok(site) })
}

/// The same as [`run`], with a start-up step: `setup` gets the site before the server listens,
/// inside the server's async runtime, and returns it with what it prepared attached
/// ([`Site::with_data`]): a database opened and migrated, a connection to Redis. An error stops
/// the server with the message and exit code 2, as a configuration error does.
pub fn run_with<F, Fut>(lesson: &'static Lesson, setup: F) -> std::io::Result<()>
where
    F: FnOnce(Site) -> Fut,
    Fut: Future<Output = Result<Site, String>>,
{
    return_large_blocks_to_the_os();
    let config = match Config::from_env(lesson.number, lesson.needs_key()) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("error: {error}");
            std::process::exit(2);
        }
    };
    if let Some(KeySource::DevFile { path, created }) = config.key_source() {
        let what =
            if *created { "made a new development key in" } else { "using the development key in" };
        eprintln!(
            "warning: SECRET_KEY is not set; {what} {} (fine for the course, never for production: \
             `just secret` makes a real one)",
            path.display()
        );
    }
    let (host, port) = (config.host.clone(), config.port);
    // The key is loaded once, here, outside the `HttpServer::new` closure: a key made inside it
    // would differ per worker thread, and a cookie set by one worker would fail on another.
    let site = match Site::build(lesson, config, Clock::system(), true) {
        Ok(site) => site,
        Err(error) => {
            eprintln!("error: {error}");
            std::process::exit(2);
        }
    };
    actix_web::rt::System::new().block_on(async move {
        let site = match setup(site).await {
            Ok(site) => site,
            Err(error) => {
                eprintln!("error: {error}");
                std::process::exit(2);
            }
        };
        let server = match HttpServer::new(move || site.clone().app()).bind((host.as_str(), port)) {
            Ok(server) => server,
            Err(error) => {
                // Most often another lesson (or an old run of this one) holds the port.
                eprintln!(
                    "error: cannot listen on {host}:{port}: {error}. Stop the other server, or \
                     set PORT to use another port."
                );
                std::process::exit(2);
            }
        };
        let shown = if host == "0.0.0.0" { "127.0.0.1" } else { host.as_str() };
        eprintln!(
            "Lesson {:02} · {} · http://{shown}:{port}/  (Ctrl-C to stop)",
            lesson.number, lesson.title
        );
        server.run().await
    })
}

/// Memory: from lesson 06 on, a sign-in hashes a password with Argon2id, which needs 19 MiB of
/// memory for each hash, on purpose (that is what makes guessing expensive). Rust gets it from
/// the C library's `malloc`, and gives it back when the hash is done. glibc serves a block that
/// large with its own `mmap` and, by default, answers the first `free` of one by raising its
/// threshold for `mmap` to that size: every later 19 MiB block comes from a per-thread heap
/// ("arena") and stays there, reserved for the next one. With the sign-ins spread over the
/// blocking threads, that made 19 MiB more per thread that ever hashed: measured, lesson 06 at
/// 272 MiB after 41 sign-ins one after the other, lesson 09 at 163 MiB after eight at once.
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

    static LESSON: Lesson = Lesson {
        number: 99,
        slug: "state",
        title: "",
        nav: &[],
        templates: &[],
        cookies: &[],
        app,
    };

    fn app(_: &mut web::ServiceConfig, _: &Site) {}

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
