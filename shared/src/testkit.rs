//! The test kit: a lesson's app in-process, and a client that keeps cookies like a browser.
//!
//! ```ignore
//! #[actix_web::test]
//! async fn logging_in_sets_the_cookie() {
//!     let mut browser = TestClient::new(&LESSON, app).await;
//!     let res = browser.post("/login", &[("username", "alice")]).await;
//!     res.assert_redirect("/");
//!     res.set_cookie("username").assert_http_only().assert_path("/");
//!     assert!(browser.get("/").await.body().contains("alice"));
//! }
//! ```

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use actix_web::App;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderMap};
use actix_web::test::{self, TestRequest};
use actix_web::{Error, body::BoxBody};
use cookie::time::{Duration, OffsetDateTime};
use cookie::{Cookie, SameSite};

use crate::{Clock, Config, Lesson, Site};

pub mod bad_input;

/// What a lesson's `app` function returns an `App` of: the signature every lesson's `app` spells
/// out, under one name for the test kit.
pub trait AppFactory<B>:
    ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<B>,
        Error = Error,
        InitError = (),
    > + 'static
{
}

impl<B, T> AppFactory<B> for T where
    T: ServiceFactory<
            ServiceRequest,
            Config = (),
            Response = ServiceResponse<B>,
            Error = Error,
            InitError = (),
        > + 'static
{
}

/// Sends a request to the app: what was sent ("GET /admin", for messages) and the answer.
type Call = Box<dyn Fn(TestRequest) -> (String, CallFuture)>;
type CallFuture = Pin<Box<dyn Future<Output = Result<ServiceResponse<BoxBody>, Error>>>>;

/// A browser in a test: sends the cookies it was given back on every request, forgets a cookie
/// when its `Max-Age`/`Expires` has passed (by the site's clock), and forgets the cookies without
/// either when it "closes" ([`TestClient::restart`]).
pub struct TestClient {
    call: Call,
    site: Site,
    jar: BTreeMap<String, Stored>,
}

struct Stored {
    value: String,
    /// `None`: a browser-session cookie, gone when the browser closes.
    expires_at: Option<OffsetDateTime>,
}

impl TestClient {
    /// The lesson's app, as its `app` function builds it, with [`Config::for_tests`]: a fresh
    /// random key, default settings. `TestClient::new(&LESSON, app)`.
    pub async fn new<T, B>(lesson: &'static Lesson, app: impl FnOnce(Site) -> App<T>) -> TestClient
    where
        T: AppFactory<B>,
        B: MessageBody + 'static,
    {
        Self::with_config(lesson, Config::for_tests(lesson.number), app).await
    }

    /// The same with `config`, e.g. `Config::for_tests(4).with("SESSION_COOKIE_SECURE", "1")`.
    pub async fn with_config<T, B>(
        lesson: &'static Lesson,
        config: Config,
        app: impl FnOnce(Site) -> App<T>,
    ) -> TestClient
    where
        T: AppFactory<B>,
        B: MessageBody + 'static,
    {
        let site = Site::new(lesson, config).unwrap_or_else(|error| panic!("{error}"));
        Self::for_site(site, app).await
    }

    /// The same with `config` and a clock the test moves: `clock.advance(...)`.
    pub async fn with_clock<T, B>(
        lesson: &'static Lesson,
        config: Config,
        clock: Clock,
        app: impl FnOnce(Site) -> App<T>,
    ) -> TestClient
    where
        T: AppFactory<B>,
        B: MessageBody + 'static,
    {
        let site =
            Site::with_clock(lesson, config, clock).unwrap_or_else(|error| panic!("{error}"));
        Self::for_site(site, app).await
    }

    /// A client for the app `app` builds from `site`, as `main` does:
    /// `TestClient::for_site(site, app)`, or with what `main` opens before serving,
    /// `TestClient::for_site(site, |site| app(site, db.clone()))`. Two clients for one `site`
    /// share its key, like two browsers on one server.
    pub async fn for_site<T, B>(site: Site, app: impl FnOnce(Site) -> App<T>) -> TestClient
    where
        T: AppFactory<B>,
        B: MessageBody + 'static,
    {
        let app = Rc::new(test::init_service(app(site.clone())).await);
        let call: Call = Box::new(move |req: TestRequest| {
            let app = Rc::clone(&app);
            let req = req.to_request();
            let sent = format!("{} {}", req.method(), req.uri());
            let answer =
                async move { app.call(req).await.map(ServiceResponse::map_into_boxed_body) };
            (sent, Box::pin(answer) as CallFuture)
        });
        TestClient { call, site, jar: BTreeMap::new() }
    }

    pub fn site(&self) -> &Site {
        &self.site
    }

    pub async fn get(&mut self, path: &str) -> TestResponse {
        self.send(TestRequest::get().uri(path)).await
    }

    /// Posts `fields` as an HTML form does (`application/x-www-form-urlencoded`).
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        self.send(TestRequest::post().uri(path).set_form(fields)).await
    }

