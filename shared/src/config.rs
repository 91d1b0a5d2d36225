//! Configuration from the environment, documented in one place: [`VARS`].
//!
//! Flask reads `app.config[...]`; we read environment variables once at start-up, check them,
//! and stop with a message that names the variable when one is wrong. Nothing is read again
//! while the server runs, so a bad value can never turn into a 500 later.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use base64::alphabet::{STANDARD, URL_SAFE};
use base64::engine::fast_portable::{FastPortable, NO_PAD, PAD};
use cookie::Key;
use cookie::time::Duration;

// base64 0.20 is the version `cookie` already builds; its engines are spelled out like this.
const URL_SAFE_NO_PAD: FastPortable = FastPortable::from(&URL_SAFE, NO_PAD);
const URL_SAFE_PAD: FastPortable = FastPortable::from(&URL_SAFE, PAD);
const STANDARD_PAD: FastPortable = FastPortable::from(&STANDARD, PAD);

/// One environment variable the course reads.
#[derive(Debug)]
pub struct Var {
    pub name: &'static str,
    pub kind: VarKind,
    pub default: &'static str,
    pub lessons: &'static str,
    pub about: &'static str,
}

/// How a variable's value is checked at start-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarKind {
    Text,
    Port,
    /// `1`, `true`, `yes`, `on` or `0`, `false`, `no`, `off` (any case).
    Flag,
    /// See [`KEY_FORMAT`].
    Key,
    /// Keys in [`KEY_FORMAT`], separated by commas; empty for none.
    Keys,
    /// Seconds (`300`) or a number with a unit: `30s`, `5m`, `12h`, `7d`.
    Duration,
    /// A SQLite database: `sqlite://path/to/file.db` or `sqlite::memory:`.
    SqliteUrl,
    /// A Redis server: `redis://host:port` (or `rediss://` for TLS, `redis+unix:///path`).
    RedisUrl,
}

/// Every variable any lesson reads. The README's configuration table is this list.
pub const VARS: &[Var] = &[
    Var {
        name: "HOST",
        kind: VarKind::Text,
        default: "127.0.0.1",
        lessons: "all",
        about: "Address to listen on. Use 0.0.0.0 to reach the lesson from another machine.",
    },
    Var {
        name: "PORT",
        kind: VarKind::Port,
        default: "8000 + lesson number (8001 for lesson 01)",
        lessons: "all",
        about: "Port to listen on; the default lets several lessons run side by side.",
    },
    Var {
        name: "SECRET_KEY",
        kind: VarKind::Key,
        default: "a development key, made once and kept in `.dev-secret-key`",
        lessons: "03 on",
        about: "Each lesson derives its own key from it to sign and encrypt cookies. `just secret` \
                prints a new one.",
    },
    Var {
        name: "SECRET_KEY_FALLBACKS",
        kind: VarKind::Keys,
        default: "none",
        lessons: "exercise 03",
        about: "Older keys, comma-separated, newest first: cookies they signed still verify \
                (Flask's SECRET_KEY_FALLBACKS). For rotating SECRET_KEY.",
    },
    Var {
        name: "SESSION_COOKIE_SECURE",
        kind: VarKind::Flag,
        default: "0",
        lessons: "04 on",
        about: "Mark the session cookie `Secure` (HTTPS only). Off so every client, Python's requests included, works on http://127.0.0.1.",
    },
    Var {
        name: "SESSION_LIFETIME",
        kind: VarKind::Duration,
        default: "5m",
        lessons: "05 on",
        about: "How long a session lasts (Flask's `PERMANENT_SESSION_LIFETIME`): the server refuses an older one, and a permanent session's cookie gets it as `Max-Age`/`Expires`.",
    },
    Var {
        name: "SESSION_MAX_LIFETIME",
        kind: VarKind::Duration,
        default: "none: no absolute limit",
        lessons: "exercise 05",
        about: "An absolute limit on a session, counted from the login: however often the visitor comes back, the session ends then. For sliding sessions that must still end.",
    },
    Var {
        name: "SESSION_ALWAYS_PERMANENT",
        kind: VarKind::Flag,
        default: "0",
        lessons: "05 on",
        about: "Make every session permanent, as the tutorial's `@app.before_request` hook does.",
    },
    Var {
        name: "SESSION_REFRESH_EACH_REQUEST",
        kind: VarKind::Flag,
        default: "1",
        lessons: "05 on",
        about: "Sliding expiry: every request pushes the session's end back by `SESSION_LIFETIME` (Flask's default). `0`: an absolute limit from the start of the session.",
    },
    Var {
        name: "DATABASE_URL",
        kind: VarKind::SqliteUrl,
        default: "`data/lesson-NN.db` in the checkout (git-ignored), made on first run",
        lessons: "10 on",
        about: "The SQLite database with the users (and from lesson 11 the sessions, from 13 the woofs): `sqlite://path/to/file.db`. The file and its folder are made when missing.",
    },
    Var {
        name: "REDIS_URL",
        kind: VarKind::RedisUrl,
        default: "unset: sessions are kept in the SQLite database",
        lessons: "11 on",
        about: "Keep sessions in Redis instead (actix-session's Redis store), e.g. `redis://127.0.0.1:6379`: every server that uses the same Redis sees the same sessions.",
    },
];

