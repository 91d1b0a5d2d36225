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
use thirtyfour::{ChromeCapabilities, ChromiumLikeCapabilities, Cookie, SameSite};

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

/// The workspace's `target/debug` (or `$CARGO_TARGET_DIR/debug`): this run's scratch folder.
fn target_debug() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("debug")
}

/// Where `just e2e` builds the lesson binaries: `target/debug`, or the folder
/// `BLACKBOX_BINARIES` names (as for the black-box suite: a worktree can use the main
/// checkout's).
fn binaries() -> PathBuf {
    std::env::var_os("BLACKBOX_BINARIES").map(PathBuf::from).unwrap_or_else(target_debug)
}

/// A folder for this run's logs and profiles, under the target folder.
fn scratch() -> PathBuf {
    let dir = target_debug().join("e2e").join(std::process::id().to_string());
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
            // Plain HTTP on loopback and the default session lifetime, as the black-box suite
            // runs them.
            .env_remove("SESSION_COOKIE_SECURE")
            .env_remove("SESSION_LIFETIME")
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

/// A fresh `SECRET_KEY`: the black-box suite's (std only: depending on `shared` would build the
/// whole actix-web stack a second time, with the tokio features this crate's WebDriver client adds).
fn random_key() -> String {
    blackbox::server::random_key().expect("a random SECRET_KEY")
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

    /// Puts cookies in the browser, as a user can in the developer tools (`HttpOnly` ones
    /// too): the screenshot tool copies a client's jar this way. The browser must be showing a
    /// page of the cookies' site (127.0.0.1) first.
    pub async fn add_cookies(&self, cookies: &[blackbox::http::JarCookie]) {
        for kept in cookies {
            let mut cookie = Cookie::new(kept.name.clone(), kept.value.clone());
            cookie.set_path(kept.path.clone());
            cookie.set_http_only(kept.http_only);
            cookie.expiry = kept.expires;
            match kept.same_site.as_deref().map(str::to_ascii_lowercase).as_deref() {
                Some("strict") => cookie.set_same_site(SameSite::Strict),
                Some("lax") => cookie.set_same_site(SameSite::Lax),
                _ => {}
            }
            self.driver()
                .add_cookie(cookie)
                .await
                .unwrap_or_else(|e| panic!("cannot add the cookie {}: {e}", kept.name));
        }
    }

    /// Sends this `User-Agent` (and shows it to scripts) from now on, through the DevTools
    /// protocol.
    pub async fn set_user_agent(&self, user_agent: &str) {
        let cdp = self.driver().cdp();
        cdp.emulation().set_user_agent_override(user_agent).await.expect("a User-Agent override");
    }

    /// The whole page, `width` CSS pixels wide and as tall as its content, as WebP of that
    /// `quality` (0 to 100): the DevTools protocol's `Page.captureScreenshot`, which
    /// chromedriver passes on (`goog/cdp/execute`).
    pub async fn screenshot_webp(&self, width: u32, quality: u32) -> Vec<u8> {
        use thirtyfour::cdp::domains::page::{CaptureScreenshot, ImageFormat};
        let cdp = self.driver().cdp();
        let emulation = cdp.emulation();
        // No scroll bars: a page wider than the window (a long id in the inspector) is cut at
        // its right edge, as a reader's window would cut it, without a bar across the picture.
        let hidden = std::collections::HashMap::from([("hidden", true)]);
        cdp.send_raw("Emulation.setScrollbarsHidden", hidden).await.expect("scroll bars hidden");
        // Laid out at the width first, then measured, then made as tall as it is.
        emulation.set_device_metrics_override(width, 600, 1.0, false).await.expect("a viewport");
        let height = self
            .driver()
            .execute("return document.documentElement.scrollHeight", Vec::new())
            .await
            .ok()
            .and_then(|ret| ret.convert::<u32>().ok())
            .expect("the page's height");
        emulation.set_device_metrics_override(width, height, 1.0, false).await.expect("a viewport");
        let shot = CaptureScreenshot {
            format: Some(ImageFormat::Webp),
            quality: Some(quality),
            capture_beyond_viewport: None,
        };
        let data = cdp.send(shot).await.expect("a screenshot from Page.captureScreenshot").data;
        base64_decode(&data).expect("the screenshot in base64")
    }

    /// Closes the browser (its profile stays on disk).
    pub async fn quit(mut self) {
        let driver = self.driver.take().expect("the browser is open until `quit`");
        driver.quit().await.expect("Chromium quits");
    }
}

/// Standard base64 (`A-Z a-z 0-9 + /`, `=` padding) to bytes: what the DevTools protocol
/// sends images in. `None` for anything else.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| -> Option<u32> {
        Some(
            match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'+' => 62,
                b'/' => 63,
                _ => return None,
            }
            .into(),
        )
    };
    let text = text.trim_end_matches('=').as_bytes();
    let mut bytes = Vec::with_capacity(text.len() * 3 / 4);
    for chunk in text.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .try_fold(0u32, |n, (i, c)| value(*c).map(|v| n | v << (18 - 6 * i)))?;
        let keep = match chunk.len() {
            4 => 3,
            3 => 2,
            2 => 1,
            _ => return None,
        };
        bytes.extend_from_slice(&n.to_be_bytes()[1..=keep]);
    }
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::base64_decode;

    #[test]
    fn base64_is_decoded_with_and_without_padding() {
        assert_eq!(base64_decode("").as_deref(), Some(&b""[..]));
        assert_eq!(base64_decode("Zg==").as_deref(), Some(&b"f"[..]));
        assert_eq!(base64_decode("Zm8=").as_deref(), Some(&b"fo"[..]));
        assert_eq!(base64_decode("Zm9vYmFy").as_deref(), Some(&b"foobar"[..]));
        assert_eq!(base64_decode("UklGRv/+").as_deref(), Some(&b"RIFF\xff\xfe"[..]));
        assert_eq!(base64_decode("Z!=="), None);
        assert_eq!(base64_decode("Z"), None);
    }
}
