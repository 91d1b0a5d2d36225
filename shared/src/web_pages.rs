//! Pages: tera templates inside the base layout, with the cookie inspector on every page.

use std::io::Write;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderMap, HeaderValue, SET_COOKIE};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use serde::Serialize;
use tera::{Context, Tera, Value};

use crate::{Lesson, Site, inspector};

const BASE: &str = include_str!("../templates/base.html");
const ERROR: &str = include_str!("../templates/error.html");
/// The cookie inspector's response half: the `Set-Cookie` headers ([`show_set_cookies`]).
const SET_COOKIES: &str = include_str!("../templates/set-cookies.html");

/// Where the base layout wants the inspector's response half: an HTML comment, so a page that
/// never passes the guard (an app built without it) shows nothing there.
const MARKER: &[u8] = b"<!-- set-cookies -->";

/// A message shown once in the base layout's flash area (Flask's `flash(message, category)`).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Flash {
    /// `info`, `success` or `error`: a CSS class in the base layout.
    pub category: &'static str,
    pub message: String,
}

pub(crate) fn load_templates(lesson: &Lesson) -> Result<Tera, String> {
    let mut tera = Tera::new();
    // Autoescape stays on (the default for `.html`): `{{ name }}` can never inject HTML.
    tera.set_escape_fn(escape_html);
    let shared = [("base.html", BASE), ("error.html", ERROR), ("set-cookies.html", SET_COOKIES)];
    tera.add_raw_templates(shared.iter().chain(lesson.templates.iter()).copied())
        .map_err(|error| format!("a template of {} does not compile: {error}", lesson.package()))?;
    Ok(tera)
}

/// Autoescaping: the same bytes out as tera's own `escape_html` (`&`, `<`, `>`, `"` and `'`
/// become entities), written a run at a time. Tera's writes every byte with its own call through
/// `dyn Write`, which made escaping the largest single cost of a page: the cookie inspector
/// shows long encrypted cookie values, twice. Measured with callgrind on lesson 07's (now 09's)
/// `/protected`: about 30 000 instructions of a page's 150 000 went to escaping.
fn escape_html(input: &str, out: &mut dyn Write) -> std::io::Result<()> {
    /// The bytes that become entities, as bits of a `u64`: all five are below 64.
    const ESCAPED: u64 = (1 << b'&') | (1 << b'<') | (1 << b'>') | (1 << b'"') | (1 << b'\'');
    let bytes = input.as_bytes();
    let mut written = 0;
    for (at, byte) in bytes.iter().enumerate() {
        // Most bytes need nothing; one shift and test says so for all five at once.
        if *byte > b'>' || (ESCAPED >> byte) & 1 == 0 {
            continue;
        }
        let entity: &[u8] = match byte {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            b'\'' => b"&#39;",
            _ => continue,
        };
        out.write_all(&bytes[written..at])?;
        out.write_all(entity)?;
        written = at + 1;
    }
    out.write_all(&bytes[written..])
}

/// The parts of the base layout that are the same on every page of a lesson: its number and
/// title, and the navigation bar (one version per page it links to, with that link marked as
/// the current one). Made once, at start-up, instead of on every request: a tera value is
/// shared, not copied, so a page only takes a reference to it. The navigation bar is made as
/// HTML, escaped then by the same function as every page: a loop over eight links with three
/// lookups each was about a tenth of the template's work on every page (callgrind).
#[derive(Clone)]
pub(crate) struct Layout {
    lesson: Value,
    /// The navigation bar as seen from each linked path.
    nav: Vec<(&'static str, Value)>,
    /// ...and from any other page: no link is the current one.
    nav_elsewhere: Value,
}

/// The navigation bar's HTML, rendered once per linked path by [`Layout::of`].
const NAV: &str = "{% for item in nav %}<a href=\"{{ item.path }}\"{% if item.current %} \
                   class=\"current\"{% endif %}>{{ item.label }}</a>{% endfor %}";

impl Layout {
    pub(crate) fn of(lesson: &Lesson) -> Result<Layout, String> {
        let view = LessonView {
            number: format!("{:02}", lesson.number),
            title: lesson.title,
            package: lesson.package(),
        };
        let mut tera = Tera::new();
        tera.set_escape_fn(escape_html);
        tera.add_raw_template("nav.html", NAV).map_err(|error| format!("nav.html: {error}"))?;
        let nav_from = |here: Option<&str>| {
            let items: Vec<NavItem> = lesson
                .nav
                .iter()
                .map(|&(path, label)| NavItem { path, label, current: here == Some(path) })
                .collect();
            let mut context = Context::new();
            context.insert("nav", &items);
            let html = tera.render("nav.html", &context).map_err(|error| error.to_string())?;
            // Already escaped: the base layout prints it as it is.
            Ok::<_, String>(Value::safe_string(&html))
        };
        let mut nav = Vec::new();
        for &(path, _) in lesson.nav {
            nav.push((path, nav_from(Some(path))?));
        }
        Ok(Layout { lesson: Value::from_serializable(&view), nav, nav_elsewhere: nav_from(None)? })
    }

