//! A browser, as far as cookies go: HTTP/1.1 over a `TcpStream`, a cookie jar that keeps what
//! `Set-Cookie` says (path, `Max-Age`, `Expires`, removals) and sends back what matches, and a
//! record of every exchange. It follows no redirect by itself: a scenario says `follow`.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// One request and its response, as the browser saw them: what the diagrams and a failing
/// scenario's report show.
#[derive(Clone, Debug)]
pub struct Exchange {
    /// Which browser of the scenario sent it: 1 for its first `visit.browser()`, 2 for the
    /// second, ... (a sequence diagram gives each its own lifeline).
    pub browser: usize,
    /// How far the scenario had moved the clock (`Visit::advance`) when it was sent, in seconds.
    pub clock: i64,
    pub method: String,
    pub path: String,
    /// The `Cookie` header the request carried, if any.
    pub cookie: Option<String>,
    /// The form fields sent (names and values), if any.
    pub form: Vec<(String, String)>,
    /// Other request headers a scenario set (`Authorization`, `Origin`, ...).
    pub headers: Vec<(String, String)>,
    pub status: u16,
    pub location: Option<String>,
    pub set_cookies: Vec<String>,
}

/// A response: status, headers (names in lower case, in order, repeated ones kept) and body.
#[derive(Clone, Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    /// The first header of that name (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }

    /// Every header of that name (any case).
    pub fn headers(&self, name: &str) -> Vec<&str> {
        let name = name.to_ascii_lowercase();
        self.headers.iter().filter(|(n, _)| *n == name).map(|(_, v)| v.as_str()).collect()
    }

    /// The redirect's target, as a path when it points at the same server (Werkzeug writes
    /// relative `Location`s, actix-web what the handler gave: both come out as `/path`).
    pub fn location(&self) -> Option<String> {
        self.header("location").map(|l| strip_origin(l).to_string())
    }

    /// Every `Set-Cookie` of the response, parsed.
    pub fn set_cookies(&self) -> Vec<SetCookie> {
        self.headers("set-cookie").into_iter().map(SetCookie::parse).collect()
    }

    /// The `Set-Cookie` for this cookie name, if the response sends one.
    pub fn set_cookie(&self, name: &str) -> Option<SetCookie> {
        self.set_cookies().into_iter().find(|c| c.name == name)
    }

    /// Whether the body contains the text (a plain substring test, on the HTML as sent).
    pub fn says(&self, text: &str) -> bool {
        self.body.contains(text)
    }

    /// Is it a redirect (301, 302, 303, 307, 308) to this path (query included)?
    pub fn redirects_to(&self, path: &str) -> bool {
        matches!(self.status, 301 | 302 | 303 | 307 | 308)
            && self.location().as_deref() == Some(path)
    }

    /// Is it a redirect whose target starts with this path (a `?next=...` may follow)?
    pub fn redirects_to_start_of(&self, path: &str) -> bool {
        matches!(self.status, 301 | 302 | 303 | 307 | 308)
            && self.location().is_some_and(|l| l.starts_with(path))
    }
}

fn strip_origin(location: &str) -> &str {
    match location.strip_prefix("http://") {
        Some(rest) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => location,
    }
}

/// One `Set-Cookie` header, split into its parts. Attribute names in lower case.
#[derive(Clone, Debug, PartialEq)]
pub struct SetCookie {
    pub name: String,
    pub value: String,
    /// `(name, value)`: `("httponly", "")`, `("max-age", "300")`, `("samesite", "Lax")`, ...
    pub attributes: Vec<(String, String)>,
    /// The header as sent.
    pub raw: String,
}

impl SetCookie {
    pub fn parse(header: &str) -> SetCookie {
        let mut parts = header.split(';');
        let pair = parts.next().unwrap_or_default();
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let attributes = parts
            .map(|part| {
                let (n, v) = part.split_once('=').unwrap_or((part, ""));
                (n.trim().to_ascii_lowercase(), v.trim().to_string())
            })
            .collect();
        SetCookie {
            name: name.trim().to_string(),
            // Quotes and all, as a browser keeps it (Werkzeug quotes some values).
            value: value.trim().to_string(),
            attributes,
            raw: header.to_string(),
        }
    }

    /// The attribute's value (`Some("")` for a flag such as `HttpOnly`), any case.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.attributes.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }

    pub fn has(&self, flag: &str) -> bool {
        self.attribute(flag).is_some()
    }

    pub fn max_age(&self) -> Option<i64> {
        self.attribute("max-age").and_then(|v| v.parse().ok())
    }

