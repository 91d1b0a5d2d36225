//! The cookie inspector: a panel on every page that shows both halves of the exchange.
//!
//! - The request's: the `Cookie` header exactly as the server received it and, for the cookies
//!   the lesson declares, what the server could verify or decrypt from them with its key
//!   ([`inspect`]).
//! - The response's: every `Set-Cookie` header the response sends, the session middleware's
//!   included, each decoded the same way and with its attributes in words
//!   ([`inspect_set_cookies`]). The guard fills it in once the response is final.
//!
//! It only reads; it never changes a cookie or a header.

use actix_web::HttpRequest;
use actix_web::http::header::COOKIE;
use cookie::time::{Duration, OffsetDateTime};
use cookie::{Cookie, CookieJar, Key, SameSite};
use serde::Serialize;

/// How a lesson's cookie is protected, so the inspector knows how to read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CookieKind {
    /// Sent as it is: anyone can read it, and the client can change it at will.
    Plain,
    /// An HMAC signature in front of the value: readable by anyone, but a change is detected.
    Signed,
    /// Encrypted and authenticated (AES-GCM): neither readable nor changeable without the key.
    Private,
}

/// What the inspector shows, as the template sees it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Report {
    /// The `Cookie` header(s) as received, joined with `; `, or `None` when there was none.
    pub header: Option<String>,
    pub cookies: Vec<CookieReport>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CookieReport {
    pub name: String,
    /// The value as it arrived (still percent-encoded).
    pub raw: String,
    /// `plain`, `verified`, `decrypted`, `another-app`, `failed`, `unknown` or `malformed`.
    pub verdict: &'static str,
    /// A sentence for the student: what the server makes of this cookie.
    pub detail: String,
}

/// Builds the report for `req`. `others`: the keys other apps derive from the same
/// `SECRET_KEY` ([`crate::Config::keys_of_other_apps`]), tried only on a cookie that fails with
/// `key`, to tell "made by another app" from "changed".
pub fn inspect(
    req: &HttpRequest,
    kinds: &[(&str, CookieKind)],
    key: Option<&Key>,
    others: &[(String, Key)],
) -> Report {
    // actix-web keeps the cookies it parsed for the request (the session middleware asked for
    // them already): the inspector reads them instead of parsing every cookie a second time.
    let parsed = req.cookies().ok();
    inspect_headers(cookie_headers(req), parsed.as_deref().map(Vec::as_slice), kinds, key, others)
}

/// The request's `Cookie` headers, as text.
pub(crate) fn cookie_headers(req: &HttpRequest) -> Vec<String> {
    req.headers().get_all(COOKIE).map(|value| header_text(value.as_bytes())).collect()
}