    /// Sends `req` with the cookies in the jar, then keeps what the response's `Set-Cookie`
    /// headers say, as a browser does.
    pub async fn send(&mut self, req: TestRequest) -> TestResponse {
        self.forget_expired();
        let req = if self.jar.is_empty() {
            req
        } else {
            req.insert_header((header::COOKIE, self.cookie_header()))
        };
        self.send_raw(req).await
    }

    /// Sends `req` as it is, without the jar's cookies (a hand-made `Cookie` header, say), and
    /// keeps what the response sets.
    pub async fn send_raw(&mut self, req: TestRequest) -> TestResponse {
        self.try_send_raw(req).await.unwrap_or_else(|error| panic!("{error}"))
    }

    /// [`TestClient::send_raw`], with an error from the app (which a server would answer with a
    /// bare 500) returned as `Err` instead of a panic.
    pub async fn try_send_raw(&mut self, req: TestRequest) -> Result<TestResponse, String> {
        let (sent, answer) = (self.call)(req);
        let res = match answer.await {
            Ok(res) => res,
            Err(error) => {
                // What a server would send for it: the error's own response (a bare 500, or the
                // page an `InternalError` carries).
                let res = error.error_response();
                let content_type = res.headers().get(header::CONTENT_TYPE);
                let content_type = content_type.and_then(|value| value.to_str().ok()).unwrap_or("");
                return Err(format!(
                    "{sent}: the app returned an error instead of a response: {error} ({}, {content_type})",
                    res.status()
                ));
            }
        };
        let status = res.status();
        let headers = res.headers().clone();
        let body = test::read_body(res).await;
        let body = String::from_utf8_lossy(&body).into_owned();
        for value in headers.get_all(header::SET_COOKIE) {
            let text = value.to_str().expect("Set-Cookie is ASCII");
            let cookie = Cookie::parse(text.to_string())
                .unwrap_or_else(|error| panic!("bad Set-Cookie {text:?}: {error}"));
            let now = self.site.clock().now();
            if is_removal(&cookie, now) {
                self.jar.remove(cookie.name());
            } else {
                let expires_at = match (cookie.max_age(), cookie.expires_datetime()) {
                    (Some(age), _) => Some(now + age),
                    (None, at) => at,
                };
                let stored = Stored { value: cookie.value().to_string(), expires_at };
                self.jar.insert(cookie.name().to_string(), stored);
            }
        }
        Ok(TestResponse { sent, status, headers, body })
    }

    /// The value the browser holds for `name`, as it would send it.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.jar.get(name).map(|stored| stored.value.as_str())
    }

    /// Puts a cookie in the jar by hand: what a user with the browser's dev tools can do.
    pub fn set_cookie(&mut self, name: &str, value: &str) {
        let stored = Stored { value: value.to_string(), expires_at: None };
        self.jar.insert(name.to_string(), stored);
    }

    /// When the browser will forget `name`: `None` for a browser-session cookie (or none at all).
    pub fn cookie_expires_at(&self, name: &str) -> Option<OffsetDateTime> {
        self.jar.get(name).and_then(|stored| stored.expires_at)
    }

    /// Closes and reopens the browser with the same profile: cookies without `Max-Age` or
    /// `Expires` are gone, permanent ones stay until they expire.
    pub fn restart(&mut self) {
        self.jar.retain(|_, stored| stored.expires_at.is_some());
    }

    fn forget_expired(&mut self) {
        let now = self.site.clock().now();
        self.jar.retain(|_, stored| stored.expires_at.is_none_or(|at| at > now));
    }

    pub fn remove_cookie(&mut self, name: &str) {
        self.jar.remove(name);
    }

    /// Forgets every cookie: a new browser profile.
    pub fn clear_cookies(&mut self) {
        self.jar.clear();
    }

    /// The `Cookie` header the next request will carry.
    pub fn cookie_header(&self) -> String {
        let pairs: Vec<String> =
            self.jar.iter().map(|(name, stored)| format!("{name}={}", stored.value)).collect();
        pairs.join("; ")
    }
}