    fn nav(&self, path: &str) -> Value {
        let found = self.nav.iter().find(|(linked, _)| *linked == path);
        found.map_or(&self.nav_elsewhere, |(_, nav)| nav).clone()
    }
}

#[derive(Serialize)]
struct LessonView {
    number: String,
    title: &'static str,
    package: String,
}

#[derive(Serialize)]
struct NavItem {
    path: &'static str,
    label: &'static str,
    current: bool,
}

/// The `Content-Type` of a page. Made once: from a `&str`, every response copied the text into
/// a new allocation of its own.
const HTML: HeaderValue = HeaderValue::from_static("text/html; charset=utf-8");

/// Renders `template` with `context` and a 200 status.
pub fn render(req: &HttpRequest, template: &str, context: Context) -> HttpResponse {
    render_status(req, StatusCode::OK, template, context)
}

/// Renders `template` with `context`. The base layout gets, on top of `context`: `lesson`,
/// `nav`, `inspector` (what the cookie inspector shows) and `flashes` (empty unless given).
pub fn render_status(
    req: &HttpRequest,
    status: StatusCode,
    template: &str,
    context: Context,
) -> HttpResponse {
    let Some(site) = req.app_data::<web::Data<Site>>() else {
        return HttpResponse::InternalServerError().body("shared::Site is missing from the app");
    };
    render_for(site, req.path(), inspect(site, req), status, template, context)
}

/// What the cookie inspector shows for `req`.
fn inspect(site: &Site, req: &HttpRequest) -> inspector::Report {
    inspector::inspect(req, site.lesson().cookies, site.config().key(), site.other_keys())
}

fn render_for(
    site: &Site,
    path: &str,
    inspector: inspector::Report,
    status: StatusCode,
    template: &str,
    mut context: Context,
) -> HttpResponse {
    context.insert_value("lesson", site.layout().lesson.clone());
    context.insert_value("nav", site.layout().nav(path));
    context.insert("inspector", &inspector);
    if !context.contains_key("flashes") {
        context.insert("flashes", &Vec::<Flash>::new());
    }
    // Bytes, not a `String`: tera's `render` checks its own output is UTF-8 once more, a pass
    // over the whole page (the values and templates it is made of are `str` already).
    let mut html = Vec::with_capacity(8 * 1024);
    match site.tera().render_to(template, &context, &mut html) {
        Ok(()) => {
            let mut res = HttpResponse::build(status).content_type(HTML).body(html);
            // For the guard: this body has the marker where the response half goes.
            res.extensions_mut().insert(InspectorPage);
            res
        }
        Err(error) => {
            // A bug in the lesson, not in the request: say so plainly, in the log and the page.
            eprintln!("error: rendering {template}: {error}");
            HttpResponse::InternalServerError()
                .content_type("text/plain; charset=utf-8")
                .body(format!("template error in {template}: {error}"))
        }
    }
}

/// In a response's extensions: the body is a page of the base layout, with the marker where
/// the cookie inspector's response half goes.
#[derive(Clone, Copy)]
struct InspectorPage;

/// The cookie inspector's response half, put into a page where the base layout has its marker:
/// every `Set-Cookie` header `res` sends, decoded. The guard calls it on the final response,
/// after the session middleware (and the lesson's own) wrote their cookies; the handler that
/// rendered the page came before them and could not know.
///
/// Only the body changes, and only for a page [`render`] made whose body is complete
/// (`try_into_bytes`): the status and every header, `Set-Cookie` above all, stay as they are.
pub(crate) fn show_set_cookies(site: &Site, res: HttpResponse) -> HttpResponse {
    if !res.extensions().contains::<InspectorPage>() {
        return res;
    }
    let half = set_cookies_html(site, res.headers());
    let (res, body) = res.into_parts();
    let page = match body.try_into_bytes() {
        Ok(page) => page,
        Err(body) => return res.set_body(body),
    };
    // Near the end of the page: only the footnote comes after it, so the search is short.
    let found = page.windows(MARKER.len()).rposition(|window| window == MARKER);
    let Some(at) = found else { return res.set_body(BoxBody::new(page)) };
    let mut html = Vec::with_capacity(page.len() + half.len());
    html.extend_from_slice(&page[..at]);
    html.extend_from_slice(&half);
    html.extend_from_slice(&page[at + MARKER.len()..]);
    res.set_body(BoxBody::new(html))
}

/// The response half for `headers`: made once at start-up for a response without
/// `Set-Cookie` (most of them), rendered (autoescaped) for one with.
fn set_cookies_html(site: &Site, headers: &HeaderMap) -> Bytes {
    let mut values = headers.get_all(SET_COOKIE).peekable();
    if values.peek().is_none() {
        return site.no_set_cookie().clone();
    }
    let (kinds, key) = (site.lesson().cookies, site.config().key());
    let now = site.clock().now();
    let reports = inspector::inspect_set_cookies(
        values.map(HeaderValue::as_bytes),
        kinds,
        key,
        site.other_keys(),
        now,
    );
    match render_set_cookies(site.tera(), &reports) {
        Ok(html) => html,
        Err(error) => {
            eprintln!("error: rendering set-cookies.html: {error}");
            Bytes::new()
        }
    }
}

/// The response half's HTML for `reports` (none: "This response sets no cookie.").
pub(crate) fn render_set_cookies(
    tera: &Tera,
    reports: &[inspector::SetCookieReport],
) -> Result<Bytes, String> {
    let mut context = Context::new();
    context.insert("set_cookies", reports);
    let mut html = Vec::with_capacity(1024);
    tera.render_to("set-cookies.html", &context, &mut html).map_err(|error| error.to_string())?;
    Ok(Bytes::from(html))
}

/// A redirect to `location` with `303 See Other`: the browser follows it with a GET, so
/// reloading the page it lands on never re-sends a form (Flask's `redirect(url_for(...))`).
pub fn redirect(location: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((actix_web::http::header::LOCATION, location)).finish()
}

/// A clear error page with `status` and a sentence that says what was wrong. Under `/api/`
/// (lesson 15's JSON API) the same as JSON, `{"error": "..."}`: a program reads the answer.
pub fn error_page(req: &HttpRequest, status: StatusCode, message: &str) -> HttpResponse {
    match req.app_data::<web::Data<Site>>() {
        Some(site) => error_page_for(site, req.path(), || inspect(site, req), status, message),
        None => HttpResponse::build(status)
            .content_type("text/plain; charset=utf-8")
            .body(message.to_string()),
    }
}

/// `inspector`: what the cookie inspector shows, asked for only if the answer is a page.
fn error_page_for(
    site: &Site,
    path: &str,
    inspector: impl FnOnce() -> inspector::Report,
    status: StatusCode,
    message: &str,
) -> HttpResponse {
    if path.starts_with("/api/") {
        return HttpResponse::build(status).json(serde_json::json!({ "error": message }));
    }
    let mut context = Context::new();
    context.insert("status", &status.as_u16());
    context.insert("reason", status.canonical_reason().unwrap_or("Error"));
    context.insert("message", message);
    render_for(site, path, inspector(), status, "error.html", context)
}

/// An error a handler returns with `?`: a status and a sentence for the visitor. The guard
/// ([`crate::guard::check`]) turns it into the same page [`error_page`] makes.
///
/// ```ignore
/// async fn woof(path: web::Path<i64>, db: web::Data<Db>) -> Result<HttpResponse, PageError> {
///     let woof = woofs::find(&db, *path).await?.ok_or(PageError::not_found("No such woof."))?;
///     ...
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageError {
    status: StatusCode,
    message: String,
}

impl PageError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> PageError {
        PageError { status, message: message.into() }
    }