/// A header's bytes as text, any byte that is not UTF-8 shown as `U+FFFD`: what
/// `String::from_utf8_lossy` gives. Checked with `str::from_utf8` first, which reads plain
/// ASCII (every cookie a browser sends) several bytes at a time; the lossy path looks at one
/// byte at a time, about 7 instructions each on a 140-byte cookie (callgrind).
pub(crate) fn header_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// The same, from `Cookie` headers taken from a request earlier. `parsed`: actix-web's
/// `req.cookies()` for them, if it could parse them all.
pub(crate) fn inspect_headers(
    headers: Vec<String>,
    parsed: Option<&[Cookie<'static>]>,
    kinds: &[(&str, CookieKind)],
    key: Option<&Key>,
    others: &[(String, Key)],
) -> Report {
    // One header (what browsers send) is the text as it is: no copy to join.
    let header = match <[String; 1]>::try_from(headers) {
        Ok([one]) => one,
        Err(headers) if headers.is_empty() => return Report { header: None, cookies: Vec::new() },
        Err(headers) => headers.join("; "),
    };
    let pieces: Vec<&str> =
        header.split(';').map(str::trim).filter(|piece| !piece.is_empty()).collect();
    // `req.cookies()` splits the headers the same way and parses each piece as `report` would
    // (`Cookie::parse_encoded`), failing as a whole if one piece fails: a list as long as
    // `pieces` is their parsed cookies, one for one.
    let parsed = parsed.filter(|parsed| parsed.len() == pieces.len());
    let cookies = pieces
        .iter()
        .enumerate()
        .map(|(at, piece)| {
            let parsed_here;
            let cookie = match parsed {
                Some(parsed) => Some(&parsed[at]),
                None => {
                    parsed_here = Cookie::parse_encoded(piece.to_string()).ok();
                    parsed_here.as_ref()
                }
            };
            report(piece, cookie, kinds, key, others)
        })
        .collect();
    Report { header: Some(header), cookies }
}

/// What the inspector says of one `name=value` piece of the header. `cookie`: the piece
/// parsed as actix-web does for `req.cookie(...)` (`Cookie::parse_encoded`, percent-decoding
/// included), `None` if it could not be.
fn report(
    piece: &str,
    cookie: Option<&Cookie<'static>>,
    kinds: &[(&str, CookieKind)],
    key: Option<&Key>,
    others: &[(String, Key)],
) -> CookieReport {
    let (name, raw) = piece.split_once('=').unwrap_or((piece, ""));
    let (name, raw) = (name.trim().to_string(), raw.trim().to_string());
    let Some(cookie) = cookie else {
        let detail = "The server cannot parse this cookie and ignores it.".into();
        return CookieReport { name, raw, verdict: "malformed", detail };
    };
    let kind = kinds.iter().find(|(n, _)| *n == cookie.name()).map(|(_, kind)| *kind);
    let (verdict, detail) = match (kind, key) {
        (None, _) => ("unknown", "This lesson does not use this cookie.".to_string()),
        (Some(CookieKind::Plain), _) => (
            "plain",
            format!("Plain cookie: the server believes whatever it says: {:?}", cookie.value()),
        ),
        (Some(CookieKind::Signed), Some(key)) => match verified(cookie, key) {
            Some(ok) => (
                "verified",
                format!("Signature OK. The value (readable by anyone): {:?}", ok.value()),
            ),
            None => match made_by(cookie, others, verified) {
                Some(app) => ("another-app", another_app(app)),
                None => (
                    "failed",
                    "Signature check failed: the cookie was changed or signed with another \
                         key. The server ignores it."
                        .to_string(),
                ),
            },
        },
        (Some(CookieKind::Private), Some(key)) => match decrypted(cookie, key) {
            Some(ok) => ("decrypted", format!("Decrypted with the server's key: {}", ok.value())),
            None => match made_by(cookie, others, decrypted) {
                Some(app) => ("another-app", another_app(app)),
                None => (
                    "failed",
                    "Decryption failed: the cookie was changed or encrypted with another key. \
                         The server ignores it."
                        .to_string(),
                ),
            },
        },
        (Some(_), None) => ("unknown", "The server has no key to check this cookie.".into()),
    };
    CookieReport { name, raw, verdict, detail }
}

/// What the inspector says of one `Set-Cookie` header of the response.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SetCookieReport {
    /// The header exactly as sent (a byte that is not UTF-8 shown as `U+FFFD`).
    pub header: String,
    pub name: String,
    /// `plain`, `verified`, `decrypted`, `removal`, `another-app`, `failed`, `unknown` or
    /// `malformed`.
    pub verdict: &'static str,
    /// A sentence for the student: what the browser is asked to keep.
    pub detail: String,
    /// Each attribute in words, the cookie's lifetime first: "HttpOnly: JavaScript cannot
    /// read it", "no Max-Age or Expires: gone when the browser closes".
    pub attributes: Vec<String>,
}

/// Reports the `Set-Cookie` headers `headers` (their bytes, as sent), in order. `now`: the
/// site's clock, to tell an `Expires` in the past (a removal) from one in the future.
pub fn inspect_set_cookies<'a>(
    headers: impl IntoIterator<Item = &'a [u8]>,
    kinds: &[(&str, CookieKind)],
    key: Option<&Key>,
    others: &[(String, Key)],
    now: OffsetDateTime,
) -> Vec<SetCookieReport> {
    headers
        .into_iter()
        .map(|bytes| set_cookie_report(header_text(bytes), kinds, key, others, now))
        .collect()
}

