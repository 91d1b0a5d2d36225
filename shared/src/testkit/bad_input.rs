//! The bad-input suite: what every lesson must survive, run against any lesson in-process.
//!
//! A lesson's `tests.rs` ends with one line, `shared::bad_input_tests!(crate::LESSON, crate::app);`,
//! which expands to one test per kind of bad input below, each against the app the lesson's
//! `app` function builds. A lesson whose `main` opens something before serving (a database, a
//! session store: lessons 10 and later) names a function that does the same for a test and
//! returns a browser, `shared::bad_input_tests!(crate::LESSON, client = crate::tests::client);`,
//! an `async fn(Site) -> TestClient`. The suite needs nothing else from the lesson: it reads the pages from `Lesson::nav`, finds the POST forms (and their field names)
//! in those pages' HTML, and the cookies and how they are protected in `Lesson::cookies`.
//!
//! What passes:
//! - *treated as no cookie*: the same status, redirect and `<main>` as the same request without
//!   any cookie (the cookie inspector, outside `<main>`, may of course show the junk);
//! - *a clear 4xx page*: a 4xx status with an HTML page that says what was wrong;
//! - never a 5xx, an error instead of a response, or a panic; and after every case the lesson
//!   still answers its first page as it did before (the server keeps serving).
//!
//! Each case is printed before it is sent: when a test fails, its output names the case.
//!
//! How many pages each cookie case is sent to: every page, unless `BAD_INPUT_PAGES=N` says N.
//! `just test NN` (a student's loop after an edit) sets it to 1, and the pages take turns, so
//! every page still gets some of each test's cases in a few seconds (and the session overflow
//! stops at four rounds); the full `just test`, which CI runs, sends every case to every page.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use actix_web::http::header::{CONTENT_TYPE, COOKIE, HeaderValue, LOCATION, SET_COOKIE};
use actix_web::test::TestRequest;
use cookie::time::OffsetDateTime;
use cookie::{Cookie, CookieJar, Key};

use super::{TestClient, TestResponse};
use crate::guard::{MAX_COOKIE_BYTES, MAX_FORM_BYTES};
use crate::{Clock, Config, CookieKind, Lesson, Site};

/// Expands to the bad-input tests for `lesson` (a `&'static Lesson` path such as
/// `crate::LESSON`), in a module `bad_input` of the calling test module.
#[macro_export]
macro_rules! bad_input_tests {
    (@tests $lesson:path, $setup:expr) => {
        mod bad_input {
            use $crate::testkit::bad_input as suite;

            #[actix_web::test]
            async fn malformed_cookie_headers_are_treated_as_no_cookie() {
                suite::malformed_cookie_headers(&$lesson, $setup).await;
            }

            #[actix_web::test]
            async fn an_8_kb_cookie_gets_a_431_page() {
                suite::oversized_cookie(&$lesson, $setup).await;
            }

            #[actix_web::test]
            async fn cookies_with_bad_base64_or_utf8_are_treated_as_no_cookie() {
                suite::undecodable_cookies(&$lesson, $setup).await;
            }

            #[actix_web::test]
            async fn cookies_signed_with_another_key_are_treated_as_no_cookie() {
                suite::foreign_key_cookies(&$lesson, $setup).await;
            }

            #[actix_web::test]
            async fn cookies_another_lesson_made_with_the_same_secret_key_are_treated_as_no_cookie()
            {
                suite::other_lessons_cookies(&$lesson, $setup).await;
            }

            #[actix_web::test]
            async fn every_page_says_no_store_and_carries_the_protective_headers() {
                suite::protective_headers(&$lesson, $setup).await;
            }

            #[actix_web::test]
            async fn missing_form_fields_get_a_page_never_a_500() {
                suite::missing_fields(&$lesson, $setup).await;
            }

            #[actix_web::test]
            async fn duplicated_form_fields_get_a_400_page() {
                suite::duplicated_fields(&$lesson, $setup).await;
            }

            #[actix_web::test]
            async fn a_1_mb_form_field_gets_a_413_page() {
                suite::oversized_field(&$lesson, $setup).await;
            }

            #[actix_web::test]
            async fn a_non_utf8_form_field_gets_a_400_page() {
                suite::non_utf8_fields(&$lesson, $setup).await;
            }

            #[actix_web::test]
            async fn a_body_that_is_not_a_form_gets_a_415_page() {
                suite::wrong_content_type(&$lesson, $setup).await;
            }

            #[actix_web::test]
            async fn session_data_too_big_for_a_cookie_gets_a_page_never_a_dropped_cookie() {
                suite::session_overflow(&$lesson, $setup).await;
            }
        }
    };
    ($lesson:path, client = $client:path) => {
        $crate::bad_input_tests!(@tests $lesson, |site| ::std::boxed::Box::pin($client(site)));
    };
    ($lesson:path, $app:path) => {
        $crate::bad_input_tests!(@tests $lesson, |site| {
            ::std::boxed::Box::pin($crate::testkit::TestClient::for_site(site, $app))
        });
    };
}

