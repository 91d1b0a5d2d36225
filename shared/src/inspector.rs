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
}