/// What `SECRET_KEY` accepts: what `just secret` prints.
pub const KEY_FORMAT: &str = "at least 64 random bytes in URL-safe base64 (86 characters)";

/// Where the development key is kept when `SECRET_KEY` is not set: the workspace root, so every
/// lesson shares it and `just run` works from any directory. Git ignores it.
pub fn dev_key_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap_or(Path::new(".")).join(".dev-secret-key")
}

/// The folder for the lessons' databases when `DATABASE_URL` is not set: `data/` at the
/// workspace root, found like the development key, so `just run` works from any directory.
/// Git ignores it.
pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap_or(Path::new(".")).join("data")
}

/// Lesson `number`'s database file when `DATABASE_URL` is not set: one file per lesson, so two
/// lessons never share (or fight over) a schema.
pub fn default_database_path(number: u8) -> PathBuf {
    data_dir().join(format!("lesson-{number:02}.db"))
}

/// Where the secret key came from, for the start-up line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    Env,
    DevFile { path: PathBuf, created: bool },
    Test,
}

/// Checked configuration of one running lesson.
#[derive(Clone)]
pub struct Config {
    pub host: String,
    pub port: u16,
    /// The lesson's number: its keys are derived from `SECRET_KEY` with it.
    number: u8,
    /// `SECRET_KEY` itself, and where it came from.
    secret: Option<(Key, KeySource)>,
    /// This lesson's own key, derived from `secret` ([`lesson_key`]).
    key: Option<Key>,
    /// The fallbacks, derived the same way.
    fallback_keys: Vec<Key>,
    values: BTreeMap<&'static str, String>,
}

impl fmt::Debug for Config {
    // Never print the key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("number", &self.number)
            .field("key", &self.secret.as_ref().map(|(_, source)| source))
            .field("fallback_keys", &self.fallback_keys.len())
            .field("values", &self.values)
            .finish()
    }
}

