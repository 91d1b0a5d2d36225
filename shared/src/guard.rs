//! The input guard: checks every lesson gets for free, in front of the lesson's own code.
//!
//! A lesson teaches cookies and sessions, not how to survive a hostile client, so what is not
//! the lesson's subject is refused here with a clear 4xx page before a handler runs:
//!
//! - a cookie over 4096 bytes (browsers never send one; someone made it by hand): 431;
//! - a POST body that is not an HTML form (`Content-Type` other than
//!   `application/x-www-form-urlencoded`): 415;
//! - a form body over the 16 KB limit: 413;
//! - a form field or query parameter that is not valid UTF-8 once percent-decoded: 400.
//!   (actix-web's `Form` and `Query` decode such bytes lossily, as `U+FFFD`, and a handler
//!   would store the mangled text without a word. Flask/Werkzeug does the same, for the record.)
//!
//! And on the way out: a `Set-Cookie` whose name and value exceed 4096 bytes would be dropped
//! by the browser without a word (the data "stored" in it silently lost), so the response
//! becomes a 413 page that says so, and no cookie is changed. Then, as the guard is outside the
//! lesson's own middleware and sees the response as it will be sent, it fills in the cookie
//! inspector's second half: the `Set-Cookie` headers of this response, in the page's body only.
//!
//! It also gives the app what turns actix-web's own refusals into pages: a form, path or query
//! the handler's extractor cannot read becomes a 400 page that says which part was wrong (not
//! the parser's text), and a handler's [`PageError`] (returned with `?`) becomes the error page
//! with the base layout and the cookie inspector.
//!
//! A lesson adds it with one line, `.wrap(from_fn(shared::guard::check))`, which lesson 01's page
//! explains. Production servers do the same checks in a reverse proxy or in their framework's
//! configuration; here they live in `shared` so every lesson has them and no lesson repeats them.

use std::rc::Rc;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Extensions, Payload, ServiceRequest, ServiceResponse};
use actix_web::error::{InternalError, PathError, QueryPayloadError, UrlencodedError};
use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_LENGTH, CONTENT_TYPE, COOKIE, SET_COOKIE};
use actix_web::middleware::Next;
use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use percent_encoding::percent_decode;

use crate::Site;
use crate::web_pages::{PageError, RequestHead, error_page, show_set_cookies};

/// The most a browser stores for one cookie: its name and value together.
pub const MAX_COOKIE_BYTES: usize = 4096;

/// The largest form body a lesson accepts (the `FormConfig` limit too).
pub const MAX_FORM_BYTES: usize = 16 * 1024;

const FORM: &str = "application/x-www-form-urlencoded";

/// The guard, as a middleware: `.wrap(from_fn(shared::guard::check))` on the `App`.
pub async fn check(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    // What the extractors (`web::Form`, `web::Path`, `web::Query`) do with bad input: the
    // handlers below this middleware find these settings as if the app had set them with
    // `App::app_data` (a lesson's own `app_data` on a route or scope still wins).
    req.add_data_container(EXTRACTORS.with(Rc::clone));
    if let Some(refusal) = refuse_request(&mut req).await {
        let (http_req, _) = req.into_parts();
        let res = error_page(&http_req, refusal.0, &refusal.1);
        return Ok(with_set_cookies(ServiceResponse::new(http_req, res)));
    }
    // What the page needs if a middleware inside fails the request with a `PageError` (a user
    // loader whose database does not answer): the request itself goes in with the call.
    let head = RequestHead::of(req.request());
    let res = match next.call(req).await {
        Ok(res) => res.map_into_boxed_body(),
        Err(error) => return Err(page_for_middleware_error(error, head)),
    };
    Ok(with_set_cookies(check_response(page_for_page_error(res))))
}

/// The cookie inspector's response half, filled in on a page: see [`show_set_cookies`].
fn with_set_cookies(res: ServiceResponse<BoxBody>) -> ServiceResponse<BoxBody> {
    let (req, res) = res.into_parts();
    let res = match req.app_data::<web::Data<Site>>() {
        Some(site) => show_set_cookies(site, res),
        None => res,
    };
    ServiceResponse::new(req, res)
}