fn set_cookie_report(
    header: String,
    kinds: &[(&str, CookieKind)],
    key: Option<&Key>,
    others: &[(String, Key)],
    now: OffsetDateTime,
) -> SetCookieReport {
    // Parsed as the browser will send it back and actix-web will read it: percent-decoded.
    let Ok(cookie) = Cookie::parse_encoded(header.clone()) else {
        let pair = header.split(';').next().unwrap_or("");
        let name = pair.split_once('=').map_or(pair, |(name, _)| name).trim().to_string();
        let detail = "The browser cannot parse this header and ignores it.".to_string();
        return SetCookieReport {
            header,
            name,
            verdict: "malformed",
            detail,
            attributes: Vec::new(),
        };
    };
    let name = cookie.name().to_string();
    let (verdict, detail) = set_cookie_verdict(&cookie, kinds, key, others, now);
    let attributes = attributes_in_words(&header, &cookie, now);
    SetCookieReport { header, name, verdict, detail, attributes }
}

/// What the browser is asked to keep: a removal, or the value as the lesson's kind reads it.
fn set_cookie_verdict(
    cookie: &Cookie<'static>,
    kinds: &[(&str, CookieKind)],
    key: Option<&Key>,
    others: &[(String, Key)],
    now: OffsetDateTime,
) -> (&'static str, String) {
    if is_removal(cookie, now) {
        let detail = format!("A removal: the browser deletes its {:?} cookie.", cookie.name());
        return ("removal", detail);
    }
    let kind = kinds.iter().find(|(n, _)| *n == cookie.name()).map(|(_, kind)| *kind);
    let not_ours = |what: &str| match made_by(cookie, others, |c, k| open(c, k, kind)) {
        Some(app) => (
            "another-app",
            format!(
                "Made by another app: {app}, {what} with its key. This lesson will not accept it \
                 back."
            ),
        ),
        None => (
            "failed",
            format!("Not {what} with this lesson's key: the server will not accept it back."),
        ),
    };
    match (kind, key) {
        (None, _) => (
            "unknown",
            format!(
                "This lesson does not declare this cookie, so the inspector cannot say how it \
                 is protected. Its value: {:?}",
                cookie.value()
            ),
        ),
        (Some(CookieKind::Plain), _) => (
            "plain",
            format!(
                "Plain cookie: the browser keeps {:?} as it is; its user can read and change it.",
                cookie.value()
            ),
        ),
        (Some(CookieKind::Signed), Some(key)) => match verified(cookie, key) {
            Some(ok) => (
                "verified",
                format!(
                    "Signed with the server's key: the browser keeps {:?}, readable by anyone; \
                     a change will be detected.",
                    ok.value()
                ),
            ),
            None => not_ours("signed"),
        },
        (Some(CookieKind::Private), Some(key)) => match decrypted(cookie, key) {
            Some(ok) => (
                "decrypted",
                format!(
                    "Encrypted with the server's key; decrypted: {}. The browser holds only \
                     the ciphertext.",
                    ok.value()
                ),
            ),
            None => not_ours("encrypted"),
        },
        (Some(_), None) => ("unknown", "The server has no key to read this cookie.".into()),
    }
}