/// A removal cookie: `Max-Age` of zero or less, or (without `Max-Age`) an `Expires` before `now`.
fn is_removal(cookie: &Cookie<'_>, now: OffsetDateTime) -> bool {
    let max_age_zero = cookie.max_age().is_some_and(|age| age <= Duration::ZERO);
    let expired =
        cookie.max_age().is_none() && cookie.expires_datetime().is_some_and(|at| at <= now);
    max_age_zero || expired
}

/// What the app answered.
pub struct TestResponse {
    /// The request's method and path, "GET /admin": every failed assertion names it.
    sent: String,
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl TestResponse {
    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn body(&self) -> &str {
        &self.body
    }

    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The body without the cookie inspector, for assertions about the page itself.
    pub fn main(&self) -> &str {
        let body = self.body.as_str();
        let start = body.find("<main>").unwrap_or(0);
        let end = body.find("</main>").map_or(body.len(), |end| end + "</main>".len());
        &body[start..end.max(start)]
    }

    /// The `value` of the first hidden field named `name` in the page's POST forms (a CSRF
    /// token, say), as a browser would send it: entities decoded. Read with an HTML parser.
    pub fn field_value(&self, name: &str) -> Option<String> {
        let forms = bad_input::parse_forms(self.sent(), &self.body);
        forms
            .into_iter()
            .flat_map(|form| form.hidden)
            .find(|(field, _)| field == name)
            .map(|(_, value)| value)
    }

    /// The request this answers, as "GET /admin".
    pub fn sent(&self) -> &str {
        &self.sent
    }

    // `#[track_caller]` on every assertion: a failure points at the test's own line, not here.

    #[track_caller]
    pub fn assert_status(&self, status: u16) -> &Self {
        assert!(
            self.status.as_u16() == status,
            "{}: expected status {status}, got {}; the page:\n{}",
            self.sent,
            self.status,
            self.main()
        );
        self
    }

    /// A redirect (303 See Other, 302 or 307) to exactly `location`.
    #[track_caller]
    pub fn assert_redirect(&self, location: &str) -> &Self {
        assert!(
            self.status.is_redirection(),
            "{}: expected a redirect to {location}, got {}; the page:\n{}",
            self.sent,
            self.status,
            self.main()
        );
        let got = self.header("location").unwrap_or("nowhere");
        assert!(
            got == location,
            "{}: expected a redirect to {location}, got one to {got}",
            self.sent
        );
        self
    }

    /// The main part of the page contains `text` (the inspector is not searched).
    #[track_caller]
    pub fn assert_contains(&self, text: &str) -> &Self {
        assert!(
            self.main().contains(text),
            "{}: expected {text:?} in the page:\n{}",
            self.sent,
            self.main()
        );
        self
    }

    #[track_caller]
    pub fn assert_not_contains(&self, text: &str) -> &Self {
        assert!(
            !self.main().contains(text),
            "{}: did not expect {text:?} in the page:\n{}",
            self.sent,
            self.main()
        );
        self
    }

    /// All `Set-Cookie` headers, parsed.
    pub fn set_cookies(&self) -> Vec<SetCookie> {
        self.headers
            .get_all(header::SET_COOKIE)
            .filter_map(|value| value.to_str().ok())
            .filter_map(|text| Cookie::parse(text.to_string()).ok())
            .map(|cookie| SetCookie(cookie.into_owned()))
            .collect()
    }

    /// The `Set-Cookie` for `name`; panics if the response sets none.
    #[track_caller]
    pub fn set_cookie(&self, name: &str) -> SetCookie {
        let found = self.set_cookies().into_iter().find(|c| c.0.name() == name);
        match found {
            Some(cookie) => cookie,
            None => {
                let set: Vec<String> = self.set_cookies().iter().map(|c| c.0.to_string()).collect();
                panic!("{}: expected a Set-Cookie for {name:?}, got {set:?}", self.sent)
            }
        }
    }

    pub fn has_set_cookie(&self, name: &str) -> bool {
        self.set_cookies().iter().any(|c| c.0.name() == name)
    }

    /// What the cookie inspector's response half shows, one entry per `Set-Cookie` header it
    /// lists, in order. Read with an HTML parser, entities decoded.
    pub fn inspected_set_cookies(&self) -> Vec<InspectedSetCookie> {
        let Ok(dom) = tl::parse(&self.body, tl::ParserOptions::default()) else {
            return Vec::new();
        };
        let parser = dom.parser();
        let text = |node: &tl::Node| {
            let text = bad_input::html_unescape(&node.inner_text(parser));
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        };
        let rows = dom.query_selector("tr.set-cookie").into_iter().flatten();
        let rows = rows.filter_map(|handle| handle.get(parser));
        rows.map(|row| {
            let header = row.as_tag().and_then(|tag| {
                let code = tag.query_selector(parser, "code.set-cookie-header")?.next()?;
                Some(bad_input::html_unescape(&code.get(parser)?.inner_text(parser)))
            });
            InspectedSetCookie { header: header.unwrap_or_default(), text: text(row) }
        })
        .collect()
    }

    /// The inspector's response half says "This response sets no cookie.".
    pub fn inspector_says_no_set_cookie(&self) -> bool {
        self.body.contains(r#"<p id="no-set-cookie">This response sets no cookie.</p>"#)
    }
}

/// One `Set-Cookie` as the cookie inspector shows it ([`TestResponse::inspected_set_cookies`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectedSetCookie {
    /// The header as the page prints it.
    pub header: String,
    /// The whole row as a reader sees it, spaces collapsed: the header, the verdict and its
    /// sentence, then each attribute in words ("HttpOnly: JavaScript cannot read it").
    pub text: String,
}

impl InspectedSetCookie {
    /// The row says `words` (as a reader sees them: `'`, not `&#39;`).
    #[track_caller]
    pub fn assert_says(&self, words: &str) -> &Self {
        assert!(
            self.text.contains(words),
            "expected {words:?} in the inspector's row:\n{}",
            self.text
        );
        self
    }
}

/// A `Set-Cookie` header, with assertions for its attributes.
#[derive(Debug, Clone)]
pub struct SetCookie(pub Cookie<'static>);

impl SetCookie {
    pub fn value(&self) -> &str {
        self.0.value()
    }

    #[track_caller]
    pub fn assert_http_only(&self) -> &Self {
        assert_eq!(self.0.http_only(), Some(true), "{} should be HttpOnly", self.0);
        self
    }

    #[track_caller]
    pub fn assert_not_http_only(&self) -> &Self {
        assert_ne!(self.0.http_only(), Some(true), "{} should not be HttpOnly", self.0);
        self
    }

    #[track_caller]
    pub fn assert_same_site(&self, same_site: SameSite) -> &Self {
        assert_eq!(self.0.same_site(), Some(same_site), "SameSite of {}", self.0);
        self
    }

    #[track_caller]
    pub fn assert_secure(&self, secure: bool) -> &Self {
        assert_eq!(self.0.secure().unwrap_or(false), secure, "Secure of {}", self.0);
        self
    }

    #[track_caller]
    pub fn assert_path(&self, path: &str) -> &Self {
        assert_eq!(self.0.path(), Some(path), "Path of {}", self.0);
        self
    }

    /// No `Max-Age` and no `Expires`: the browser forgets it when it closes.
    #[track_caller]
    pub fn assert_browser_session(&self) -> &Self {
        assert!(
            self.0.max_age().is_none() && self.0.expires().is_none(),
            "{} should have neither Max-Age nor Expires",
            self.0
        );
        self
    }

    /// `Max-Age` equal to `seconds`.
    #[track_caller]
    pub fn assert_max_age(&self, seconds: i64) -> &Self {
        assert_eq!(
            self.0.max_age().map(|age| age.whole_seconds()),
            Some(seconds),
            "Max-Age of {}",
            self.0
        );
        self
    }

    /// A removal cookie: empty value, `Max-Age=0` or an `Expires` in the past.
    #[track_caller]
    pub fn assert_removal(&self) -> &Self {
        let now = OffsetDateTime::now_utc();
        assert!(is_removal(&self.0, now), "{} should remove the cookie", self.0);
        self
    }

    /// `Expires` at exactly `at` (to the second).
    #[track_caller]
    pub fn assert_expires(&self, at: OffsetDateTime) -> &Self {
        let expires = self.0.expires_datetime().map(|e| e.unix_timestamp());
        assert_eq!(expires, Some(at.unix_timestamp()), "Expires of {}", self.0);
        self
    }
}