    /// 400: the request is wrong (a form field out of range, say).
    pub fn bad_request(message: impl Into<String>) -> PageError {
        PageError::new(StatusCode::BAD_REQUEST, message)
    }

    /// 403: this user may not do this.
    pub fn forbidden(message: impl Into<String>) -> PageError {
        PageError::new(StatusCode::FORBIDDEN, message)
    }

    /// 404: there is no such thing.
    pub fn not_found(message: impl Into<String>) -> PageError {
        PageError::new(StatusCode::NOT_FOUND, message)
    }

    /// 500: the server's fault; `what` goes to the log, the visitor gets a sentence.
    pub fn internal(what: impl std::fmt::Display) -> PageError {
        eprintln!("error: {what}");
        PageError::new(StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong on the server.")
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.message)
    }
}

/// The sentence as text, with the status, and the error itself kept in the response's
/// extensions: the guard finds it there and makes the page. A lesson's own error type (one that
/// also converts database errors, say) answers with `PageError`'s response and gets the page too.
/// Without the guard (an app built by hand) the text is what is sent.
impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status)
            .content_type("text/plain; charset=utf-8")
            .body(self.message.clone());
        res.extensions_mut().insert(self.clone());
        res
    }
}

/// What an error page needs from a request, taken before a middleware hands the request on:
/// when what is inside fails (a session store that does not answer), the request is gone
/// with the error, and the middleware still answers with a page.
///
/// ```ignore
/// let head = RequestHead::of(req.request());
/// match next.call(req).await {
///     Err(error) if store_failed(&error) => Err(head.error(StatusCode::SERVICE_UNAVAILABLE, "…")),
///     answer => answer,
/// }
/// ```
pub struct RequestHead {
    site: Option<Site>,
    /// The address, for its path: a copy of the request's shares its bytes (no allocation).
    uri: actix_web::http::Uri,
    /// Cheap to keep: a header value is shared bytes, turned into text only for a page.
    cookies: Vec<actix_web::http::header::HeaderValue>,
}