/// Makes a browser for a test's site, on the app the lesson's `main` serves (with what `main`
/// opens before serving); see [`bad_input_tests!`].
pub type Setup = fn(Site) -> Pin<Box<dyn Future<Output = TestClient>>>;

/// A POST form found in one of the lesson's pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    /// The page the form is on.
    pub page: String,
    pub action: String,
    pub fields: Vec<String>,
    /// The hidden fields and their values (a CSRF token, `next`) as the page gave them.
    pub hidden: Vec<(String, String)>,
}

impl Form {
    /// A form body with every field set to `value`, except the hidden ones, which keep the
    /// page's value: a bad value must reach the handler, not stop at a CSRF check.
    fn body(&self, value: &str) -> String {
        self.body_of(&self.fields, value)
    }

    /// The same, for `fields` only.
    fn body_of(&self, fields: &[String], value: &str) -> String {
        let pairs: Vec<String> = fields
            .iter()
            .map(|field| match self.hidden.iter().find(|(name, _)| name == field) {
                Some((_, page_value)) => format!("{field}={}", urlencode(page_value)),
                None => format!("{field}={value}"),
            })
            .collect();
        pairs.join("&")
    }

    /// The fields but `left_out`.
    fn fields_but(&self, left_out: &str) -> Vec<String> {
        self.fields.iter().filter(|field| *field != left_out).cloned().collect()
    }
}

/// What a request is expected to get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// The same answer as without the cookie, or a clear 4xx page.
    NoCookieOr4xx,
    /// A 4xx page with exactly this status.
    Status(u16),
    /// Any answer but a 5xx; a 4xx must be a clear page.
    Handled,
}

/// The lesson under test, with a clock that stands still so two identical requests get
/// identical pages, and the failures found so far.
struct Run {
    lesson: &'static Lesson,
    setup: Setup,
    clock: Clock,
    /// The server's `SECRET_KEY`: the lesson derives its own key from it.
    secret: Key,
    failures: Vec<String>,
    cases: usize,
    /// Each page's answer to a new visitor without cookies: the same for every case (the clock
    /// stands still, a random token is masked), so it is asked once.
    baselines: HashMap<String, Rc<TestResponse>>,
    /// How many pages a cookie case goes to (`BAD_INPUT_PAGES`; `None`: all of them), and the
    /// page the next case starts at, so that the pages take turns.
    pages_per_case: Option<usize>,
    next_page: usize,
}