/// A middleware's `Err` that carries a `PageError` (in its response's extensions): the error
/// page, as for a handler's, with the error response's other headers. Any other error keeps its
/// response (taken out to look at it, and put back: an `InternalError` gives its response once).
/// Either way, a page gets the inspector's response half.
fn page_for_middleware_error(error: actix_web::Error, head: RequestHead) -> actix_web::Error {
    let site = head.site().cloned();
    let show = |res| match &site {
        Some(site) => show_set_cookies(site, res),
        None => res,
    };
    let original = error.error_response();
    let Some(page_error) = original.extensions().get::<PageError>().cloned() else {
        return InternalError::from_response(error.to_string(), show(original)).into();
    };
    let mut page = head.page(page_error.status(), page_error.message());
    copy_headers(&original, &mut page);
    InternalError::from_response(page_error, show(page)).into()
}

/// The headers of `from` that `to` lacks, but the body's (`Content-Type`, `Content-Length`).
fn copy_headers(from: &HttpResponse, to: &mut HttpResponse) {
    for (name, value) in from.headers() {
        if name != CONTENT_TYPE && name != CONTENT_LENGTH && !to.headers().contains_key(name) {
            to.headers_mut().append(name.clone(), value.clone());
        }
    }
}

thread_local! {
    /// One set of extractor settings per worker thread (an `Rc`: shared by its requests).
    static EXTRACTORS: Rc<Extensions> = Rc::new(extractor_settings());
}

fn extractor_settings() -> Extensions {
    let mut settings = Extensions::new();
    settings.insert(web::FormConfig::default().limit(MAX_FORM_BYTES).error_handler(bad_form));
    settings.insert(web::PayloadConfig::new(MAX_FORM_BYTES));
    settings.insert(web::PathConfig::default().error_handler(bad_path));
    settings.insert(web::QueryConfig::default().error_handler(bad_query));
    settings
}

/// A handler that returned `Err(PageError)` (with `?`, or an error type of the lesson's that
/// answers with `PageError`'s response) gets the error page, with the base layout and the cookie
/// inspector: the error alone cannot render it (`ResponseError` has no request), the guard can.
fn page_for_page_error(res: ServiceResponse<BoxBody>) -> ServiceResponse<BoxBody> {
    let Some(error) = res.response().extensions().get::<PageError>().cloned() else {
        return res;
    };
    let (status, message) = (error.status(), error.message().to_string());
    let (req, original) = res.into_parts();
    let mut page = error_page(&req, status, &message);
    // Headers the error's response carried (a `Retry-After`, a `WWW-Authenticate`) stay.
    copy_headers(&original, &mut page);
    ServiceResponse::new(req, page)
}

/// A form that cannot be read: what was wrong, in words, not the parser's.
fn bad_form(error: UrlencodedError, req: &HttpRequest) -> actix_web::Error {
    let message = match &error {
        UrlencodedError::Overflow { .. } | UrlencodedError::UnknownLength => {
            "The form is too large for this page.".to_string()
        }
        UrlencodedError::ContentType => {
            "This page takes a form (application/x-www-form-urlencoded), not this kind of body."
                .to_string()
        }
        UrlencodedError::Parse(_) => {
            "The form could not be read: a field is repeated, or has a value this page cannot \
             take (a number where a number is expected, text that is valid UTF-8)."
                .to_string()
        }
        other => format!("The form could not be read: {other}."),
    };
    clear_4xx(error, req, &message)
}

/// A part of the address that is not what the route expects (`/woofs/abc` for a number).
fn bad_path(error: PathError, req: &HttpRequest) -> actix_web::Error {
    let message = "This address is not valid here: a part of it is not what this page expects \
                   (a number, say).";
    clear_4xx(error, req, message)
}

/// A query string (after `?`) that the page cannot read.
fn bad_query(error: QueryPayloadError, req: &HttpRequest) -> actix_web::Error {
    let message = "The part of the address after `?` is not valid for this page: a value is \
                   repeated, or is not what the page expects.";
    clear_4xx(error, req, message)
}

fn clear_4xx<E: ResponseError + 'static>(
    error: E,
    req: &HttpRequest,
    message: &str,
) -> actix_web::Error {
    let page = error_page(req, error.status_code(), message);
    InternalError::from_response(error, page).into()
}

type Refusal = (StatusCode, String);