impl RequestHead {
    pub fn of(req: &HttpRequest) -> RequestHead {
        RequestHead {
            site: req.app_data::<web::Data<Site>>().map(|site| Site::clone(site)),
            uri: req.uri().clone(),
            cookies: req.headers().get_all(actix_web::http::header::COOKIE).cloned().collect(),
        }
    }

    /// The site the request was for, if the app has one.
    pub(crate) fn site(&self) -> Option<&Site> {
        self.site.as_ref()
    }

    /// The error page [`error_page`] would give, as an error a middleware returns.
    pub fn error(self, status: StatusCode, message: &str) -> actix_web::Error {
        let page = self.page(status, message);
        actix_web::error::InternalError::from_response(message.to_string(), page).into()
    }

    /// The error page itself.
    pub(crate) fn page(self, status: StatusCode, message: &str) -> HttpResponse {
        match &self.site {
            Some(site) => {
                let inspector = || {
                    let headers = self.cookies.iter();
                    let headers = headers.map(|value| inspector::header_text(value.as_bytes()));
                    let (kinds, key) = (site.lesson().cookies, site.config().key());
                    inspector::inspect_headers(
                        headers.collect(),
                        None,
                        kinds,
                        key,
                        site.other_keys(),
                    )
                };
                error_page_for(site, self.uri.path(), inspector, status, message)
            }
            None => HttpResponse::build(status).body(message.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_gives_the_same_bytes_as_teras_own() {
        let every_ascii: String = (0u8..128).map(char::from).collect();
        let samples = [
            "",
            "alice",
            "<script>alert('x')</script>",
            "&&&",
            "\"quoted\" & 'single'",
            "a<b>c&d\"e'f",
            "Caf\u{e9} \u{1f36a} <\u{e9}>",
            "<",
            "x&",
            every_ascii.as_str(),
        ];
        for sample in samples {
            let (mut ours, mut teras) = (Vec::new(), Vec::new());
            escape_html(sample, &mut ours).unwrap();
            tera::escape_html(sample, &mut teras).unwrap();
            assert_eq!(String::from_utf8(ours).unwrap(), String::from_utf8(teras).unwrap());
        }
    }

    #[test]
    fn the_navigation_marks_the_page_it_is_on_and_nothing_elsewhere() {
        static LESSON: Lesson = Lesson {
            number: 99,
            slug: "nav",
            title: "Navigation",
            nav: &[("/", "Home"), ("/login", "Log in"), ("/faq", "Q&A")],
            templates: &[],
            cookies: &[],
        };
        let layout = Layout::of(&LESSON).unwrap();
        let mut tera = Tera::new();
        tera.set_escape_fn(escape_html);
        tera.add_raw_template("nav.html", "{{ nav }}").unwrap();
        tera.add_raw_template("lesson.html", "{{ lesson.number }} {{ lesson.package }}").unwrap();
        let render = |name: &str, key: &str, value: Value| {
            let mut context = Context::new();
            context.insert_value(key.to_string(), value);
            tera.render(name, &context).unwrap()
        };
        let faq = r#"<a href="/faq">Q&amp;A</a>"#;
        let home =
            format!(r#"<a href="/" class="current">Home</a><a href="/login">Log in</a>{faq}"#);
        let login =
            format!(r#"<a href="/">Home</a><a href="/login" class="current">Log in</a>{faq}"#);
        let elsewhere = format!(r#"<a href="/">Home</a><a href="/login">Log in</a>{faq}"#);
        assert_eq!(render("nav.html", "nav", layout.nav("/")), home);
        assert_eq!(render("nav.html", "nav", layout.nav("/login")), login);
        assert_eq!(render("nav.html", "nav", layout.nav("/elsewhere")), elsewhere);
        assert_eq!(render("lesson.html", "lesson", layout.lesson.clone()), "99 lesson-99-nav");
    }

    #[test]
    fn templates_use_it_and_autoescape_stays_on() {
        let mut tera = Tera::new();
        tera.set_escape_fn(escape_html);
        tera.add_raw_template("page.html", "<p>{{ name }}</p>").unwrap();
        let mut context = Context::new();
        context.insert("name", "<b>O'Neil & \"Sons\"</b>");
        let html = tera.render("page.html", &context).unwrap();
        assert_eq!(html, "<p>&lt;b&gt;O&#39;Neil &amp; &quot;Sons&quot;&lt;/b&gt;</p>");
    }
}
