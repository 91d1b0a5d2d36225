//! The harness of the browser tests (`tests/browser.rs`): lesson servers, chromedriver and
//! headless Chromium profiles, all on loopback, all stopped when dropped.
//!
//! `just e2e` builds the lesson binaries, then runs `cargo test -p e2e`. Chromium and
//! chromedriver are Debian's (`apt-get install chromium chromium-driver`); when they are missing
//! each test says so and passes, except under CI (env `CI` set), where that is a failure.
//!
//! Flask has no browser tests of its own; the Python world would use Playwright or Selenium
//! here. WebDriver is the W3C protocol behind Selenium: chromedriver speaks it, `thirtyfour`
//! is a Rust client for it.

use std::fs::{self, File};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use thirtyfour::prelude::*;
use thirtyfour::{ChromeCapabilities, ChromiumLikeCapabilities, Cookie};

/// How long to wait for a server or chromedriver to listen, or for a page to show something.
/// A wait, not a timing assertion: on a fast machine it ends at once.
const PATIENCE: Duration = Duration::from_secs(20);

/// Where Debian puts them; `CHROMIUM` and `CHROMEDRIVER` override.
pub struct Tools {
    pub chromium: PathBuf,
    pub chromedriver: PathBuf,
}

/// The browser and its driver, or `None` (with the reason printed) when they are missing.
/// Under CI a missing browser is a failure: CI installs them (`.ci/run`).
pub fn tools() -> Option<Tools> {
    let find = |var: &str, names: &[&str]| -> Option<PathBuf> {
        if let Ok(path) = std::env::var(var) {
            return Some(PathBuf::from(path)).filter(|p| p.exists());
        }
        let path = std::env::var_os("PATH").unwrap_or_default();
        std::env::split_paths(&path)
            .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
            .find(|candidate| candidate.is_file())
    };
    let chromium = find("CHROMIUM", &["chromium", "chromium-browser"]);
    let chromedriver = find("CHROMEDRIVER", &["chromedriver"]);
    match (chromium, chromedriver) {
        (Some(chromium), Some(chromedriver)) => Some(Tools { chromium, chromedriver }),
        (chromium, chromedriver) => {
            let missing: Vec<&str> =
                [("chromium", chromium.is_none()), ("chromedriver", chromedriver.is_none())]
                    .iter()
                    .filter(|(_, missing)| *missing)
                    .map(|(name, _)| *name)
                    .collect();
            let reason = format!(
                "{} not found: install Debian's with `apt-get install chromium chromium-driver`",
                missing.join(" and ")
            );
            if std::env::var_os("CI").is_some() {
                panic!("{reason} (CI is set: a missing browser fails the run)");
            }
            eprintln!("skipped: {reason}");
            None
        }
    }
}

/// The workspace's `target/debug` (or `$CARGO_TARGET_DIR/debug`), where `just e2e` builds the
/// lesson binaries.
fn binaries() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("debug")
}

/// A folder for this run's logs and profiles, under the target folder.
fn scratch() -> PathBuf {
    let dir = binaries().join("e2e").join(std::process::id().to_string());
    fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    // Without `..` in it: chromedriver looks for the DevToolsActivePort file Chromium writes in
    // the profile at the path as given, and Chromium writes it at the resolved path.
    dir.canonicalize().unwrap_or(dir)
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// A free port on 127.0.0.1 (the OS picks it; the listener is closed again at once).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free loopback port")
}