async fn refuse_request(req: &mut ServiceRequest) -> Option<Refusal> {
    if let Some(size) = oversized_cookie(req.request()) {
        return Some((
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            format!(
                "A cookie in this request is {size} bytes long; browsers never send one over \
                 {MAX_COOKIE_BYTES}. Delete this site's cookies and try again."
            ),
        ));
    }
    if !is_utf8_form(req.query_string().as_bytes()) {
        return Some((
            StatusCode::BAD_REQUEST,
            "The address has a parameter that is not valid UTF-8 text.".to_string(),
        ));
    }
    if !has_body(req) {
        return None;
    }
    if let Some(content_type) = req.headers().get(CONTENT_TYPE) {
        let mime = content_type.to_str().unwrap_or("").split(';').next().unwrap_or("").trim();
        if !mime.eq_ignore_ascii_case(FORM) {
            let shown = String::from_utf8_lossy(content_type.as_bytes()).into_owned();
            return Some((
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!("Content type error: this page takes an HTML form ({FORM}), not {shown}."),
            ));
        }
    } else {
        // No Content-Type with an empty body is a bare POST (a logout button, curl -X POST);
        // the lesson's `Form` extractor answers it if the page needs fields.
        return None;
    }
    let body = match read_body(req).await {
        Ok(body) => body,
        Err(refusal) => return Some(refusal),
    };
    let bad = !is_utf8_form(&body);
    req.set_payload(Payload::from(body));
    bad.then(|| (StatusCode::BAD_REQUEST, "A form field is not valid UTF-8 text.".to_string()))
}

/// A request that may carry a body: a method other than GET/HEAD with a non-zero or unknown length.
fn has_body(req: &ServiceRequest) -> bool {
    if req.method() == actix_web::http::Method::GET || req.method() == actix_web::http::Method::HEAD
    {
        return false;
    }
    req.headers().contains_key(CONTENT_TYPE)
        || req.headers().get("content-length").is_some_and(|len| len.as_bytes() != b"0")
}

/// Reads the body, up to [`MAX_FORM_BYTES`] (the `PayloadConfig` limit set above): a
/// bigger one is refused without reading it all.
async fn read_body(req: &mut ServiceRequest) -> Result<Bytes, Refusal> {
    req.extract::<Bytes>().await.map_err(|error| {
        let status = error.as_response_error().status_code();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            let limit = MAX_FORM_BYTES / 1024;
            (status, format!("This form is over the {limit} KB a lesson accepts."))
        } else {
            (StatusCode::BAD_REQUEST, format!("The form could not be read: {error}"))
        }
    })
}

/// The longest `name=value` among the request's cookies, in bytes, if it is over
/// [`MAX_COOKIE_BYTES`]. A header no longer than that cannot hold such a cookie: it is not
/// split and measured piece by piece (every request has one).
fn oversized_cookie(req: &HttpRequest) -> Option<usize> {
    req.headers()
        .get_all(COOKIE)
        .filter(|value| value.len() > MAX_COOKIE_BYTES)
        .flat_map(|value| value.as_bytes().split(|&b| b == b';'))
        .map(|piece| piece.trim_ascii().len())
        .max()
        .filter(|&size| size > MAX_COOKIE_BYTES)
}

/// Whether every name and value of an `application/x-www-form-urlencoded` text is UTF-8 once
/// `%XX` is decoded (`+` stands for a space, which is UTF-8 either way).
pub fn is_utf8_form(form: &[u8]) -> bool {
    form.split(|&b| b == b'&')
        .flat_map(|pair| pair.splitn(2, |&b| b == b'='))
        .all(|part| percent_decode(part).decode_utf8().is_ok())
}

fn check_response(res: ServiceResponse<BoxBody>) -> ServiceResponse<BoxBody> {
    let too_big = res
        .headers()
        .get_all(SET_COOKIE)
        .map(|value| value.as_bytes().split(|&b| b == b';').next().unwrap_or(b"").len())
        .find(|&len| len > MAX_COOKIE_BYTES);
    let Some(size) = too_big else { return res };
    let (req, _) = res.into_parts();
    let message = format!(
        "Not stored: the data would make a cookie of {size} bytes, and browsers drop any cookie \
         over {MAX_COOKIE_BYTES} without a word. Nothing was changed."
    );
    eprintln!("error: {} {}: {message}", req.method(), req.path());
    let page = error_page(&req, StatusCode::PAYLOAD_TOO_LARGE, &message);
    ServiceResponse::new(req, page)
}