impl Run {
    fn new(lesson: &'static Lesson, setup: Setup) -> Run {
        let start = OffsetDateTime::from_unix_timestamp(1_700_000_000).expect("a valid timestamp");
        let (clock, secret) = (Clock::manual(start), Key::generate());
        let pages_per_case = std::env::var("BAD_INPUT_PAGES")
            .ok()
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|n| *n > 0);
        Run {
            lesson,
            setup,
            clock,
            secret,
            failures: Vec::new(),
            cases: 0,
            baselines: HashMap::new(),
            pages_per_case,
            next_page: 0,
        }
    }

    /// A fresh browser on one shared server (one key), as a new visitor. A lesson with a
    /// [`Setup`] gets what it attaches anew (a fresh database) for each browser.
    async fn client(&self) -> TestClient {
        let secret = crate::config::encode_key(&self.secret);
        let config = Config::for_tests(self.lesson.number).with("SECRET_KEY", &secret);
        let site = Site::with_clock(self.lesson, config, self.clock.clone())
            .unwrap_or_else(|error| panic!("{error}"));
        (self.setup)(site).await
    }

    async fn pages(&self) -> Vec<String> {
        self.lesson.nav.iter().map(|(path, _)| path.to_string()).collect()
    }

    /// The POST forms in the lesson's pages, each action once, as a new visitor sees them.
    async fn forms(&self) -> Vec<Form> {
        let mut forms: Vec<Form> = Vec::new();
        for page in self.pages().await {
            let mut client = self.client().await;
            let res = client.get(&page).await;
            for form in parse_forms(&page, res.body()) {
                if !forms.iter().any(|known| known.action == form.action) {
                    forms.push(form);
                }
            }
        }
        if forms.is_empty() {
            // No form at all (lesson 01): POST to the pages, which must answer with a clear
            // page (405 or 404), whatever the body.
            let pages = self.pages().await;
            forms = pages
                .into_iter()
                .map(|action| Form {
                    page: action.clone(),
                    action,
                    fields: Vec::new(),
                    hidden: Vec::new(),
                })
                .collect();
        }
        forms
    }

    /// A new visitor who has just opened the page of `form`, and the form as that visitor got
    /// it: with the hidden values (a CSRF token) of the visitor's own session.
    async fn visit(&self, form: &Form) -> (TestClient, Form) {
        let mut client = self.client().await;
        let form = reopen(&mut client, form).await;
        (client, form)
    }

    /// Sends `req` from `client`, checks the answer against `expect` (and `baseline`, the same
    /// request without cookies), then checks that the lesson still serves its first page.
    async fn case(
        &mut self,
        name: &str,
        client: &mut TestClient,
        req: TestRequest,
        expect: Expect,
        baseline: Option<&TestResponse>,
    ) -> Option<TestResponse> {
        self.cases += 1;
        eprintln!("lesson {:02} bad input: {name}", self.lesson.number);
        let res = match client.try_send_raw(req).await {
            Ok(res) => res,
            Err(error) => {
                self.failures.push(format!("{name}: {error}"));
                return None;
            }
        };
        if let Some(problem) = judge(&res, expect, baseline) {
            self.failures.push(format!("{name}: {problem}"));
        }
        // The quick loop checks once, at the end of the test (`finish`): a case that broke the
        // server is still caught, only not named.
        if self.pages_per_case.is_none() {
            self.still_serving(name).await;
        }
        Some(res)
    }

    async fn still_serving(&mut self, after: &str) {
        let first = self.lesson.nav.first().map_or("/", |(path, _)| path);
        let res = self.client().await.try_send_raw(TestRequest::get().uri(first)).await;
        match res {
            Ok(res) if res.status().is_server_error() => {
                self.failures.push(format!("after {after}: GET {first} answered {}", res.status()))
            }
            Ok(_) => {}
            Err(error) => self.failures.push(format!("after {after}: GET {first}: {error}")),
        }
    }

    /// The same request as `req` would be, without any cookie.
    async fn baseline(&mut self, page: &str) -> Rc<TestResponse> {
        if let Some(known) = self.baselines.get(page) {
            return Rc::clone(known);
        }
        let res = Rc::new(self.client().await.send_raw(TestRequest::get().uri(page)).await);
        self.baselines.insert(page.to_string(), Rc::clone(&res));
        res
    }

    /// The pages the next cookie case goes to: all of them, or `BAD_INPUT_PAGES` of them in turn.
    async fn pages_for_a_case(&mut self) -> Vec<String> {
        let pages = self.pages().await;
        let Some(count) = self.pages_per_case.filter(|count| *count < pages.len()) else {
            return pages;
        };
        let start = self.next_page;
        self.next_page = (start + count) % pages.len();
        (0..count).map(|i| pages[(start + i) % pages.len()].clone()).collect()
    }

    /// For every page (or `BAD_INPUT_PAGES` of them): the answer with the raw `Cookie` header
    /// `cookie`.
    async fn cookie_on_every_page(&mut self, name: &str, cookie: &[u8], expect: Expect) {
        for page in self.pages_for_a_case().await {
            let baseline = self.baseline(&page).await;
            let Ok(value) = HeaderValue::from_bytes(cookie) else {
                panic!("the suite made a header value HTTP cannot carry: {cookie:?}");
            };
            let req = TestRequest::get().uri(&page).insert_header((COOKIE, value));
            let mut client = self.client().await;
            let label = format!("GET {page} with {name}");
            self.case(&label, &mut client, req, expect, Some(&*baseline)).await;
        }
    }

    async fn finish(mut self, what: &str) {
        if self.pages_per_case.is_some() && self.cases > 0 {
            self.still_serving("the cases above").await;
        }
        if self.cases == 0 {
            // Say so: a lesson without forms has no form to break (its pages are still POSTed).
            eprintln!("lesson {:02}: no case of {what} applies", self.lesson.number);
        }
        // The quick loop says so: a case it sent to one page may fail on another in `just test`.
        let sampled = match self.pages_per_case {
            Some(count) => format!(
                " (each cookie case sent to {count} page(s) of {}: BAD_INPUT_PAGES; unset, every page)",
                self.lesson.nav.len()
            ),
            None => String::new(),
        };
        assert!(
            self.failures.is_empty(),
            "lesson {:02}, {what}: {} of {} cases failed{sampled}:\n  {}",
            self.lesson.number,
            self.failures.len(),
            self.cases,
            self.failures.join("\n  ")
        );
    }

    /// The lesson's cookies of `kinds`.
    fn cookies(&self, kinds: &[CookieKind]) -> Vec<(&'static str, CookieKind)> {
        self.lesson.cookies.iter().copied().filter(|(_, kind)| kinds.contains(kind)).collect()
    }
}