/// A configuration problem: the message names the variable and says how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Reads and checks the process environment for lesson `number`.
    /// `needs_key`: load `SECRET_KEY` (or the development key).
    pub fn from_env(number: u8, needs_key: bool) -> Result<Config, ConfigError> {
        Self::from_lookup(number, needs_key, |name| std::env::var(name).ok(), &dev_key_path())
    }

    /// The same as [`Config::from_env`], reading from `lookup`: what the tests use.
    pub fn from_lookup(
        number: u8,
        needs_key: bool,
        lookup: impl Fn(&str) -> Option<String>,
        dev_key: &Path,
    ) -> Result<Config, ConfigError> {
        let mut values = BTreeMap::new();
        for var in VARS {
            if let Some(value) = lookup(var.name) {
                check(var, &value)?;
                values.insert(var.name, value);
            }
        }
        let host = values.get("HOST").cloned().unwrap_or_else(|| "127.0.0.1".into());
        let port = match values.get("PORT") {
            Some(port) => port.trim().parse().map_err(|_| bad_port(port))?,
            None => 8000 + u16::from(number),
        };
        // ANCHOR: read_key
        let secret = if !needs_key {
            None
        } else if let Some(text) = values.get("SECRET_KEY") {
            Some((key_from_env(text)?, KeySource::Env))
        } else {
            let (key, created) = load_dev_key(dev_key)?;
            Some((key, KeySource::DevFile { path: dev_key.to_path_buf(), created }))
        };
        let fallbacks = match values.get("SECRET_KEY_FALLBACKS") {
            Some(text) if needs_key => keys_from_env(text)?,
            _ => Vec::new(),
        };
        let key = secret.as_ref().map(|(secret, _)| lesson_key(secret, number));
        // ANCHOR_END: read_key
        let fallback_keys = fallbacks.iter().map(|old| lesson_key(old, number)).collect();
        Ok(Config { host, port, number, secret, key, fallback_keys, values })
    }

    /// A configuration for tests: a fresh random key, nothing from the environment.
    pub fn for_tests(number: u8) -> Config {
        let secret = Key::generate();
        Config {
            host: "127.0.0.1".into(),
            port: 8000 + u16::from(number),
            number,
            key: Some(lesson_key(&secret, number)),
            secret: Some((secret, KeySource::Test)),
            fallback_keys: Vec::new(),
            values: BTreeMap::new(),
        }
    }

    /// Sets a variable as if it came from the environment (tests). Panics on a value that
    /// [`Config::from_env`] would refuse, or a name that is not in [`VARS`]. `SECRET_KEY` and
    /// `SECRET_KEY_FALLBACKS` replace the keys, as they would at start-up.
    pub fn with(mut self, name: &str, value: &str) -> Config {
        let var = VARS
            .iter()
            .find(|var| var.name == name)
            .unwrap_or_else(|| panic!("{name} is not in shared::config::VARS"));
        let checked = match var.kind {
            VarKind::Key => key_from_env(value).map(|secret| {
                self.key = Some(lesson_key(&secret, self.number));
                self.secret = Some((secret, KeySource::Env));
            }),
            VarKind::Keys => keys_from_env(value).map(|keys| {
                self.fallback_keys = keys.iter().map(|old| lesson_key(old, self.number)).collect();
            }),
            _ => check(var, value),
        };
        if let Err(error) = checked {
            panic!("{error}");
        }
        self.values.insert(var.name, value.to_string());
        self
    }

    /// This lesson's key, if the lesson uses one: derived from `SECRET_KEY` and the lesson's
    /// number ([`lesson_key`]), so no other lesson (and no other app given the same
    /// `SECRET_KEY`) makes a cookie this lesson accepts. Everything the lesson signs or
    /// encrypts uses this key, never `SECRET_KEY` itself.
    pub fn key(&self) -> Option<&Key> {
        self.key.as_ref()
    }

    /// `SECRET_KEY` itself (or the development key): only to derive keys from.
    pub fn secret_key(&self) -> Option<&Key> {
        self.secret.as_ref().map(|(key, _)| key)
    }

    pub fn key_source(&self) -> Option<&KeySource> {
        self.secret.as_ref().map(|(_, source)| source)
    }

    /// The lesson's keys derived from the older keys of `SECRET_KEY_FALLBACKS`, newest first:
    /// empty unless it is set (and the lesson uses a key). Only exercise 03 reads them; the
    /// server still signs with [`Config::key`].
    pub fn fallback_keys(&self) -> &[Key] {
        &self.fallback_keys
    }

    /// The keys other apps would derive from the same `SECRET_KEY`: every other lesson's (up to
    /// lesson 20), and `SECRET_KEY` used as it is, as an app that derives nothing would. Only
    /// for the cookie inspector, to say "made by another app" instead of "changed".
    pub fn keys_of_other_apps(&self) -> Vec<(String, Key)> {
        let Some((secret, _)) = &self.secret else { return Vec::new() };
        let mut keys = vec![("an app that uses SECRET_KEY as it is".to_string(), secret.clone())];
        for other in (1..=20).filter(|other| *other != self.number) {
            keys.push((format!("lesson {other:02}"), lesson_key(secret, other)));
        }
        keys
    }

    /// A flag variable ([`VarKind::Flag`]); unset means off. Checked at start-up.
    pub fn flag(&self, name: &str) -> bool {
        self.values.get(name).is_some_and(|value| parse_flag(value) == Some(true))
    }

    /// A flag variable, or `default` when unset (for flags that are on unless switched off).
    pub fn flag_or(&self, name: &str, default: bool) -> bool {
        self.values.get(name).and_then(|value| parse_flag(value)).unwrap_or(default)
    }

    /// A duration variable ([`VarKind::Duration`]), or `default` when unset. Checked at start-up.
    pub fn duration(&self, name: &str, default: Duration) -> Duration {
        self.values.get(name).and_then(|value| parse_duration(value)).unwrap_or(default)
    }

    /// A variable's raw value, if set.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }
}