#[cfg(test)]
mod tests {
    //! The cookie inspector's response half, which the guard fills in: a small app with a
    //! middleware that writes a cookie after the handler (as the session middleware does), and
    //! one just inside the guard that records what the guard was given.

    use std::collections::BTreeMap;
    use std::convert::Infallible;
    use std::pin::Pin;
    use std::sync::Mutex;
    use std::task::{Context as TaskContext, Poll};

    use actix_web::App;
    use actix_web::body::BodySize;
    use actix_web::cookie::{Cookie, CookieJar, SameSite};
    use actix_web::dev::ServiceFactory;
    use actix_web::http::header::{HeaderMap, HeaderValue};
    use actix_web::middleware::from_fn;
    use actix_web::test::TestRequest;

    use super::*;
    use crate::testkit::{TestClient, TestResponse};
    use crate::{Config, Context, CookieKind, Lesson, render};

    static LESSON: Lesson = Lesson {
        number: 98,
        slug: "inspector",
        title: "The inspector's second half",
        nav: &[],
        templates: &[(
            "page.html",
            "{% extends \"base.html\" %}{% block content %}<p>A page.</p>{% endblock content %}",
        )],
        cookies: &[("user", CookieKind::Plain), ("session", CookieKind::Private)],
    };

    /// What the guard got from inside, for the last request.
    #[derive(Default)]
    struct Inside(Mutex<Option<Recorded>>);

    #[derive(Debug, Clone, PartialEq)]
    struct Recorded {
        status: StatusCode,
        headers: BTreeMap<String, Vec<Vec<u8>>>,
        /// `None` for a streamed body.
        body: Option<Bytes>,
    }

    /// Every header, byte for byte, the values of one name in the order sent.
    fn all_headers(map: &HeaderMap) -> BTreeMap<String, Vec<Vec<u8>>> {
        let mut all = BTreeMap::<String, Vec<Vec<u8>>>::new();
        for (name, value) in map {
            all.entry(name.as_str().to_string()).or_default().push(value.as_bytes().to_vec());
        }
        all
    }

    fn app(
        site: Site,
    ) -> App<
        impl ServiceFactory<
            ServiceRequest,
            Config = (),
            Response = ServiceResponse<impl MessageBody>,
            Error = actix_web::Error,
            InitError = (),
        >,
    > {
        App::new()
            .app_data(web::Data::new(site))
            .route("/page", web::get().to(page))
            .route("/quiet", web::get().to(quiet))
            .route("/redirect", web::get().to(redirect_with_cookie))
            .route("/stream", web::get().to(stream))
            .route("/error", web::get().to(page_error))
            .route("/too-big", web::get().to(too_big))
            .wrap(from_fn(session_like))
            .wrap(from_fn(record))
            .wrap(from_fn(check))
            .default_service(web::to(crate::not_found))
    }

    /// A page that sets two cookies itself: a plain one and one the lesson does not declare.
    async fn page(req: HttpRequest) -> HttpResponse {
        let mut res = render(&req, "page.html", Context::new());
        let headers = res.headers_mut();
        headers.append(SET_COOKIE, HeaderValue::from_static("user=al%20ice; Path=/; HttpOnly"));
        headers.append(SET_COOKIE, HeaderValue::from_static("theme=<b>dark</b>; Max-Age=300"));
        res
    }

    async fn quiet(req: HttpRequest) -> HttpResponse {
        render(&req, "page.html", Context::new())
    }

    async fn redirect_with_cookie() -> HttpResponse {
        let mut res = crate::redirect("/page");
        res.headers_mut().append(SET_COOKIE, HeaderValue::from_static("user=bob; Path=/"));
        res
    }

    /// A body in one chunk of unknown length, as a streamed one.
    struct Chunked(Option<Bytes>);

    impl MessageBody for Chunked {
        type Error = Infallible;

        fn size(&self) -> BodySize {
            BodySize::Stream
        }

        fn poll_next(
            self: Pin<&mut Self>,
            _: &mut TaskContext<'_>,
        ) -> Poll<Option<Result<Bytes, Infallible>>> {
            Poll::Ready(self.get_mut().0.take().map(Ok))
        }
    }

