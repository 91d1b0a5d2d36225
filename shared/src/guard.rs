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
//! becomes a 413 page that says so, and no cookie is changed.
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

use crate::web_pages::{PageError, RequestHead, error_page};

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
        return Ok(ServiceResponse::new(http_req, res));
    }
    // What the page needs if a middleware inside fails the request with a `PageError` (a user
    // loader whose database does not answer): the request itself goes in with the call.
    let head = RequestHead::of(req.request());
    let res = match next.call(req).await {
        Ok(res) => res.map_into_boxed_body(),
        Err(error) => return Err(page_for_middleware_error(error, head)),
    };
    Ok(check_response(page_for_page_error(res)))
}

/// A middleware's `Err` that carries a `PageError` (in its response's extensions): the error
/// page, as for a handler's, with the error response's other headers. Any other error keeps its
/// response (taken out to look at it, and put back: an `InternalError` gives its response once).
fn page_for_middleware_error(error: actix_web::Error, head: RequestHead) -> actix_web::Error {
    let original = error.error_response();
    let Some(page_error) = original.extensions().get::<PageError>().cloned() else {
        return InternalError::from_response(error.to_string(), original).into();
    };
    let mut page = head.page(page_error.status(), page_error.message());
    copy_headers(&original, &mut page);
    InternalError::from_response(page_error, page).into()
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