fn check(var: &Var, value: &str) -> Result<(), ConfigError> {
    match var.kind {
        VarKind::Text => Ok(()),
        VarKind::Port => value.trim().parse::<u16>().map(|_| ()).map_err(|_| bad_port(value)),
        VarKind::Flag => parse_flag(value).map(|_| ()).ok_or_else(|| {
            ConfigError(format!(
                "{} must be 1/true/yes/on or 0/false/no/off, not {value:?}",
                var.name
            ))
        }),
        // Checked when they are loaded: only lessons with a key look at them.
        VarKind::Key | VarKind::Keys => Ok(()),
        VarKind::Duration => parse_duration(value).map(|_| ()).ok_or_else(|| {
            ConfigError(format!(
                "{} must be a positive duration such as 300, 30s, 5m, 12h or 7d, not {value:?}",
                var.name
            ))
        }),
        VarKind::SqliteUrl => {
            let path = value.trim().strip_prefix("sqlite:").unwrap_or_default();
            if path.is_empty() || path == "//" {
                return Err(ConfigError(format!(
                    "{} must be a SQLite URL such as sqlite://data/app.db or sqlite::memory:, not {value:?}",
                    var.name
                )));
            }
            Ok(())
        }
        VarKind::RedisUrl => {
            let value = value.trim();
            let rest = ["redis://", "rediss://", "redis+unix://"]
                .iter()
                .find_map(|scheme| value.strip_prefix(scheme));
            if rest.is_none_or(str::is_empty) {
                return Err(ConfigError(format!(
                    "{} must be a Redis URL such as redis://127.0.0.1:6379, not {value:?}",
                    var.name
                )));
            }
            Ok(())
        }
    }
}

/// `300` (seconds, as Flask's `PERMANENT_SESSION_LIFETIME`), or humantime's notation: `30s`,
/// `5m`, `12h`, `7d`, `1h 30m`. Zero is refused; so is anything over a hundred years.
pub fn parse_duration(value: &str) -> Option<Duration> {
    let value = value.trim();
    let std = match value.parse::<u64>() {
        Ok(seconds) => std::time::Duration::from_secs(seconds),
        Err(_) => humantime::parse_duration(value).ok()?,
    };
    const CENTURY: u64 = 100 * 365 * 24 * 60 * 60;
    if std.is_zero() || std.as_secs() > CENTURY {
        return None;
    }
    Duration::try_from(std).ok()
}

fn bad_port(value: &str) -> ConfigError {
    ConfigError(format!("PORT must be a number from 0 to 65535, not {value:?}"))
}

fn parse_flag(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" | "" => Some(false),
        _ => None,
    }
}