    /// A rendered page sent as a stream.
    async fn stream(req: HttpRequest) -> HttpResponse {
        let (res, body) = render(&req, "page.html", Context::new()).into_parts();
        let bytes = body.try_into_bytes().unwrap_or_default();
        res.set_body(BoxBody::new(Chunked(Some(bytes))))
    }

    async fn page_error() -> Result<HttpResponse, PageError> {
        Err(PageError::forbidden("Not yours."))
    }

    async fn too_big(req: HttpRequest) -> HttpResponse {
        let mut res = render(&req, "page.html", Context::new());
        let cookie = format!("user={}", "a".repeat(MAX_COOKIE_BYTES));
        res.headers_mut().append(SET_COOKIE, HeaderValue::from_str(&cookie).unwrap());
        res
    }

    /// As the session middleware: writes an encrypted `session` cookie after the handler
    /// (when the address asks for it with `?session`).
    async fn session_like(
        req: ServiceRequest,
        next: Next<impl MessageBody + 'static>,
    ) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
        let wants = req.query_string() == "session";
        let site = Site::clone(req.app_data::<web::Data<Site>>().unwrap());
        let mut res = next.call(req).await?;
        if wants {
            let mut jar = CookieJar::new();
            let session = Cookie::build("session", r#"{"n":"1"}"#)
                .path("/")
                .http_only(true)
                .same_site(SameSite::Lax)
                .finish();
            jar.private_mut(site.key()).add(session);
            let header = jar.delta().next().unwrap().encoded().to_string();
            res.headers_mut().append(SET_COOKIE, HeaderValue::from_str(&header).unwrap());
        }
        Ok(res)
    }

