//! The cookie inspector: a panel on every page that shows the `Cookie` header exactly as the
//! server received it and, for the cookies the lesson declares, what the server could verify
//! or decrypt from them with its key. It reads the request only; it never changes a cookie.

use actix_web::HttpRequest;
use actix_web::http::header::COOKIE;
use cookie::{Cookie, CookieJar, Key};
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
    inspect_headers(cookie_headers(req), kinds, key, others)
}

/// The request's `Cookie` headers, as text.
pub(crate) fn cookie_headers(req: &HttpRequest) -> Vec<String> {
    req.headers()
        .get_all(COOKIE)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
        .collect()
}

/// The same, from `Cookie` headers taken from a request earlier.
pub(crate) fn inspect_headers(
    headers: Vec<String>,
    kinds: &[(&str, CookieKind)],
    key: Option<&Key>,
    others: &[(String, Key)],
) -> Report {
    if headers.is_empty() {
        return Report { header: None, cookies: Vec::new() };
    }
    let header = headers.join("; ");
    let cookies = header
        .split(';')
        .map(str::trim)
        .filter(|piece| !piece.is_empty())
        .map(|piece| report(piece, kinds, key, others))
        .collect();
    Report { header: Some(header), cookies }
}

fn report(
    piece: &str,
    kinds: &[(&str, CookieKind)],
    key: Option<&Key>,
    others: &[(String, Key)],
) -> CookieReport {
    let (name, raw) = piece.split_once('=').unwrap_or((piece, ""));
    let mut out = CookieReport {
        name: name.trim().to_string(),
        raw: raw.trim().to_string(),
        verdict: "malformed",
        detail: "The server cannot parse this cookie and ignores it.".into(),
    };
    // The same parsing actix-web does for `req.cookie(...)`: percent-decoding included.
    let Ok(cookie) = Cookie::parse_encoded(piece.to_string()) else {
        return out;
    };
    let cookie = cookie.into_owned();
    let kind = kinds.iter().find(|(n, _)| *n == cookie.name()).map(|(_, kind)| *kind);
    let (verdict, detail) = match (kind, key) {
        (None, _) => ("unknown", "This lesson does not use this cookie.".to_string()),
        (Some(CookieKind::Plain), _) => (
            "plain",
            format!("Plain cookie: the server believes whatever it says: {:?}", cookie.value()),
        ),
        (Some(CookieKind::Signed), Some(key)) => match verified(&cookie, key) {
            Some(ok) => (
                "verified",
                format!("Signature OK. The value (readable by anyone): {:?}", ok.value()),
            ),
            None => match made_by(&cookie, others, verified) {
                Some(app) => ("another-app", another_app(app)),
                None => (
                    "failed",
                    "Signature check failed: the cookie was changed or signed with another \
                         key. The server ignores it."
                        .to_string(),
                ),
            },
        },
        (Some(CookieKind::Private), Some(key)) => match decrypted(&cookie, key) {
            Some(ok) => ("decrypted", format!("Decrypted with the server's key: {}", ok.value())),
            None => match made_by(&cookie, others, decrypted) {
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
    out.verdict = verdict;
    out.detail = detail;
    out
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
}
