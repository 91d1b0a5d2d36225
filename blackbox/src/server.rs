//! The two servers a scenario runs against: a lesson's Rust binary (`target/debug/lesson-NN-slug`,
//! built by `just test` / `just both` first) and its Flask app (`flask/NN-slug/app.py`, run by
//! the virtual environment `scripts/flask venv` makes). Each on a free loopback port, with a
//! fresh random secret key and a fresh database folder, killed when dropped.
//!
//! A lesson whose scenarios move the clock (`Lesson::clock`) runs its servers under
//! libfaketime (Debian's `libfaketime`): the time both servers read is the real time plus
//! what a file says, and `Visit::advance` writes that file. Nobody sleeps for an expiry.

use std::fs::{self, File};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::scenario::Side;

/// How long a server may take to listen: a wait, not a timing assertion.
const PATIENCE: Duration = Duration::from_secs(30);

/// The workspace's root folder.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The workspace's `target` (or `$CARGO_TARGET_DIR`).
pub fn target() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root().join("target"))
}

/// The Python of the course's virtual environment (`scripts/flask venv` makes it).
pub fn python() -> PathBuf {
    std::env::var_os("FLASK_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| target().join("flask-venv"))
        .join("bin/python")
}

/// libfaketime's library, if it is installed (`apt-get install libfaketime`).
pub fn faketime() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("FAKETIME_LIB") {
        return Some(PathBuf::from(path)).filter(|p| p.is_file());
    }
    ["x86_64-linux-gnu", "aarch64-linux-gnu"]
        .iter()
        .map(|arch| PathBuf::from(format!("/usr/lib/{arch}/faketime/libfaketime.so.1")))
        .find(|p| p.is_file())
}

/// A running server. Dropping it kills the process and removes its folder.
pub struct Server {
    child: Child,
    folder: PathBuf,
    pub url: String,
    pub side: Side,
    /// The file libfaketime reads the offset from, when the lesson moves the clock.
    clock: Option<PathBuf>,
    log: PathBuf,
}

impl Server {
    /// Start lesson `folder` (`"04-session-dict"`) on one side. `clock`: under libfaketime.
    pub fn start(side: Side, folder: &str, clock: bool) -> Result<Server, String> {
        Server::start_with(side, folder, clock, &[])
    }

    /// The same, with settings in the environment (`SESSION_ALWAYS_PERMANENT=1`, ...): both
    /// sides read the same variables.
    pub fn start_with(
        side: Side,
        folder: &str,
        clock: bool,
        settings: &[(&str, &str)],
    ) -> Result<Server, String> {
        let port = free_port()?;
        // One folder per server, even for two servers of the same lesson and side at once (the
        // screenshots' test starts such pairs): dropping one removes its folder.
        static SERVERS: AtomicUsize = AtomicUsize::new(0);
        let n = SERVERS.fetch_add(1, Ordering::Relaxed);
        let scratch =
            target().join("blackbox").join(format!("{}-{n}-{folder}-{side}", std::process::id()));
        fs::create_dir_all(&scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
        let scratch = scratch.canonicalize().map_err(|e| e.to_string())?;
        let log = scratch.join("server.log");
        let out = File::create(&log).map_err(|e| e.to_string())?;
        let err = out.try_clone().map_err(|e| e.to_string())?;
        let database = scratch.join("lesson.db");
        let mut command = match side {
            Side::Rust => {
                // BLACKBOX_BINARIES: another folder of lesson binaries (a worktree can use
                // the main checkout's).
                let binaries = std::env::var_os("BLACKBOX_BINARIES")
                    .map(PathBuf::from)
                    .unwrap_or_else(|| target().join("debug"));
                let binary = binaries.join(format!("lesson-{folder}"));
                if !binary.is_file() {
                    return Err(format!(
                        "{} is missing: `just both` builds the lessons first",
                        binary.display()
                    ));
                }
                let mut command = Command::new(binary);
                command.env("DATABASE_URL", format!("sqlite://{}", database.display()));
                command
            }
            Side::Flask => {
                let app = root().join("flask").join(folder).join("app.py");
                if !app.is_file() {
                    return Err(format!("{} is missing", app.display()));
                }
                let mut command = Command::new(python());
                command
                    .arg(app)
                    .env("DATABASE_URL", format!("sqlite:///{}", database.display()))
                    .env("PYTHONDONTWRITEBYTECODE", "1")
                    .env_remove("FLASK_DEBUG");
                command
            }
        };
        command
            .current_dir(&scratch)
            .env("HOST", "127.0.0.1")
            .env("PORT", port.to_string())
            .env("SECRET_KEY", random_key()?)
            .env_remove("REDIS_URL")
            .env_remove("SESSION_COOKIE_SECURE")
            // The default lifetime (5 minutes), whatever the shell says: the pages and the
            // screenshots' fingerprints show it.
            .env_remove("SESSION_LIFETIME")
            .envs(settings.iter().copied())
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err);
        let clock = if clock {
            let library = faketime().ok_or(
                "this lesson's scenarios move the clock: install libfaketime \
                 (`apt-get install libfaketime`)",
            )?;
            let file = scratch.join("clock");
            fs::write(&file, "+0s").map_err(|e| e.to_string())?;
            command
                .env("LD_PRELOAD", library)
                .env("FAKETIME_TIMESTAMP_FILE", &file)
                .env("FAKETIME_NO_CACHE", "1")
                // Timers and timeouts keep real time; only the wall clock moves.
                .env("FAKETIME_DONT_FAKE_MONOTONIC", "1")
                // Without it, Python under libfaketime spends several times the CPU on each
                // page (measured: 74-114 ticks for 20 pages against 12-14 with it).
                .env("FAKETIME_FORCE_MONOTONIC_FIX", "0");
            Some(file)
        } else {
            None
        };
        let child = command.spawn().map_err(|e| format!("cannot start the {side} server: {e}"))?;
        let mut server = Server {
            child,
            folder: scratch,
            url: format!("http://127.0.0.1:{port}"),
            side,
            clock,
            log,
        };
        server.wait_for(port)?;
        Ok(server)
    }

    fn wait_for(&mut self, port: u16) -> Result<(), String> {
        let address = SocketAddr::from(([127, 0, 0, 1], port));
        let started = Instant::now();
        while started.elapsed() < PATIENCE {
            if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "the server exited ({status}) before listening:\n{}",
                    self.log()
                ));
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        Err(format!("the server did not listen within {PATIENCE:?}:\n{}", self.log()))
    }

    /// What the server printed so far.
    pub fn log(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Move the server's wall clock to `offset` seconds after the real time.
    pub fn set_clock(&self, offset: i64) -> Result<(), String> {
        let file = self.clock.as_ref().ok_or("this lesson's servers run on the real clock")?;
        fs::write(file, format!("{offset:+}s")).map_err(|e| e.to_string())
    }

    /// Is it still running?
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = fs::remove_dir_all(&self.folder);
    }
}

fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .map_err(|e| format!("no free loopback port: {e}"))
}

/// A fresh `SECRET_KEY`: 64 random bytes in URL-safe base64, the form `just secret` prints.
pub fn random_key() -> Result<String, String> {
    let mut bytes = [0u8; 64];
    File::open("/dev/urandom")
        .and_then(|mut random| std::io::Read::read_exact(&mut random, &mut bytes))
        .map_err(|e| format!("random bytes from /dev/urandom: {e}"))?;
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut text = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            text.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    Ok(text)
}