    /// `Expires`, in seconds since 1970, when it parses as an HTTP date.
    pub fn expires(&self) -> Option<i64> {
        self.attribute("expires").and_then(http_date)
    }

    /// Does this header tell the browser to forget the cookie (`Max-Age=0` or an `Expires`
    /// in the past, as of `now`)?
    pub fn is_removal_at(&self, now: i64) -> bool {
        match self.max_age() {
            Some(age) => age <= 0,
            None => self.expires().is_some_and(|at| at <= now),
        }
    }

    /// How long the browser keeps it, in seconds from `now`: `None` for a cookie that lasts
    /// until the browser closes (no `Max-Age`, no `Expires`).
    pub fn lifetime_at(&self, now: i64) -> Option<i64> {
        self.max_age().or_else(|| self.expires().map(|at| at - now))
    }
}

/// `Thu, 01 Jan 1970 00:00:00 GMT` (and the `-` separated form some servers write) to seconds
/// since 1970.
pub fn http_date(text: &str) -> Option<i64> {
    let text = text.trim().replace('-', " ");
    let mut words = text.split_whitespace();
    let _weekday = words.next()?;
    let day: i64 = words.next()?.parse().ok()?;
    let month = match words.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let mut year: i64 = words.next()?.parse().ok()?;
    if year < 100 {
        year += if year < 70 { 2000 } else { 1900 };
    }
    let mut clock = words.next()?.split(':').map(|n| n.parse::<i64>().ok());
    let (h, m, s) = (clock.next()??, clock.next()??, clock.next()??);
    Some(days_from_civil(year, month, day) * 86_400 + h * 3600 + m * 60 + s)
}

/// Days since 1970-01-01 of a date in the proleptic Gregorian calendar (Howard Hinnant's).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A cookie the jar keeps.
#[derive(Clone, Debug)]
struct Kept {
    value: String,
    path: String,
    /// Seconds since 1970 when the browser forgets it; `None`: when the browser closes.
    expires: Option<i64>,
    http_only: bool,
    same_site: Option<String>,
}

/// A cookie in the jar, as a browser's developer tools list it: what the screenshot tool
/// (`just screenshots`) copies into a real browser.
#[derive(Clone, Debug, PartialEq)]
pub struct JarCookie {
    pub name: String,
    pub value: String,
    pub path: String,
    /// Seconds since 1970 when the browser forgets it; `None`: when the browser closes.
    pub expires: Option<i64>,
    pub http_only: bool,
    /// `Lax`, `Strict` or `None`, as the `Set-Cookie` said; `None` when it said nothing.
    pub same_site: Option<String>,
}

/// What the server and every client of one scenario share: the clock offset (`Visit::advance`
/// moves both) and the record of exchanges.
#[derive(Clone, Default)]
pub struct Shared {
    pub offset: Arc<Mutex<i64>>,
    pub exchanges: Arc<Mutex<Vec<Exchange>>>,
    /// How many browsers the scenario has made.
    pub browsers: Arc<Mutex<usize>>,
}