/// `form` as `client` gets it now, when it has hidden values (they may belong to the session).
async fn reopen(client: &mut TestClient, form: &Form) -> Form {
    if form.hidden.is_empty() {
        return form.clone();
    }
    let res = client.get(&form.page).await;
    parse_forms(&form.page, res.body())
        .into_iter()
        .find(|found| found.action == form.action)
        .unwrap_or_else(|| form.clone())
}

/// `None` when `res` is what `expect` allows, else what is wrong with it.
fn judge(res: &TestResponse, expect: Expect, baseline: Option<&TestResponse>) -> Option<String> {
    let status = res.status();
    if status.is_server_error() {
        return Some(format!("answered {status}: {}", excerpt(res.main())));
    }
    if status.is_client_error()
        && let Some(problem) = unclear_page(res)
    {
        return Some(problem);
    }
    match expect {
        Expect::Handled => None,
        Expect::Status(wanted) if status.as_u16() == wanted => None,
        Expect::Status(wanted) => {
            Some(format!("expected a {wanted} page, got {status}: {}", excerpt(res.main())))
        }
        Expect::NoCookieOr4xx if status.is_client_error() => None,
        Expect::NoCookieOr4xx => {
            let baseline = baseline.expect("a cookie case has a baseline");
            let same = status == baseline.status()
                && res.header(LOCATION.as_str()) == baseline.header(LOCATION.as_str())
                && mask_tokens(res.main()) == mask_tokens(baseline.main());
            (!same).then(|| {
                format!(
                    "not treated as no cookie: {status} {:?} {:?}, without the cookie {} {:?} {:?}",
                    res.header("location").unwrap_or(""),
                    excerpt(res.main()),
                    baseline.status(),
                    baseline.header("location").unwrap_or(""),
                    excerpt(baseline.main())
                )
            })
        }
    }
}

/// A 4xx must be an HTML page with something to read, not actix's bare text.
fn unclear_page(res: &TestResponse) -> Option<String> {
    let content_type = res.header(CONTENT_TYPE.as_str()).unwrap_or("");
    let html = content_type.starts_with("text/html");
    let text = strip_tags(res.main());
    // A JSON API (lesson 15's `/api/`) answers `{"error": "..."}`, for a program to read.
    let json = content_type.starts_with("application/json") && res.body().contains("\"error\"");
    if (html && text.split_whitespace().count() >= 3) || json {
        None
    } else {
        Some(format!("a {} that is not a clear page: {:?}", res.status(), excerpt(res.body())))
    }
}

/// The text of an HTML page or fragment, without its tags (entities left as they are).
fn strip_tags(html: &str) -> String {
    let Ok(dom) = tl::parse(html, tl::ParserOptions::default()) else {
        return html.to_string();
    };
    let parser = dom.parser();
    let texts = dom.children().iter().filter_map(|node| node.get(parser));
    texts.map(|node| node.inner_text(parser).into_owned()).collect::<Vec<_>>().join(" ")
}

fn excerpt(text: &str) -> String {
    let text = strip_tags(text).split_whitespace().collect::<Vec<_>>().join(" ");
    match text.char_indices().nth(160) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text,
    }
}

/// The POST forms of the HTML of `page`: their `action`, the `name` of their fields and the
/// values of the hidden ones.
pub fn parse_forms(page: &str, html: &str) -> Vec<Form> {
    let Ok(dom) = tl::parse(html, tl::ParserOptions::default()) else { return Vec::new() };
    let parser = dom.parser();
    let mut forms = Vec::new();
    let found = dom.query_selector("form").into_iter().flatten();
    for form in found.filter_map(|handle| handle.get(parser)?.as_tag()) {
        let post = attribute(form, "method").is_some_and(|m| m.eq_ignore_ascii_case("post"));
        let Some(action) = attribute(form, "action").filter(|_| post) else { continue };
        let mut fields = Vec::new();
        let mut hidden = Vec::new();
        let elements = form.query_selector(parser, "input, textarea, select").into_iter().flatten();
        for element in elements.filter_map(|handle| handle.get(parser)?.as_tag()) {
            let Some(name) = attribute(element, "name") else { continue };
            if fields.contains(&name) {
                continue;
            }
            if attribute(element, "type").as_deref() == Some("hidden") {
                let value = attribute(element, "value").unwrap_or_default();
                hidden.push((name.clone(), html_unescape(&value)));
            }
            fields.push(name);
        }
        let action = action.split('?').next().unwrap_or("").to_string();
        forms.push(Form { page: page.to_string(), action, fields, hidden });
    }
    forms
}

/// The value of the attribute `name` of an element, as written in the page.
fn attribute(tag: &tl::HTMLTag, name: &str) -> Option<String> {
    let value = tag.attributes().get(name)??;
    Some(value.as_utf8_str().into_owned())
}