fn wait_for_port(port: u16, what: &str, child: &mut Child, log: &Path) {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let started = Instant::now();
    while started.elapsed() < PATIENCE {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            let log = fs::read_to_string(log).unwrap_or_default();
            panic!("{what} exited ({status}) before listening on {port}:\n{log}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("{what} did not listen on 127.0.0.1:{port} within {PATIENCE:?}");
}

/// A child process killed when dropped, with its whole process group when it leads one.
struct Process {
    child: Child,
    group: bool,
}

impl Drop for Process {
    fn drop(&mut self) {
        if self.group {
            // chromedriver's Chromium is in chromedriver's group: a test that panics before
            // `quit` must not leave a headless browser running.
            let group = format!("-{}", self.child.id());
            let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A lesson's binary, serving on a free loopback port with a fresh random key and, for the
/// lessons with a database (08 on), a fresh database: never the student's `data/` file.
pub struct Server {
    _process: Process,
    /// The folder of the server's database, removed when the server is dropped.
    _database: Folder,
    pub url: String,
}

/// A folder removed, with what is in it, when dropped.
struct Folder(PathBuf);

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

impl Server {
    /// `package` is the lesson's package, e.g. `lesson-01-raw-cookies`.
    pub fn start(package: &str) -> Server {
        let binary = binaries().join(package);
        assert!(
            binary.is_file(),
            "{} is missing: `just e2e` builds the lessons first (cargo build -p {package})",
            binary.display()
        );
        let port = free_port();
        let log = scratch().join(format!("{}.log", unique(package)));
        let out = File::create(&log).expect("a log file");
        let err = out.try_clone().expect("a log file");
        let key = random_key();
        let database = Folder(scratch().join(unique("database")));
        let mut child = Command::new(&binary)
            .env("HOST", "127.0.0.1")
            .env("PORT", port.to_string())
            .env("SECRET_KEY", key)
            // Lessons 01-07 ignore it. Without REDIS_URL, lesson 09 keeps its sessions in this
            // SQLite file too: the store that can list and end a user's sessions.
            .env("DATABASE_URL", format!("sqlite://{}", database.0.join("lesson.db").display()))
            .env_remove("REDIS_URL")
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
        wait_for_port(port, package, &mut child, &log);
        Server {
            _process: Process { child, group: false },
            _database: database,
            url: format!("http://127.0.0.1:{port}"),
        }
    }

    pub fn at(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }
}

/// A fresh `SECRET_KEY`: 64 random bytes in URL-safe base64, the form `just secret` prints.
/// (Made here rather than with `shared`: depending on it would build the whole actix-web stack
/// a second time, with the tokio features this crate's WebDriver client adds.)
fn random_key() -> String {
    let mut bytes = [0u8; 64];
    File::open("/dev/urandom")
        .and_then(|mut random| std::io::Read::read_exact(&mut random, &mut bytes))
        .expect("random bytes from /dev/urandom");
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut text = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            text.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    text
}

/// A chromedriver on a free loopback port; one per test, so tests stay independent.
pub struct Driver {
    _process: Process,
    url: String,
    chromium: PathBuf,
}

impl Driver {
    pub fn start(tools: &Tools) -> Driver {
        let port = free_port();
        let log = scratch().join(format!("{}.log", unique("chromedriver")));
        let out = File::create(&log).expect("a log file");
        let err = out.try_clone().expect("a log file");
        let mut child = Command::new(&tools.chromedriver)
            .arg(format!("--port={port}"))
            // Its own process group, which the browsers it starts join: see `Process::drop`.
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", tools.chromedriver.display()));
        wait_for_port(port, "chromedriver", &mut child, &log);
        Driver {
            _process: Process { child, group: true },
            url: format!("http://127.0.0.1:{port}"),
            chromium: tools.chromium.clone(),
        }
    }

    /// A new browser profile folder (cookies, history): empty, removed at the end of the test.
    pub fn profile(&self) -> Profile {
        let dir = scratch().join(unique("profile"));
        fs::create_dir_all(&dir).expect("a profile folder");
        Profile { dir }
    }

    /// Starts Chromium with `profile`. Quitting it and calling `open` again with the same
    /// profile is closing and reopening the browser.
    pub async fn open(&self, profile: &Profile) -> Browser {
        let caps = capabilities(&self.chromium, &profile.dir).expect("valid Chromium options");
        let driver = WebDriver::new(self.url.clone(), caps)
            .await
            .unwrap_or_else(|e| panic!("cannot start Chromium through chromedriver: {e}"));
        Browser { driver: Some(driver) }
    }
}

fn capabilities(chromium: &Path, profile: &Path) -> WebDriverResult<ChromeCapabilities> {
    let mut caps = DesiredCapabilities::chrome();
    caps.set_binary(&chromium.to_string_lossy())?;
    // Headless, as root in a container, with no network but loopback: no sandbox, no GPU, and
    // none of the background traffic (updates, sync, safe browsing) that would fail here and
    // slow every start.
    for arg in [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1000,800",
    ] {
        caps.add_arg(arg)?;
    }
    caps.add_arg(&format!("--user-data-dir={}", profile.display()))?;
    Ok(caps)
}

/// A browser profile folder, deleted when dropped.
pub struct Profile {
    dir: PathBuf,
}

impl Drop for Profile {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// One running Chromium.
pub struct Browser {
    /// `None` once quit.
    driver: Option<WebDriver>,
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Not quit: a test failed first. thirtyfour's own fallback would block this
        // single-threaded runtime until a 120 s timeout; the driver's process group is killed
        // anyway (`Process::drop`), Chromium with it.
        if let Some(driver) = self.driver.take() {
            let _ = driver.leak();
        }
    }
}

impl Browser {
    /// The WebDriver session, for what the helpers below do not cover.
    pub fn driver(&self) -> &WebDriver {
        self.driver.as_ref().expect("the browser is open until `quit`")
    }

    pub async fn goto(&self, url: &str) {
        self.driver().goto(url).await.unwrap_or_else(|e| panic!("cannot open {url}: {e}"));
    }

    /// The path of the page the browser shows (after any redirects), with its query.
    pub async fn path(&self) -> String {
        let url = self.driver().current_url().await.expect("the current URL");
        match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_string(),
        }
    }

    /// The text of the element with `id`, waiting until it exists.
    pub async fn text(&self, id: &str) -> String {
        let started = Instant::now();
        loop {
            match self.driver().find(By::Id(id)).await {
                Ok(element) => return element.text().await.unwrap_or_default(),
                Err(error) if started.elapsed() > PATIENCE => {
                    let page = self.driver().source().await.unwrap_or_default();
                    panic!("no element #{id} on {}: {error}\n{page}", self.path().await)
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }

    /// Types `value` into the field called `name`.
    pub async fn fill(&self, name: &str, value: &str) {
        let field = self.driver().find(By::Name(name)).await.expect("the form field");
        field.clear().await.expect("the field can be cleared");
        field.send_keys(value).await.expect("typing into the field");
    }

    /// Clicks the element matching the CSS `selector` (a checkbox, a link on the same page).
    pub async fn click(&self, selector: &str) {
        let element = self.find(selector).await;
        element.click().await.unwrap_or_else(|e| panic!("cannot click {selector}: {e}"));
    }

    /// Clicks the submit button matching `selector` and waits until the page it leads to has
    /// loaded: until the button's page is gone (its element is stale), then the new document is
    /// complete. Without this wait the next command could race the form's POST.
    pub async fn submit(&self, selector: &str) {
        let button = self.find(selector).await;
        button.click().await.unwrap_or_else(|e| panic!("cannot click {selector}: {e}"));
        let started = Instant::now();
        while button.is_present().await.unwrap_or(false) {
            assert!(started.elapsed() < PATIENCE, "{selector} did not lead to a new page");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        loop {
            let state = self.driver().execute("return document.readyState", Vec::new()).await;
            let complete = state.ok().and_then(|ret| ret.convert::<String>().ok());
            if complete.as_deref() == Some("complete") {
                return;
            }
            assert!(started.elapsed() < PATIENCE, "the page after {selector} did not load");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// How many elements match the CSS `selector` on the page.
    pub async fn count(&self, selector: &str) -> usize {
        let found = self.driver().find_all(By::Css(selector)).await;
        found.unwrap_or_else(|e| panic!("cannot look for {selector}: {e}")).len()
    }

    /// The text of the first element matching the CSS `selector`.
    pub async fn text_of(&self, selector: &str) -> String {
        self.find(selector).await.text().await.unwrap_or_default()
    }

    async fn find(&self, selector: &str) -> WebElement {
        match self.driver().find(By::Css(selector)).await {
            Ok(element) => element,
            Err(error) => panic!("nothing matches {selector} on {}: {error}", self.path().await),
        }
    }

    /// The cookie called `name`, as the browser holds it.
    pub async fn cookie(&self, name: &str) -> Option<Cookie> {
        let cookies = self.driver().get_all_cookies().await.expect("the cookies");
        cookies.into_iter().find(|cookie| cookie.name == name)
    }

    /// Deletes a cookie, as a user in the browser's developer tools can.
    pub async fn delete_cookie(&self, name: &str) {
        self.driver().delete_cookie(name).await.expect("the cookie is deleted");
    }

    /// Closes the browser (its profile stays on disk).
    pub async fn quit(mut self) {
        let driver = self.driver.take().expect("the browser is open until `quit`");
        driver.quit().await.expect("Chromium quits");
    }
}