impl Shared {
    pub fn now(&self) -> i64 {
        let real = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
        real + *self.offset.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A browser: one cookie jar, talking to one server.
pub struct Client {
    base: String,
    /// Which browser of the scenario this is (1, 2, ...).
    browser: usize,
    jar: BTreeMap<String, Kept>,
    shared: Shared,
    /// Sent with every request: a browser always says who it is (session protection, from
    /// lesson 09, reads it).
    pub user_agent: String,
}

impl Client {
    pub fn new(base: &str, shared: Shared) -> Client {
        let browser = {
            let mut made = shared.browsers.lock().unwrap_or_else(|e| e.into_inner());
            *made += 1;
            *made
        };
        Client {
            base: base.trim_end_matches('/').to_string(),
            browser,
            jar: BTreeMap::new(),
            shared,
            user_agent: "blackbox (a scenario's browser)".into(),
        }
    }

    pub fn get(&mut self, path: &str) -> Response {
        self.request("GET", path, &[], &[])
    }

    /// A form post (`application/x-www-form-urlencoded`).
    pub fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Response {
        self.request("POST", path, form, &[])
    }

    /// GET the redirect's target, as a browser would.
    pub fn follow(&mut self, response: &Response) -> Response {
        let location = response.location().unwrap_or_else(|| {
            panic!("expected a redirect, got {} without Location", response.status)
        });
        self.get(&location)
    }

    /// Another browser on the same server and clock, with an empty cookie jar.
    pub fn another(&self) -> Client {
        Client::new(&self.base, self.shared.clone())
    }

    /// Every cookie the jar keeps (the expired ones left out), in the order it sends them.
    pub fn cookies(&self) -> Vec<JarCookie> {
        let now = self.shared.now();
        self.jar
            .iter()
            .filter(|(_, kept)| kept.expires.is_none_or(|at| at > now))
            .map(|(name, kept)| JarCookie {
                name: name.clone(),
                value: kept.value.clone(),
                path: kept.path.clone(),
                expires: kept.expires,
                http_only: kept.http_only,
                same_site: kept.same_site.clone(),
            })
            .collect()
    }

    /// The value the jar would send for this cookie name on `/`, if it keeps one.
    pub fn cookie(&self, name: &str) -> Option<String> {
        let now = self.shared.now();
        self.jar.get(name).filter(|k| k.expires.is_none_or(|at| at > now)).map(|k| k.value.clone())
    }

    /// Put a cookie in the jar by hand (what a user can do in the developer tools), or change
    /// the one there.
    pub fn set_cookie(&mut self, name: &str, value: &str) {
        let kept = Kept {
            value: value.into(),
            path: "/".into(),
            expires: None,
            http_only: false,
            same_site: None,
        };
        self.jar.insert(name.into(), kept);
    }

    /// Forget one cookie, or (`None`) every cookie that lasts until the browser closes: what
    /// closing and reopening the browser does.
    pub fn forget(&mut self, name: Option<&str>) {
        match name {
            Some(name) => {
                self.jar.remove(name);
            }
            None => self.jar.retain(|_, kept| kept.expires.is_some()),
        }
    }

    /// Any request. `form` is sent as a form body when not empty; `headers` as they are.
    pub fn request(
        &mut self,
        method: &str,
        path: &str,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Response {
        let cookie = self.cookie_header(path);
        let body = encode_form(form);
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nUser-Agent: {}\r\n",
            self.base.trim_start_matches("http://"),
            self.user_agent
        );
        if let Some(cookie) = &cookie {
            head.push_str(&format!("Cookie: {cookie}\r\n"));
        }
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        // A browser's form post says it is one even with no field in it (an unticked box).
        let typed = headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("content-type"));
        if !form.is_empty() || (method == "POST" && !typed) {
            head.push_str("Content-Type: application/x-www-form-urlencoded\r\n");
        }
        if !form.is_empty() || method == "POST" {
            head.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        head.push_str("\r\n");
        let response = send(&self.base, head.as_bytes(), body.as_bytes())
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let now = self.shared.now();
        for header in response.headers("set-cookie") {
            self.keep(&SetCookie::parse(header), now);
        }
        let exchange = Exchange {
            browser: self.browser,
            clock: *self.shared.offset.lock().unwrap_or_else(|e| e.into_inner()),
            method: method.into(),
            path: path.into(),
            cookie,
            form: form.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect(),
            headers: headers.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect(),
            status: response.status,
            location: response.location(),
            set_cookies: response.headers("set-cookie").iter().map(|s| s.to_string()).collect(),
        };
        self.shared.exchanges.lock().unwrap_or_else(|e| e.into_inner()).push(exchange);
        response
    }

    fn keep(&mut self, cookie: &SetCookie, now: i64) {
        if cookie.is_removal_at(now) {
            self.jar.remove(&cookie.name);
            return;
        }
        let path = cookie.attribute("path").unwrap_or("/").to_string();
        let expires = cookie.lifetime_at(now).map(|seconds| now + seconds);
        let kept = Kept {
            value: cookie.value.clone(),
            path,
            expires,
            http_only: cookie.has("httponly"),
            same_site: cookie.attribute("samesite").map(str::to_string),
        };
        self.jar.insert(cookie.name.clone(), kept);
    }

    fn cookie_header(&mut self, path: &str) -> Option<String> {
        let now = self.shared.now();
        self.jar.retain(|_, kept| kept.expires.is_none_or(|at| at > now));
        let path = path.split('?').next().unwrap_or("/");
        let pairs: Vec<String> = self
            .jar
            .iter()
            .filter(|(_, kept)| path_matches(&kept.path, path))
            .map(|(name, kept)| format!("{name}={}", kept.value))
            .collect();
        (!pairs.is_empty()).then(|| pairs.join("; "))
    }
}

/// RFC 6265's path match: `/a` matches `/a`, `/a/` and `/a/b`, not `/ab`.
fn path_matches(cookie_path: &str, path: &str) -> bool {
    path == cookie_path
        || (path.starts_with(cookie_path)
            && (cookie_path.ends_with('/') || path[cookie_path.len()..].starts_with('/')))
}

/// `application/x-www-form-urlencoded`: letters, digits and `-._*` as they are, space as `+`,
/// every other byte as `%XX`.
pub fn encode_form(form: &[(&str, &str)]) -> String {
    let encode = |text: &str| -> String {
        text.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => {
                    char::from(b).to_string()
                }
                b' ' => "+".into(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    form.iter().map(|(n, v)| format!("{}={}", encode(n), encode(v))).collect::<Vec<_>>().join("&")
}

/// Percent-encode a path segment (for `/set_cookie/<name>` and `?next=`).
pub fn encode_component(text: &str) -> String {
    encode_form(&[("", text)]).trim_start_matches('=').replace('+', "%20")
}

fn send(base: &str, head: &[u8], body: &[u8]) -> Result<Response, String> {
    let address = base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).map_err(|e| format!("connect {address}: {e}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(30))).map_err(|e| e.to_string())?;
    // One write, head and body together, as one packet: a server that looks at the body only
    // if it has already arrived (Werkzeug draining an unread body) sees it.
    stream.write_all(&[head, body].concat()).map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).map_err(|e| format!("reading the response: {e}"))?;
    parse_response(&raw)
}

fn parse_response(raw: &[u8]) -> Result<Response, String> {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| format!("no end of headers in {:?}", String::from_utf8_lossy(raw)))?;
    let head = String::from_utf8_lossy(&raw[..end]);
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("bad status line {status_line:?}"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[end + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.to_ascii_lowercase().contains("chunked"));
    if chunked {
        body = dechunk(&body)?;
    }
    Ok(Response { status, headers, body: String::from_utf8_lossy(&body).into_owned() })
}

fn dechunk(mut data: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n").ok_or("bad chunk")?;
        let size_text = String::from_utf8_lossy(&data[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| format!("bad chunk size {size_text:?}"))?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Ok(out);
        }
        out.extend_from_slice(data.get(..size).ok_or("short chunk")?);
        data = data.get(size + 2..).ok_or("short chunk")?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_http_date_is_read_as_seconds_since_1970() {
        assert_eq!(http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(http_date("Sun, 06 Dec 2026 19:32:59 GMT"), Some(1_796_585_579));
        assert_eq!(http_date("Sun, 06-Dec-2026 19:32:59 GMT"), Some(1_796_585_579));
        assert_eq!(http_date("yesterday"), None);
    }

    #[test]
    fn a_set_cookie_header_is_split_into_its_parts() {
        let c = SetCookie::parse("id=abc; HttpOnly; SameSite=Lax; Path=/; Max-Age=300");
        assert_eq!((c.name.as_str(), c.value.as_str()), ("id", "abc"));
        assert!(c.has("httponly") && !c.has("secure"));
        assert_eq!(c.attribute("SameSite"), Some("Lax"));
        assert_eq!(c.max_age(), Some(300));
        assert!(!c.is_removal_at(0));
        assert!(SetCookie::parse("id=; Max-Age=0").is_removal_at(0));
        assert!(SetCookie::parse("id=; expires=Thu, 01 Jan 1970 00:00:00 GMT").is_removal_at(10));
    }

    #[test]
    fn the_jar_sends_a_cookie_only_under_its_path_and_until_it_expires() {
        let shared = Shared::default();
        let mut client = Client::new("http://127.0.0.1:1", shared.clone());
        let now = shared.now();
        client.keep(&SetCookie::parse("a=1; Path=/"), now);
        client.keep(&SetCookie::parse("b=2; Path=/api"), now);
        client.keep(&SetCookie::parse("c=3; Max-Age=60"), now);
        assert_eq!(client.cookie_header("/").as_deref(), Some("a=1; c=3"));
        assert_eq!(client.cookie_header("/api/x?y").as_deref(), Some("a=1; b=2; c=3"));
        assert_eq!(client.cookie_header("/apix").as_deref(), Some("a=1; c=3"));
        *shared.offset.lock().unwrap_or_else(|e| e.into_inner()) += 61;
        assert_eq!(client.cookie_header("/").as_deref(), Some("a=1"));
        client.keep(&SetCookie::parse("a=; Max-Age=0"), now);
        assert_eq!(client.cookie_header("/"), None);
    }

    #[test]
    fn a_chunked_body_is_put_back_together() {
        let raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
        let response = parse_response(raw).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(response.body, "abcde");
        assert_eq!(response.headers("Set-Cookie"), ["a=1", "b=2"]);
    }

    #[test]
    fn form_values_are_encoded_as_a_browser_does() {
        assert_eq!(encode_form(&[("username", "a b&c=d/é")]), "username=a+b%26c%3Dd%2F%C3%A9");
        assert_eq!(encode_component("a b/<"), "a%20b%2F%3C");
    }
}