/// An attribute value as the browser reads it: tera escapes `&<>"'` and `/`.
pub(crate) fn html_unescape(value: &str) -> String {
    [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#x27;", "'"), ("&#39;", "'")]
        .into_iter()
        .chain([("&#x2F;", "/"), ("&#47;", "/"), ("&amp;", "&")])
        .fold(value.to_string(), |text, (entity, char)| text.replace(entity, char))
}

/// A form value percent-encoded as a browser sends it.
fn urlencode(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// `text` with every run of 32 or more letters, digits, `-` and `_` (a random token: a CSRF
/// token, a session id) replaced by `<token>`: two new visitors get different tokens, and the
/// same page otherwise.
fn mask_tokens(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let is_token_char = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    for c in text.chars().chain(std::iter::once(' ')) {
        if is_token_char(c) {
            run.push(c);
            continue;
        }
        out.push_str(if run.len() >= 32 { "<token>" } else { &run });
        run.clear();
        out.push(c);
    }
    out.pop();
    out
}

/// A POST from `client`, with the cookies it holds.
fn post(
    client: &TestClient,
    action: &str,
    content_type: &str,
    body: impl Into<Vec<u8>>,
) -> TestRequest {
    let body: Vec<u8> = body.into();
    let req = TestRequest::post()
        .uri(action)
        .insert_header((CONTENT_TYPE, content_type.to_string()))
        .set_payload(body);
    match client.cookie_header() {
        header if header.is_empty() => req,
        header => req.insert_header((COOKIE, header)),
    }
}

const FORM: &str = "application/x-www-form-urlencoded";

/// Junk `Cookie` headers that name no cookie of any lesson, or name one without a usable value.
pub async fn malformed_cookie_headers(lesson: &'static Lesson, setup: Setup) {
    let mut run = Run::new(lesson, setup);
    let mut headers: Vec<Vec<u8>> = [
        "=",
        ";;;",
        "; ; ;",
        "=value",
        "junk",
        "\"",
        "a=b; ; =c; ;d",
        "=;=;=",
        "%",
        "%zz=%zz",
        "\"quoted\"=\"x\"",
        "a=b, c=d",
        "\u{7f}",
    ]
    .iter()
    .map(|h| h.as_bytes().to_vec())
    .collect();
    headers.push(b"\xff\xfe=\xc3\x28".to_vec());
    headers.push(b" ".repeat(100));
    for (name, kind) in lesson.cookies {
        // A name with no `=`, and (for protected cookies) an empty value.
        headers.push(name.as_bytes().to_vec());
        if *kind != CookieKind::Plain {
            headers.push(format!("{name}=").into_bytes());
            headers.push(format!("{name}=;{name}=;{name}").into_bytes());
        }
    }
    for header in &headers {
        let label = format!("Cookie: {:?}", String::from_utf8_lossy(header));
        if HeaderValue::from_bytes(header).is_err() {
            continue; // Not a header HTTP can carry (a control character): nothing to send.
        }
        run.cookie_on_every_page(&label, header, Expect::NoCookieOr4xx).await;
    }
    run.finish("malformed Cookie headers").await;
}

/// An 8 KB value in each of the lesson's cookies: no browser sends one.
pub async fn oversized_cookie(lesson: &'static Lesson, setup: Setup) {
    let mut run = Run::new(lesson, setup);
    let big = "A".repeat(8 * 1024);
    const { assert!(8 * 1024 > MAX_COOKIE_BYTES) };
    let mut names: Vec<&str> = lesson.cookies.iter().map(|(name, _)| *name).collect();
    names.push("unknown");
    for name in names {
        let header = format!("{name}={big}");
        let label = format!("an 8 KB {name} cookie");
        run.cookie_on_every_page(&label, header.as_bytes(), Expect::Status(431)).await;
    }
    run.finish("an 8 KB cookie").await;
}

/// Signed and encrypted cookies whose value is not base64, is too short to hold a signature,
/// or percent-decodes to bytes that are not UTF-8; and non-UTF-8 bytes in any cookie.
pub async fn undecodable_cookies(lesson: &'static Lesson, setup: Setup) {
    let mut run = Run::new(lesson, setup);
    let protected = run.cookies(&[CookieKind::Signed, CookieKind::Private]);
    let mut headers: Vec<(String, Vec<u8>)> = Vec::new();
    for (name, _) in &protected {
        for value in [
            "!!!!not-base64!!!!",
            "Zm9v",
            "====",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "%C3%28%FF%FE",
            "0000000000000000000000000000000000000000000=alice",
            "%00%00",
        ] {
            headers.push((format!("{name}={value}"), format!("{name}={value}").into_bytes()));
        }
    }
    // Not UTF-8 in any cookie, plain ones included: actix-web cannot parse the header, and every
    // lesson must then see no cookie at all.
    for (name, _) in lesson.cookies {
        let mut raw = format!("{name}=").into_bytes();
        raw.extend_from_slice(b"\xc3\x28\xff");
        headers.push((format!("{name}=<bytes C3 28 FF>"), raw));
        headers.push((format!("{name}=%C3%28"), format!("{name}=%C3%28").into_bytes()));
    }
    for (label, header) in &headers {
        run.cookie_on_every_page(label, header, Expect::NoCookieOr4xx).await;
    }
    run.finish("cookies with bad base64 or UTF-8").await;
}

/// Believable values, signed or encrypted with a key that is not the server's.
pub async fn foreign_key_cookies(lesson: &'static Lesson, setup: Setup) {
    let run = Run::new(lesson, setup);
    let keys = vec![("another key".to_string(), Key::generate())];
    sealed_elsewhere(run, &keys, "cookies signed with another key").await;
}

/// The same values, sealed by other apps that were given the same `SECRET_KEY`: the lessons
/// before and after this one, and an app that uses `SECRET_KEY` as it is. Browsers send a
/// cookie to every port of a host, so this is what a student's browser does all day.
pub async fn other_lessons_cookies(lesson: &'static Lesson, setup: Setup) {
    let run = Run::new(lesson, setup);
    let number = lesson.number;
    let mut keys = vec![("SECRET_KEY itself".to_string(), run.secret.clone())];
    for other in [number.saturating_sub(1).max(1), number + 1] {
        if other != number {
            let key = crate::config::lesson_key(&run.secret, other);
            keys.push((format!("lesson {other:02}'s key"), key));
        }
    }
    sealed_elsewhere(run, &keys, "cookies another app made with the same SECRET_KEY").await;
}

async fn sealed_elsewhere(mut run: Run, keys: &[(String, Key)], what: &str) {
    let lesson = run.lesson;
    let protected = run.cookies(&[CookieKind::Signed, CookieKind::Private]);
    if protected.is_empty() {
        // Nothing is signed in this lesson: a plain cookie has no key to be wrong about.
        eprintln!("lesson {:02}: no signed or encrypted cookie", lesson.number);
        return;
    }
    // What the lessons keep: a name (signed cookies), or the session dictionary as
    // actix-session stores it (string keys, JSON values) for every username the lessons know.
    let values = [
        "alice",
        "user1",
        r#"{"username":"\"alice\"","_user_id":"\"user1\"","_fresh":"true","_permanent":"true"}"#,
        r#"{"user_id":"\"aaa\"","username":"\"aaa\""}"#,
    ];
    for (name, kind) in &protected {
        for (key_name, key) in keys {
            for value in values {
                let mut jar = CookieJar::new();
                let cookie = Cookie::new(name.to_string(), value.to_string());
                match kind {
                    CookieKind::Signed => jar.signed_mut(key).add(cookie),
                    _ => jar.private_mut(key).add(cookie),
                }
                let Some(sealed) = jar.delta().next().map(|c| c.encoded().to_string()) else {
                    continue;
                };
                let label = format!("{name} = {value:?} sealed with {key_name}");
                run.cookie_on_every_page(&label, sealed.as_bytes(), Expect::NoCookieOr4xx).await;
            }
        }
    }
    run.finish(what).await;
}

/// Every page, for a new visitor and for one who has posted each form once: `Cache-Control:
/// no-store` (the inspector shows the `Cookie` header; a signed-in page shows who it is) and
/// the headers that keep other sites from framing the page or sniffing its type.
pub async fn protective_headers(lesson: &'static Lesson, setup: Setup) {
    let mut run = Run::new(lesson, setup);
    let wanted = [
        ("cache-control", "no-store"),
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("content-security-policy", "frame-ancestors 'none'"),
        ("referrer-policy", "same-origin"),
    ];
    let mut answers = Vec::new();
    for page in run.pages().await {
        answers.push((format!("GET {page}"), run.client().await.get(&page).await));
    }
    for form in run.forms().await {
        let (mut client, form) = run.visit(&form).await;
        let req = post(&client, &form.action, FORM, form.body("x"));
        answers.push((format!("POST {}", form.action), client.send_raw(req).await));
    }
    for (label, res) in answers {
        run.cases += 1;
        for (name, value) in wanted {
            if res.header(name) != Some(value) {
                let got = res.header(name).unwrap_or("nothing");
                run.failures.push(format!("{label}: {name} is {got:?}, not {value:?}"));
            }
        }
    }
    run.finish("the protective headers").await;
}

/// Every form posted with no fields at all.
pub async fn missing_fields(lesson: &'static Lesson, setup: Setup) {
    let mut run = Run::new(lesson, setup);
    for form in run.forms().await {
        let (mut client, _) = run.visit(&form).await;
        let label = format!("POST {} with no fields", form.action);
        let req = post(&client, &form.action, FORM, "");
        run.case(&label, &mut client, req, Expect::Handled, None).await;
        // And each field left out in turn, the others filled in.
        for left_out in &form.fields {
            let (mut client, form) = run.visit(&form).await;
            let label = format!("POST {} without {left_out}", form.action);
            let req =
                post(&client, &form.action, FORM, form.body_of(&form.fields_but(left_out), "x"));
            run.case(&label, &mut client, req, Expect::Handled, None).await;
        }
    }
    run.finish("missing form fields").await;
}

/// Every field of every form sent twice: `a=x&a=y`.
pub async fn duplicated_fields(lesson: &'static Lesson, setup: Setup) {
    let mut run = Run::new(lesson, setup);
    for form in run.forms().await.into_iter().filter(|f| !f.fields.is_empty()) {
        for field in &form.fields {
            let (mut client, form) = run.visit(&form).await;
            let body = format!("{}&{field}=y", form.body("x"));
            let label = format!("POST {} with {field} twice", form.action);
            let req = post(&client, &form.action, FORM, body);
            run.case(&label, &mut client, req, Expect::Status(400), None).await;
        }
    }
    run.finish("duplicated form fields").await;
}

/// A 1 MB value in a field of every form (and in a form that has none).
pub async fn oversized_field(lesson: &'static Lesson, setup: Setup) {
    let mut run = Run::new(lesson, setup);
    let big = "x".repeat(1024 * 1024);
    assert!(big.len() > MAX_FORM_BYTES);
    for form in run.forms().await {
        let (mut client, form) = run.visit(&form).await;
        let field = form.fields.first().cloned().unwrap_or_else(|| "field".to_string());
        let label = format!("POST {} with a 1 MB {field}", form.action);
        let req = post(&client, &form.action, FORM, format!("{}&{field}={big}", form.body("x")));
        run.case(&label, &mut client, req, Expect::Status(413), None).await;
    }
    run.finish("a 1 MB form field").await;
}

/// `%FF%FE` (not UTF-8) in each field of every form, as a value and as a name.
pub async fn non_utf8_fields(lesson: &'static Lesson, setup: Setup) {
    let mut run = Run::new(lesson, setup);
    for form in run.forms().await {
        let mut cases: Vec<Option<String>> = form.fields.iter().cloned().map(Some).collect();
        cases.push(None);
        for bad in cases {
            let (mut client, form) = run.visit(&form).await;
            let (what, body) = match &bad {
                Some(field) => {
                    let mut body = form.body_of(&form.fields_but(field), "x");
                    let sep = if body.is_empty() { "" } else { "&" };
                    body.push_str(&format!("{sep}{field}=%FF%FEname%C3%28"));
                    (format!("{field}=%FF%FE…"), body)
                }
                None => {
                    let sep = if form.fields.is_empty() { "" } else { "&" };
                    ("a field name %FF%FE".to_string(), format!("{}{sep}%FF%FE=x", form.body("x")))
                }
            };
            let label = format!("POST {} with {what}", form.action);
            let req = post(&client, &form.action, FORM, body);
            run.case(&label, &mut client, req, Expect::Status(400), None).await;
        }
    }
    // In the address too: Flask's `request.args`, actix-web's `web::Query`.
    for page in run.pages().await {
        let mut client = run.client().await;
        let uri = format!("{page}?next=%FF%FE");
        let label = format!("GET {uri}");
        run.case(&label, &mut client, TestRequest::get().uri(&uri), Expect::Status(400), None)
            .await;
    }
    run.finish("non-UTF-8 form fields").await;
}

/// Every form posted as JSON, plain text and multipart instead of an HTML form.
pub async fn wrong_content_type(lesson: &'static Lesson, setup: Setup) {
    let mut run = Run::new(lesson, setup);
    for form in run.forms().await {
        let json = format!(
            "{{{}}}",
            form.fields.iter().map(|f| format!("\"{f}\":\"x\"")).collect::<Vec<_>>().join(",")
        );
        let multipart = "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nx\r\n--b--\r\n";
        let (_, filled) = run.visit(&form).await;
        for (content_type, body) in [
            ("application/json", json.clone()),
            ("text/plain", filled.body("x")),
            ("multipart/form-data; boundary=b", multipart.to_string()),
            ("application/x-www-form-urlencodedX", filled.body("x")),
        ] {
            let (mut client, _) = run.visit(&form).await;
            let label = format!("POST {} as {content_type}", form.action);
            let req = post(&client, &form.action, content_type, body);
            run.case(&label, &mut client, req, Expect::Status(415), None).await;
        }
    }
    run.finish("a wrong content type").await;
}

/// One visitor posts every form again and again with long values (under the form limit), as a
/// student filling the session would. Whatever the lesson keeps, no answer may set a cookie the
/// browser would drop (over 4096 bytes), and a refusal must be a clear page.
pub async fn session_overflow(lesson: &'static Lesson, setup: Setup) {
    let mut run = Run::new(lesson, setup);
    let forms: Vec<Form> = run.forms().await.into_iter().filter(|f| !f.fields.is_empty()).collect();
    for form in &forms {
        let (mut client, mut form) = run.visit(form).await;
        // Eight rounds, 12 KB; the quick loop stops at four, 6 KB, already past a cookie's 4 KB.
        let rounds = if run.pages_per_case.is_some() { 4 } else { 8 };
        for round in 0..rounds {
            let value = format!("{round}{}", "v".repeat(1500));
            let label = format!("POST {} with 1.5 KB fields, round {round}", form.action);
            form = reopen(&mut client, &form).await;
            let req = post(&client, &form.action, FORM, form.body(&value));
            let Some(res) = run.case(&label, &mut client, req, Expect::Handled, None).await else {
                continue;
            };
            for header in res.headers().get_all(SET_COOKIE) {
                let pair = header.as_bytes().split(|&b| b == b';').next().unwrap_or(b"");
                if pair.len() > MAX_COOKIE_BYTES {
                    run.failures.push(format!(
                        "{label}: set a cookie of {} bytes, which browsers drop",
                        pair.len()
                    ));
                }
            }
            // The browser, with whatever it now holds, still gets pages (`BAD_INPUT_PAGES` of
            // them in turn in the quick loop).
            for page in run.pages_for_a_case().await {
                let req = TestRequest::get().uri(&page);
                let req = match client.cookie_header() {
                    header if header.is_empty() => req,
                    header => req.insert_header((COOKIE, header)),
                };
                let label = format!("GET {page} after {label}");
                run.case(&label, &mut client, req, Expect::Handled, None).await;
            }
        }
    }
    if forms.is_empty() {
        eprintln!("lesson {:02}: no form with fields to fill", lesson.number);
        return;
    }
    run.finish("session data too big for a cookie").await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_are_found_with_their_fields() {
        let html = r#"<p>x</p><form class="inline" method="post" action="/session/remove">
            <input type="hidden" name="key" value="a"><button>Remove</button></form>
            <form method="get" action="/search"><input name="q"></form>
            <form method="post" action="/login?next=%2F"><label><input type="text" name="nm">
            </label><input type="checkbox" name="remember"><textarea name="note"></textarea>
            <input type="submit"></form>"#;
        assert_eq!(
            parse_forms("/session", html),
            vec![
                Form {
                    page: "/session".into(),
                    action: "/session/remove".into(),
                    fields: vec!["key".into()],
                    hidden: vec![("key".into(), "a".into())],
                },
                Form {
                    page: "/session".into(),
                    action: "/login".into(),
                    fields: vec!["nm".into(), "remember".into(), "note".into()],
                    hidden: vec![],
                },
            ]
        );
    }

    #[test]
    fn hidden_values_are_sent_as_the_page_gave_them() {
        let html = r#"<form method="post" action="/woof"><input type="hidden" name="csrf_token"
            value="abc"><input type="hidden" name="next" value="&#x2F;a?b=1&amp;c=&quot;">
            <textarea name="body"></textarea></form>"#;
        let form = parse_forms("/", html).remove(0);
        assert_eq!(form.body("x"), "csrf_token=abc&next=%2Fa%3Fb%3D1%26c%3D%22&body=x");
        assert_eq!(
            form.body_of(&form.fields_but("csrf_token"), "y"),
            "next=%2Fa%3Fb%3D1%26c%3D%22&body=y"
        );
    }

    #[test]
    fn random_tokens_are_masked_and_short_words_kept() {
        let token = "P1G1c1ELq3b01DHm1wcMhxnDonZxKVcqWbdkPdWwaTtmrRqUZyWRK5H7eLmTjt63";
        assert_eq!(
            mask_tokens(&format!("<p>{token}</p> value=\"{token}\"")),
            "<p><token></p> value=\"<token>\""
        );
        assert_eq!(mask_tokens("Log in as user1"), "Log in as user1");
    }

    #[test]
    fn a_4xx_must_be_a_page_with_words() {
        assert!(strip_tags("<main><h1>400</h1><p>Bad</p></main>").contains("Bad"));
        assert_eq!(excerpt("<p>a   b</p>"), "a b");
    }
}