/// Verifies or decrypts, as `kind` says.
fn open(cookie: &Cookie<'static>, key: &Key, kind: Option<CookieKind>) -> Option<Cookie<'static>> {
    match kind {
        Some(CookieKind::Signed) => verified(cookie, key),
        Some(CookieKind::Private) => decrypted(cookie, key),
        _ => None,
    }
}

/// A removal: `Max-Age` of zero (a negative one parses as zero), or, without `Max-Age`, an
/// `Expires` at or before `now`. The test kit's browser decides the same way.
fn is_removal(cookie: &Cookie<'_>, now: OffsetDateTime) -> bool {
    match (cookie.max_age(), cookie.expires_datetime()) {
        (Some(age), _) => age <= Duration::ZERO,
        (None, Some(at)) => at <= now,
        (None, None) => false,
    }
}

/// The attributes of a `Set-Cookie`, each in words; `header`: the text they were parsed from
/// (an `Expires` is shown as it was written).
fn attributes_in_words(header: &str, cookie: &Cookie<'_>, now: OffsetDateTime) -> Vec<String> {
    let mut words = Vec::with_capacity(6);
    let expires = attribute(header, "expires");
    match (cookie.max_age(), cookie.expires_datetime()) {
        (Some(age), _) if age <= Duration::ZERO => {
            words.push(format!("Max-Age {}: the browser deletes it at once", age.whole_seconds()));
        }
        (Some(age), _) => words.push(format!(
            "Max-Age {}: the browser keeps it {}",
            age.whole_seconds(),
            duration_in_words(age.whole_seconds())
        )),
        (None, Some(at)) if at <= now => words.push(format!(
            "Expires {}, in the past: the browser deletes it at once",
            expires.unwrap_or("")
        )),
        (None, Some(at)) => words.push(format!(
            "Expires {}: the browser keeps it until then, {} from now",
            expires.unwrap_or(""),
            duration_in_words((at - now).whole_seconds())
        )),
        (None, None) => {
            words.push("no Max-Age or Expires: gone when the browser closes".to_string());
        }
    }
    match (expires, cookie.max_age(), cookie.expires_datetime()) {
        (Some(text), Some(_), Some(_)) => words.push(format!(
            "Expires {text}: for browsers too old for Max-Age; the others go by Max-Age"
        )),
        (Some(text), _, None) => {
            words.push(format!("Expires {text}: not a date the browser can read; ignored"));
        }
        _ => {}
    }
    words.push(match cookie.path() {
        Some("/") => "Path=/: every page of the site".to_string(),
        Some(path) => format!("Path={path}: only pages under {path}"),
        None => "no Path: only pages in the folder of this page's address".to_string(),
    });
    if let Some(domain) = cookie.domain() {
        words.push(format!("Domain={domain}: that host and its subdomains"));
    }
    words.push(
        match cookie.http_only() {
            Some(true) => "HttpOnly: JavaScript cannot read it",
            _ => "no HttpOnly: JavaScript on the page can read it",
        }
        .to_string(),
    );
    words.push(
        match cookie.secure() {
            Some(true) => "Secure: only over HTTPS",
            _ => "no Secure: sent over plain HTTP too",
        }
        .to_string(),
    );
    words.push(
        match cookie.same_site() {
            Some(SameSite::Lax) => "SameSite=Lax: not sent with other sites' POSTs",
            Some(SameSite::Strict) => {
                "SameSite=Strict: not sent with any request another site starts"
            }
            Some(SameSite::None) => "SameSite=None: sent with other sites' requests too",
            None => "no SameSite: the browser decides (most treat it as Lax)",
        }
        .to_string(),
    );
    words
}

/// The value of the attribute `name` (`Expires`, any case) as written in a `Set-Cookie`.
fn attribute<'h>(header: &'h str, name: &str) -> Option<&'h str> {
    header
        .split(';')
        .skip(1)
        .filter_map(|piece| piece.split_once('='))
        .find(|(found, _)| found.trim().eq_ignore_ascii_case(name))
        .map(|(_, value)| value.trim())
}

/// `300` is "5 minutes", `90` "1 minute 30 seconds", `1209600` "14 days".
fn duration_in_words(seconds: i64) -> String {
    const UNITS: [(i64, &str); 4] =
        [(86_400, "day"), (3_600, "hour"), (60, "minute"), (1, "second")];
    let mut left = seconds.max(0);
    let mut parts = Vec::new();
    for (size, unit) in UNITS {
        let count = left / size;
        left %= size;
        if count > 0 {
            parts.push(format!("{count} {unit}{}", if count == 1 { "" } else { "s" }));
        }
    }
    if parts.is_empty() { "0 seconds".to_string() } else { parts.join(" ") }
}

/// Which of `others` made `cookie`, if one did: `open` verifies or decrypts with a key.
fn made_by<'a>(
    cookie: &Cookie<'static>,
    others: &'a [(String, Key)],
    open: impl Fn(&Cookie<'static>, &Key) -> Option<Cookie<'static>>,
) -> Option<&'a str> {
    others.iter().find(|(_, key)| open(cookie, key).is_some()).map(|(app, _)| app.as_str())
}

fn another_app(app: &str) -> String {
    format!(
        "Made by another app: {app}, with a key derived from the same SECRET_KEY. Browsers send \
         a cookie to every port of a host, so other lessons' cookies arrive here too. This \
         lesson's key is its own, so the server ignores it."
    )
}