/// Lesson `number`'s own key, derived from `secret` (`SECRET_KEY`): HMAC-SHA512 of a label
/// that names the lesson, keyed with the secret; 64 bytes, as `Key` needs (32 to sign, 32 to
/// encrypt). One secret to configure, a different key for each use: a key should sign one
/// kind of thing only, or whatever one app signs is believed by every other app that has the
/// key. Browsers send a cookie to every port of a host, so lesson 05's cookies reach lesson 06:
/// with one shared key, a `user_id` written on lesson 05's `/session` page signed in on 06.
/// (Flask signs its session with `SECRET_KEY` and the salt `"cookie-session"`, the same idea.)
pub fn lesson_key(secret: &Key, number: u8) -> Key {
    use hmac::{Hmac, Mac};
    let label = format!("session-lessons: the keys of lesson {number:02}");
    let mut mac = <Hmac<sha2::Sha512> as Mac>::new_from_slice(secret.master())
        .expect("HMAC takes a key of any length");
    mac.update(label.as_bytes());
    Key::from(mac.finalize().into_bytes().as_slice())
}

// ANCHOR: decode_key
/// Decodes a key in the form `just secret` prints. Standard base64 is accepted too.
pub fn decode_key(text: &str) -> Result<Key, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("it is empty".into());
    }
    // 64 bytes take 86 characters of base64: anything shorter cannot be long enough.
    if text.len() < 86 {
        return Err(format!(
            "it is {} characters long, and at least 64 random bytes (86 characters) are needed",
            text.len()
        ));
    }
    let bytes = [URL_SAFE_NO_PAD, URL_SAFE_PAD, STANDARD_PAD]
        .iter()
        .find_map(|engine| base64::decode_engine(text, engine).ok())
        .ok_or("it is not base64")?;
    // `Key::from` would panic under 64 bytes; `try_from` lets us say what is wrong.
    Key::try_from(bytes.as_slice())
        .map_err(|_| format!("it decodes to {} bytes, and at least 64 are needed", bytes.len()))
}
// ANCHOR_END: decode_key

/// Encodes a key in the form [`decode_key`] reads.
pub fn encode_key(key: &Key) -> String {
    base64::encode_engine(key.master(), &URL_SAFE_NO_PAD)
}

fn key_from_env(text: &str) -> Result<Key, ConfigError> {
    decode_key(text).map_err(|why| {
        ConfigError(format!(
            "SECRET_KEY is not usable: {why}. It must be {KEY_FORMAT}; \
             run `just secret` to make one, or unset SECRET_KEY to use the development key."
        ))
    })
}

/// `SECRET_KEY_FALLBACKS`: keys separated by commas (spaces around them are fine).
fn keys_from_env(text: &str) -> Result<Vec<Key>, ConfigError> {
    let texts = text.split(',').map(str::trim).filter(|key| !key.is_empty());
    texts
        .enumerate()
        .map(|(index, key)| {
            decode_key(key).map_err(|why| {
                ConfigError(format!(
                    "SECRET_KEY_FALLBACKS: key {} is not usable: {why}. Each key must be \
                     {KEY_FORMAT}, separated by commas; an old SECRET_KEY is one.",
                    index + 1
                ))
            })
        })
        .collect()
}