    /// Just inside the guard: keeps what the guard is given.
    async fn record(
        req: ServiceRequest,
        next: Next<impl MessageBody + 'static>,
    ) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
        let inside = req.app_data::<web::Data<Site>>().unwrap().state::<Inside>();
        let (req, res) = next.call(req).await?.map_into_boxed_body().into_parts();
        let (res, body) = res.into_parts();
        let (body, recorded) = match body.try_into_bytes() {
            Ok(bytes) => (BoxBody::new(bytes.clone()), Some(bytes)),
            Err(body) => (body, None),
        };
        let headers = all_headers(res.headers());
        *inside.0.lock().unwrap() =
            Some(Recorded { status: res.status(), headers, body: recorded });
        Ok(ServiceResponse::new(req, res.set_body(body)))
    }

    async fn client() -> TestClient {
        TestClient::new(&LESSON, app).await
    }

    /// A request without cookies, and what the guard was given for it.
    async fn get(browser: &mut TestClient, path: &str) -> (TestResponse, Option<Recorded>) {
        let res = browser.send_raw(TestRequest::get().uri(path)).await;
        let inside = browser.site().state::<Inside>().0.lock().unwrap().take();
        (res, inside)
    }

    fn set_cookie_headers(res: &TestResponse) -> Vec<String> {
        let headers = res.headers().get_all(SET_COOKIE);
        headers.map(|value| value.to_str().unwrap().to_string()).collect()
    }

    #[actix_web::test]
    async fn a_page_shows_every_set_cookie_of_the_final_response_the_session_middlewares_included()
    {
        let mut browser = client().await;
        let (res, _) = get(&mut browser, "/page?session").await;
        let shown = res.inspected_set_cookies();
        let headers: Vec<String> = shown.iter().map(|row| row.header.clone()).collect();
        assert_eq!(headers, set_cookie_headers(&res), "the headers as the client got them");
        assert_eq!(headers.len(), 3);
        shown[0]
            .assert_says("plain: Plain cookie: the browser keeps \"al ice\" as it is")
            .assert_says("HttpOnly: JavaScript cannot read it");
        shown[1]
            .assert_says("unknown: This lesson does not declare this cookie")
            .assert_says("Max-Age 300: the browser keeps it 5 minutes");
        shown[2]
            .assert_says(r#"decrypted: Encrypted with the server's key; decrypted: {"n":"1"}."#)
            .assert_says("SameSite=Lax: not sent with other sites' POSTs");
        // Escaped like everything else on the page; the marker is gone.
        assert!(res.body().contains("theme=&lt;b&gt;dark&lt;/b&gt;; Max-Age=300"));
        assert!(!res.body().contains("<b>dark</b>"));
        assert!(!res.body().contains("<!-- set-cookies -->"));
        assert!(!res.inspector_says_no_set_cookie());
    }

    #[actix_web::test]
    async fn a_page_that_sets_no_cookie_says_so() {
        let mut browser = client().await;
        let (res, _) = get(&mut browser, "/quiet").await;
        assert!(res.inspector_says_no_set_cookie(), "{}", res.body());
        assert!(res.inspected_set_cookies().is_empty());
    }

    #[actix_web::test]
    async fn the_inspector_changes_no_header_and_adds_only_its_half_to_the_body() {
        let mut browser = client().await;
        // (Not an error page: the guard makes a page of a `PageError`'s text, as it always did.)
        for path in ["/page?session", "/quiet", "/redirect", "/stream", "/nope"] {
            let (res, inside) = get(&mut browser, path).await;
            let inside = inside.expect("the app answered");
            assert_eq!(res.status(), inside.status, "{path}");
            assert_eq!(all_headers(res.headers()), inside.headers, "{path}: the headers");
            let Some(body) = inside.body else {
                // A stream is left as it is: its marker stays, nothing is filled in.
                assert_eq!(path, "/stream");
                assert!(res.body().contains("<!-- set-cookies -->"));
                continue;
            };
            let body = String::from_utf8(body.to_vec()).unwrap();
            match body.rsplit_once("<!-- set-cookies -->") {
                Some((before, after)) => {
                    assert!(res.body().starts_with(before), "{path}");
                    assert!(res.body().ends_with(after), "{path}");
                    assert!(res.body().len() > body.len(), "{path}");
                }
                // A redirect's empty body, say.
                None => assert_eq!(res.body(), body, "{path}"),
            }
        }
    }

    #[actix_web::test]
    async fn a_redirect_has_no_page_and_keeps_its_empty_body() {
        let mut browser = client().await;
        let (res, _) = get(&mut browser, "/redirect").await;
        res.assert_redirect("/page");
        assert_eq!(res.body(), "");
        assert_eq!(set_cookie_headers(&res), ["user=bob; Path=/"]);
    }

    #[actix_web::test]
    async fn error_pages_show_the_half_too() {
        let mut browser = client().await;
        // A handler's `PageError`: the page keeps the cookie the session middleware wrote.
        let (res, _) = get(&mut browser, "/error?session").await;
        res.assert_status(403).assert_contains("Not yours.");
        res.inspected_set_cookies()[0].assert_says("decrypted");
        // The guard's own pages, and a middleware's error page: no cookie set.
        let (res, _) = get(&mut browser, "/nope").await;
        res.assert_status(404);
        assert!(res.inspector_says_no_set_cookie());
        let (res, _) = get(&mut browser, "/too-big").await;
        res.assert_status(413);
        assert!(set_cookie_headers(&res).is_empty());
        assert!(res.inspector_says_no_set_cookie());
        let json = TestRequest::post()
            .uri("/page")
            .insert_header((CONTENT_TYPE, "application/json"))
            .set_payload("{}");
        let res = browser.send_raw(json).await;
        res.assert_status(415);
        assert!(res.inspector_says_no_set_cookie());
    }

    #[actix_web::test]
    async fn a_middlewares_error_page_shows_the_half_too() {
        let site = Site::new(&LESSON, Config::for_tests(98)).unwrap();
        let req =
            TestRequest::get().uri("/outage").app_data(web::Data::new(site)).to_http_request();
        let error = PageError::new(StatusCode::SERVICE_UNAVAILABLE, "No store.").into();
        let page = page_for_middleware_error(error, RequestHead::of(&req)).error_response();
        assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE);
        let body = actix_web::body::to_bytes(page.into_body()).await.unwrap();
        let body = String::from_utf8(body.to_vec()).unwrap();
        assert!(body.contains("No store."), "{body}");
        assert!(body.contains(r#"<p id="no-set-cookie">This response sets no cookie.</p>"#));
    }

    #[test]
    fn the_base_layout_has_the_marker_once_and_the_half_compiles_into_every_site() {
        let base = include_str!("../templates/base.html");
        assert_eq!(base.matches("<!-- set-cookies -->").count(), 1);
        assert!(Site::new(&LESSON, Config::for_tests(98)).is_ok());
    }
}