/// The cookie, its signature checked with `key`: the check `jar.signed(key).get(name)` makes,
/// without first copying the cookie into a jar (an empty jar has nothing to copy).
fn verified(cookie: &Cookie<'static>, key: &Key) -> Option<Cookie<'static>> {
    CookieJar::new().signed(key).verify(cookie.clone())
}

/// The cookie, decrypted with `key`: the same, for `jar.private(key).get(name)`.
fn decrypted(cookie: &Cookie<'static>, key: &Key) -> Option<Cookie<'static>> {
    CookieJar::new().private(key).decrypt(cookie.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    const KINDS: &[(&str, CookieKind)] =
        &[("user", CookieKind::Plain), ("signed", CookieKind::Signed)];

    #[test]
    fn no_cookie_header_means_an_empty_report() {
        let req = TestRequest::default().to_http_request();
        assert_eq!(inspect(&req, KINDS, None, &[]), Report { header: None, cookies: vec![] });
    }

    #[test]
    fn the_header_is_shown_exactly_as_received() {
        let req = TestRequest::default()
            .insert_header((COOKIE, "user=al%20ice;  other=1"))
            .to_http_request();
        let report = inspect(&req, KINDS, None, &[]);
        assert_eq!(report.header.as_deref(), Some("user=al%20ice;  other=1"));
        assert_eq!(report.cookies[0].raw, "al%20ice");
        assert_eq!(report.cookies[0].verdict, "plain");
        assert!(report.cookies[0].detail.contains("\"al ice\""));
        assert_eq!(report.cookies[1].verdict, "unknown");
    }

    #[test]
    fn the_cookies_actix_parsed_give_the_same_report_as_parsing_the_header_again() {
        let key = Key::generate();
        let mut jar = CookieJar::new();
        jar.signed_mut(&key).add(Cookie::new("signed", "al ice"));
        let signed = jar.delta().next().unwrap().encoded().to_string();
        let headers = [
            format!("user=al%20ice; {signed};other=1"),
            "user=%E9%ff; ;signed=x".to_string(),
            "=; user".to_string(),
            // A piece that is not a cookie: actix-web's parsing fails for the whole header.
            "user=1; no-equals-sign".to_string(),
        ];
        for header in headers {
            let req =
                TestRequest::default().insert_header((COOKIE, header.as_str())).to_http_request();
            let again = inspect_headers(vec![header.clone()], None, KINDS, Some(&key), &[]);
            assert_eq!(inspect(&req, KINDS, Some(&key), &[]), again, "{header}");
        }
    }

    #[test]
    fn a_signed_cookie_is_verified_and_a_changed_one_fails() {
        let key = Key::generate();
        let mut jar = CookieJar::new();
        jar.signed_mut(&key).add(Cookie::new("signed", "alice"));
        let good = jar.delta().next().unwrap().value().to_string();
        let bad = good.replace("alice", "admin");
        for (value, verdict) in [(good, "verified"), (bad, "failed")] {
            let req = TestRequest::default()
                .insert_header((COOKIE, format!("signed={value}")))
                .to_http_request();
            assert_eq!(inspect(&req, KINDS, Some(&key), &[]).cookies[0].verdict, verdict);
        }
    }

    #[test]
    fn a_cookie_made_by_another_lesson_with_the_same_secret_key_says_so() {
        let config = crate::Config::for_tests(6);
        let others = config.keys_of_other_apps();
        let lesson_05 = &others.iter().find(|(app, _)| app == "lesson 05").unwrap().1;
        let mut jar = CookieJar::new();
        jar.signed_mut(lesson_05).add(Cookie::new("signed", "alice"));
        let value = jar.delta().next().unwrap().value().to_string();
        let req = TestRequest::default()
            .insert_header((COOKIE, format!("signed={value}")))
            .to_http_request();
        let report = inspect(&req, KINDS, config.key(), &others);
        assert_eq!(report.cookies[0].verdict, "another-app");
        assert!(report.cookies[0].detail.contains("lesson 05"), "{}", report.cookies[0].detail);
        // Without the list (or with a changed value), it is simply a failed check.
        assert_eq!(inspect(&req, KINDS, config.key(), &[]).cookies[0].verdict, "failed");
    }

    // The response half: what each `Set-Cookie` asks the browser to keep.

    /// The report for one `Set-Cookie` header, at `NOW`.
    fn set_cookie(header: &str, key: Option<&Key>, others: &[(String, Key)]) -> SetCookieReport {
        const KINDS: &[(&str, CookieKind)] = &[
            ("user", CookieKind::Plain),
            ("signed", CookieKind::Signed),
            ("session", CookieKind::Private),
        ];
        let mut reports = inspect_set_cookies([header.as_bytes()], KINDS, key, others, now());
        reports.pop().unwrap()
    }

    fn now() -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_750_000_000).unwrap()
    }

    /// The `Set-Cookie` header the cookie crate writes for `cookie` sealed with `key`.
    fn sealed(cookie: Cookie<'static>, key: &Key, private: bool) -> String {
        let mut jar = CookieJar::new();
        if private {
            jar.private_mut(key).add(cookie);
        } else {
            jar.signed_mut(key).add(cookie);
        }
        jar.delta().next().unwrap().encoded().to_string()
    }

    #[test]
    fn a_plain_cookie_shows_the_value_the_browser_keeps_and_each_attribute_in_words() {
        let report = set_cookie("user=al%20ice; HttpOnly; SameSite=Lax; Path=/", None, &[]);
        assert_eq!(report.header, "user=al%20ice; HttpOnly; SameSite=Lax; Path=/");
        assert_eq!((report.name.as_str(), report.verdict), ("user", "plain"));
        assert!(report.detail.contains("keeps \"al ice\""), "{}", report.detail);
        assert_eq!(
            report.attributes,
            [
                "no Max-Age or Expires: gone when the browser closes",
                "Path=/: every page of the site",
                "HttpOnly: JavaScript cannot read it",
                "no Secure: sent over plain HTTP too",
                "SameSite=Lax: not sent with other sites' POSTs",
            ]
        );
    }

    #[test]
    fn the_other_attributes_in_words() {
        let report = set_cookie(
            "user=x; Max-Age=300; Path=/admin; Domain=example.com; Secure; SameSite=Strict",
            None,
            &[],
        );
        assert_eq!(
            report.attributes,
            [
                "Max-Age 300: the browser keeps it 5 minutes",
                "Path=/admin: only pages under /admin",
                "Domain=example.com: that host and its subdomains",
                "no HttpOnly: JavaScript on the page can read it",
                "Secure: only over HTTPS",
                "SameSite=Strict: not sent with any request another site starts",
            ]
        );
        let report = set_cookie("user=x; SameSite=None; Secure", None, &[]);
        assert!(
            report
                .attributes
                .contains(&"no Path: only pages in the folder of this page's address".into())
        );
        assert!(
            report
                .attributes
                .contains(&"SameSite=None: sent with other sites' requests too".into())
        );
        let report = set_cookie("user=x", None, &[]);
        assert!(
            report
                .attributes
                .contains(&"no SameSite: the browser decides (most treat it as Lax)".into())
        );
    }

    #[test]
    fn an_expires_in_the_future_says_until_when_and_one_next_to_max_age_defers_to_it() {
        // `now()` is Sun, 15 Jun 2025 15:06:40 GMT.
        let report = set_cookie("user=x; Expires=Sun, 15 Jun 2025 16:07:40 GMT", None, &[]);
        assert_eq!(report.verdict, "plain");
        assert_eq!(
            report.attributes[0],
            "Expires Sun, 15 Jun 2025 16:07:40 GMT: the browser keeps it until then, 1 hour 1 \
             minute from now"
        );
        let report =
            set_cookie("user=x; Max-Age=1209600; Expires=Sun, 29 Jun 2025 15:06:40 GMT", None, &[]);
        assert_eq!(report.attributes[0], "Max-Age 1209600: the browser keeps it 14 days");
        assert_eq!(
            report.attributes[1],
            "Expires Sun, 29 Jun 2025 15:06:40 GMT: for browsers too old for Max-Age; the others \
             go by Max-Age"
        );
        let report = set_cookie("user=x; Expires=next tuesday", None, &[]);
        assert_eq!(report.attributes[0], "no Max-Age or Expires: gone when the browser closes");
        assert_eq!(
            report.attributes[1],
            "Expires next tuesday: not a date the browser can read; ignored"
        );
    }

    #[test]
    fn a_removal_is_max_age_zero_or_an_expires_in_the_past() {
        // What `Cookie::make_removal` writes (lesson 01's /delete_cookie, a logout).
        let mut removal = Cookie::build("user", "").path("/").finish();
        removal.make_removal();
        let report = set_cookie(&removal.to_string(), None, &[]);
        assert_eq!(report.verdict, "removal");
        assert_eq!(report.detail, "A removal: the browser deletes its \"user\" cookie.");
        assert_eq!(report.attributes[0], "Max-Age 0: the browser deletes it at once");
        assert!(report.attributes[1].ends_with("the others go by Max-Age"), "{:?}", report);

        for header in ["user=; Expires=Thu, 01 Jan 1970 00:00:00 GMT", "session=x; Max-Age=-1"] {
            assert_eq!(set_cookie(header, None, &[]).verdict, "removal", "{header}");
        }
        let report = set_cookie("user=; Expires=Thu, 01 Jan 1970 00:00:00 GMT", None, &[]);
        assert_eq!(
            report.attributes[0],
            "Expires Thu, 01 Jan 1970 00:00:00 GMT, in the past: the browser deletes it at once"
        );
    }

    #[test]
    fn a_signed_cookie_is_shown_verified_with_its_readable_value() {
        let key = Key::generate();
        let header = sealed(Cookie::build("signed", "alice").path("/").finish(), &key, false);
        let report = set_cookie(&header, Some(&key), &[]);
        assert_eq!(report.verdict, "verified");
        assert!(report.detail.contains("the browser keeps \"alice\", readable by anyone"));
        // Signed with some other key: the server will not take it back.
        let report = set_cookie(&header, Some(&Key::generate()), &[]);
        assert_eq!(report.verdict, "failed");
        assert!(
            report.detail.starts_with("Not signed with this lesson's key"),
            "{}",
            report.detail
        );
    }

    #[test]
    fn a_private_cookie_is_shown_decrypted_with_the_lessons_key() {
        let key = Key::generate();
        let session = Cookie::build("session", r#"{"username":"\"alice\""}"#).path("/").finish();
        let header = sealed(session, &key, true);
        assert!(!header.contains("alice"), "ciphertext: {header}");
        let report = set_cookie(&header, Some(&key), &[]);
        assert_eq!(report.verdict, "decrypted");
        assert_eq!(
            report.detail,
            r#"Encrypted with the server's key; decrypted: {"username":"\"alice\""}. The browser holds only the ciphertext."#
        );
        assert_eq!(set_cookie(&header, Some(&Key::generate()), &[]).verdict, "failed");
        let others = [("lesson 05".to_string(), key.clone())];
        let report = set_cookie(&header, Some(&Key::generate()), &others);
        assert_eq!(report.verdict, "another-app");
        assert!(report.detail.contains("lesson 05"), "{}", report.detail);
        // A lesson with a private cookie always has a key; without one, the inspector says so.
        assert_eq!(set_cookie(&header, None, &[]).verdict, "unknown");
    }

    #[test]
    fn a_cookie_the_lesson_does_not_declare_is_unknown_and_its_value_still_shown() {
        let report = set_cookie("theme=dark; Path=/", None, &[]);
        assert_eq!((report.name.as_str(), report.verdict), ("theme", "unknown"));
        assert!(report.detail.ends_with("Its value: \"dark\""), "{}", report.detail);
        assert_eq!(report.attributes[1], "Path=/: every page of the site");
    }

    #[test]
    fn a_header_the_browser_cannot_parse_is_malformed_and_shown_as_sent() {
        for (header, name) in [("no-equals-sign; Path=/", "no-equals-sign"), ("=x; Path=/", "")] {
            let report = set_cookie(header, None, &[]);
            assert_eq!(report.verdict, "malformed", "{header}");
            assert_eq!((report.header.as_str(), report.name.as_str()), (header, name));
            assert!(report.attributes.is_empty());
        }
        // Bytes that are not UTF-8 are shown as U+FFFD, never a panic.
        let reports = inspect_set_cookies([&b"user=\xff\xfe"[..]], KINDS, None, &[], now());
        assert_eq!(reports[0].header, "user=\u{fffd}\u{fffd}");
    }

    #[test]
    fn durations_in_words() {
        let cases = [
            (0, "0 seconds"),
            (1, "1 second"),
            (90, "1 minute 30 seconds"),
            (300, "5 minutes"),
            (3_600, "1 hour"),
            (90_061, "1 day 1 hour 1 minute 1 second"),
            (1_209_600, "14 days"),
            (-5, "0 seconds"),
        ];
        for (seconds, words) in cases {
            assert_eq!(duration_in_words(seconds), words, "{seconds}");
        }
    }
}