fn load_dev_key(path: &Path) -> Result<(Key, bool), ConfigError> {
    match std::fs::read_to_string(path) {
        Ok(text) => decode_key(&text).map(|key| (key, false)).map_err(|why| {
            ConfigError(format!(
                "the development key in {} is not usable: {why}. Delete the file to make a new one.",
                path.display()
            ))
        }),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let key = Key::generate();
            write_private(path, &encode_key(&key)).map_err(|error| {
                ConfigError(format!(
                    "SECRET_KEY is not set and the development key could not be saved in {}: {error}. \
                     Set SECRET_KEY (`just secret` makes one).",
                    path.display()
                ))
            })?;
            Ok((key, true))
        }
        Err(error) => Err(ConfigError(format!(
            "SECRET_KEY is not set and the development key in {} could not be read: {error}",
            path.display()
        ))),
    }
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    writeln!(file, "{text}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string())
    }

    fn temp_path(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("shared-config-{}-{name}", std::process::id()));
        let _ = std::fs::remove_file(&dir);
        dir
    }

    #[test]
    fn the_port_defaults_to_8000_plus_the_lesson_number() {
        let config = Config::from_lookup(3, false, env(&[]), &temp_path("port")).unwrap();
        assert_eq!((config.host.as_str(), config.port), ("127.0.0.1", 8003));
    }

    #[test]
    fn a_bad_port_names_the_variable() {
        let error =
            Config::from_lookup(1, false, env(&[("PORT", "eighty")]), &temp_path("p")).unwrap_err();
        assert!(error.0.contains("PORT"), "{error}");
    }

    #[test]
    fn a_missing_key_makes_a_development_key_once_and_reuses_it() {
        let path = temp_path("dev");
        let first = Config::from_lookup(3, true, env(&[]), &path).unwrap();
        let second = Config::from_lookup(3, true, env(&[]), &path).unwrap();
        assert_eq!(
            first.key_source(),
            Some(&KeySource::DevFile { path: path.clone(), created: true })
        );
        assert_eq!(
            second.key_source(),
            Some(&KeySource::DevFile { path: path.clone(), created: false })
        );
        assert!(first.key() == second.key(), "the second start must reuse the saved key");
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn a_key_from_just_secret_is_accepted() {
        let text = encode_key(&Key::generate());
        assert_eq!(text.len(), 86);
        let config =
            Config::from_lookup(3, true, env(&[("SECRET_KEY", &text)]), &temp_path("k")).unwrap();
        assert_eq!(config.key_source(), Some(&KeySource::Env));
        assert!(config.secret_key() == Some(&decode_key(&text).unwrap()));
        assert!(config.key() == Some(&lesson_key(&decode_key(&text).unwrap(), 3)));
    }

    #[test]
    fn a_short_key_stops_the_server_with_a_message_naming_the_variable_and_just_secret() {
        // What the Flask tutorials do: a short, guessable key.
        let error =
            Config::from_lookup(3, true, env(&[("SECRET_KEY", "mysecretkey")]), &temp_path("s"))
                .unwrap_err();
        assert!(error.0.contains("SECRET_KEY") && error.0.contains("just secret"), "{error}");
        assert!(error.0.contains("at least 64"), "{error}");
    }

    #[test]
    fn a_key_that_is_not_base64_is_refused() {
        let error =
            Config::from_lookup(3, true, env(&[("SECRET_KEY", &"!".repeat(90))]), &temp_path("b"))
                .unwrap_err();
        assert!(error.0.contains("not base64") && error.0.contains("just secret"), "{error}");
    }

    #[test]
    fn lessons_without_a_key_ignore_secret_key() {
        let config =
            Config::from_lookup(1, false, env(&[("SECRET_KEY", "bad")]), &temp_path("n")).unwrap();
        assert!(config.key().is_none());
    }

    #[test]
    fn durations_take_seconds_or_a_unit() {
        assert_eq!(parse_duration("300"), Some(Duration::minutes(5)));
        assert_eq!(parse_duration("5m"), Some(Duration::minutes(5)));
        assert_eq!(parse_duration("7d"), Some(Duration::days(7)));
        assert_eq!(parse_duration("12h"), Some(Duration::hours(12)));
        assert_eq!(parse_duration("1h 30m"), Some(Duration::minutes(90)));
        assert_eq!(parse_duration("5 minutes"), Some(Duration::minutes(5)));
        for bad in ["", "0", "0s", "-5m", "m", "5 parsecs", "99999999999999999999", "200years"] {
            assert_eq!(parse_duration(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn flags_are_checked_at_start_up() {
        let on = Config::from_lookup(
            4,
            false,
            env(&[("SESSION_COOKIE_SECURE", "Yes")]),
            &temp_path("f"),
        )
        .unwrap();
        assert!(on.flag("SESSION_COOKIE_SECURE"));
        let error = Config::from_lookup(
            4,
            false,
            env(&[("SESSION_COOKIE_SECURE", "maybe")]),
            &temp_path("f2"),
        )
        .unwrap_err();
        assert!(error.0.contains("SESSION_COOKIE_SECURE"), "{error}");
    }

    #[test]
    fn database_and_redis_urls_are_checked_at_start_up() {
        let ok = Config::for_tests(8)
            .with("DATABASE_URL", "sqlite://data/app.db")
            .with("REDIS_URL", "redis://127.0.0.1:6379");
        assert_eq!(ok.get("DATABASE_URL"), Some("sqlite://data/app.db"));
        for (name, bad) in [
            ("DATABASE_URL", "postgres://localhost/app"),
            ("DATABASE_URL", "data/app.db"),
            ("DATABASE_URL", "sqlite://"),
            ("REDIS_URL", "127.0.0.1:6379"),
            ("REDIS_URL", "redis://"),
        ] {
            let error =
                Config::from_lookup(9, false, env(&[(name, bad)]), &temp_path("u")).unwrap_err();
            assert!(error.0.starts_with(name), "{error}");
        }
    }

    #[test]
    fn each_lesson_has_its_own_database_file_under_data() {
        let path = default_database_path(10);
        assert!(path.ends_with("data/lesson-10.db"), "{}", path.display());
        assert_ne!(path, default_database_path(11));
    }

    #[test]
    fn a_flag_can_default_to_on() {
        let unset = Config::for_tests(5);
        assert!(unset.flag_or("SESSION_REFRESH_EACH_REQUEST", true));
        assert!(!unset.flag("SESSION_REFRESH_EACH_REQUEST"));
        let off = Config::for_tests(5).with("SESSION_REFRESH_EACH_REQUEST", "off");
        assert!(!off.flag_or("SESSION_REFRESH_EACH_REQUEST", true));
    }

    #[test]
    fn fallback_keys_are_read_newest_first_and_a_bad_one_is_refused_by_position() {
        let (new, old) = (encode_key(&Key::generate()), encode_key(&Key::generate()));
        let list = format!("{new}, {old}");
        let config =
            Config::from_lookup(3, true, env(&[("SECRET_KEY_FALLBACKS", &list)]), &temp_path("fb"))
                .unwrap();
        assert_eq!(config.fallback_keys().len(), 2);
        assert!(config.fallback_keys()[0] == lesson_key(&decode_key(&new).unwrap(), 3));
        assert!(config.fallback_keys()[1] == lesson_key(&decode_key(&old).unwrap(), 3));

        let bad = format!("{new},mysecretkey");
        let error =
            Config::from_lookup(3, true, env(&[("SECRET_KEY_FALLBACKS", &bad)]), &temp_path("fb2"))
                .unwrap_err();
        assert!(error.0.contains("SECRET_KEY_FALLBACKS: key 2"), "{error}");
        assert!(Config::for_tests(3).fallback_keys().is_empty());
    }

    #[test]
    fn with_sets_the_keys_as_start_up_would() {
        let (key, old) = (Key::generate(), Key::generate());
        let config = Config::for_tests(3)
            .with("SECRET_KEY", &encode_key(&key))
            .with("SECRET_KEY_FALLBACKS", &encode_key(&old));
        assert!(config.secret_key() == Some(&key));
        assert!(config.key() == Some(&lesson_key(&key, 3)));
        assert_eq!(config.key_source(), Some(&KeySource::Env));
        assert!(config.fallback_keys() == [lesson_key(&old, 3)]);
    }

    #[test]
    fn each_lesson_derives_its_own_key_from_one_secret_key() {
        let secret = Key::generate();
        let keys: Vec<Key> = (1..=20).map(|number| lesson_key(&secret, number)).collect();
        for (i, key) in keys.iter().enumerate() {
            assert!(key != &secret, "lesson {} uses SECRET_KEY as it is", i + 1);
            for other in &keys[i + 1..] {
                assert!(key != other, "two lessons share a key");
            }
        }
        // The same secret, the same lesson: the same key at every start (cookies survive a
        // restart); another secret, another key.
        assert!(lesson_key(&secret, 5) == lesson_key(&secret, 5));
        assert!(lesson_key(&Key::generate(), 5) != lesson_key(&secret, 5));
        let config = Config::for_tests(6);
        let others = config.keys_of_other_apps();
        assert_eq!(others.len(), 20, "SECRET_KEY itself and lessons 01-20 but 06");
        assert!(others.iter().all(|(_, key)| Some(key) != config.key()));
    }
}
