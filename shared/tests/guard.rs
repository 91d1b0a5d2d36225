//! The input guard in front of every lesson (`shared::guard`), on a two-route app of its own.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderValue, SET_COOKIE};
use actix_web::middleware::from_fn;
use actix_web::test::TestRequest;
use actix_web::{App, HttpResponse, web};
use serde::Deserialize;
use shared::testkit::TestClient;
use shared::{Lesson, PageError, Site};

static APP: Lesson = Lesson {
    number: 99,
    slug: "guard",
    title: "Guard",
    nav: &[("/", "Home")],
    templates: &[],
    cookies: &[],
};

#[derive(Deserialize)]
struct Echo {
    text: Option<String>,
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
        .route("/", web::get().to(|| async { HttpResponse::Ok().body("home") }))
        .route(
            "/refuse/{status}",
            web::get().to(|status: web::Path<u16>| async move {
                let status = actix_web::http::StatusCode::from_u16(status.into_inner())
                    .map_err(|_| Refusal(PageError::bad_request("not a status")))?;
                Err::<HttpResponse, _>(Refusal(PageError::new(status, "Refused <on purpose>.")))
            }),
        )
        .route(
            "/echo",
            web::post().to(|form: web::Form<Echo>| async move {
                HttpResponse::Ok().body(form.into_inner().text.unwrap_or_default())
            }),
        )
        .route(
            "/cookie/{bytes}",
            web::get().to(|bytes: web::Path<usize>| async move {
                let value = "c".repeat(bytes.into_inner());
                let mut res = HttpResponse::Ok().body("set");
                let header = HeaderValue::from_str(&format!("big={value}; Path=/"))
                    .expect("ASCII is a valid header");
                res.headers_mut().append(SET_COOKIE, header);
                res
            }),
        )
        .service(web::resource("/refused-by-a-middleware").wrap(from_fn(refuse)).route(
            web::get().to(|| async {
                HttpResponse::Ok().body("the handler, which the middleware refused")
            }),
        ))
        .wrap(from_fn(shared::guard::check))
        .default_service(web::to(shared::not_found))
}

/// A middleware that fails the request with an error of the lesson's own type.
async fn refuse(
    _req: actix_web::dev::ServiceRequest,
    _next: actix_web::middleware::Next<impl MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl MessageBody>, actix_web::Error> {
    let error = PageError::new(actix_web::http::StatusCode::SERVICE_UNAVAILABLE, "Down <now>.");
    Err::<actix_web::dev::ServiceResponse<actix_web::body::BoxBody>, _>(Refusal(error).into())
}

/// A lesson's own error type, answering with `PageError`'s response and a header of its own.
#[derive(Debug)]
struct Refusal(PageError);

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl actix_web::ResponseError for Refusal {
    fn status_code(&self) -> actix_web::http::StatusCode {
        self.0.status()
    }

    fn error_response(&self) -> HttpResponse {
        let mut res = self.0.error_response();
        res.headers_mut()
            .insert(actix_web::http::header::RETRY_AFTER, HeaderValue::from_static("5"));
        res
    }
}

fn form(body: &'static str) -> TestRequest {
    TestRequest::post()
        .uri("/echo")
        .insert_header(("content-type", "application/x-www-form-urlencoded"))
        .set_payload(body)
}

#[actix_web::test]
async fn a_form_in_utf8_reaches_the_handler_intact() {
    let mut browser = TestClient::new(&APP, app).await;
    let res = browser.send(form("text=caf%C3%A9+au+lait")).await;
    res.assert_status(200);
    assert_eq!(res.body(), "café au lait");
}

#[actix_web::test]
async fn a_form_field_that_is_not_utf8_gets_a_400_page_instead_of_replacement_characters() {
    let mut browser = TestClient::new(&APP, app).await;
    let res = browser.send(form("text=caf%E9")).await;
    res.assert_status(400).assert_contains("not valid UTF-8");
}

#[actix_web::test]
async fn a_query_parameter_that_is_not_utf8_gets_a_400_page() {
    let mut browser = TestClient::new(&APP, app).await;
    browser.get("/?q=%FF").await.assert_status(400).assert_contains("not valid UTF-8");
    browser.get("/?q=%C3%A9").await.assert_status(200);
}

#[actix_web::test]
async fn a_json_body_gets_a_415_page() {
    let mut browser = TestClient::new(&APP, app).await;
    let req = TestRequest::post()
        .uri("/echo")
        .insert_header(("content-type", "application/json"))
        .set_payload(r#"{"text":"x"}"#);
    browser.send(req).await.assert_status(415).assert_contains("Content type error");
}

#[actix_web::test]
async fn a_bare_post_without_a_body_is_left_to_the_handler() {
    let mut browser = TestClient::new(&APP, app).await;
    // actix-web's `Form` refuses a request without a form Content-Type, with a clear page.
    let res = browser.send(TestRequest::post().uri("/echo")).await;
    assert!(res.status().is_client_error(), "{}", res.status());
}

#[actix_web::test]
async fn a_body_over_16_kb_gets_a_413_page() {
    let mut browser = TestClient::new(&APP, app).await;
    let body: &'static str = Box::leak(format!("text={}", "x".repeat(17 * 1024)).into_boxed_str());
    browser.send(form(body)).await.assert_status(413).assert_contains("16 KB");
}

#[actix_web::test]
async fn a_cookie_over_4096_bytes_gets_a_431_page() {
    let mut browser = TestClient::new(&APP, app).await;
    browser.set_cookie("big", &"x".repeat(4097));
    browser.get("/").await.assert_status(431).assert_contains("4096");
    browser.set_cookie("big", &"x".repeat(4000));
    browser.get("/").await.assert_status(200);
}

#[actix_web::test]
async fn a_cookie_the_browser_would_drop_is_never_sent_the_page_says_so() {
    let mut browser = TestClient::new(&APP, app).await;
    browser.get("/cookie/4000").await.assert_status(200);
    assert!(browser.cookie("big").is_some());
    let res = browser.get("/cookie/5000").await;
    res.assert_status(413).assert_contains("browsers drop");
    assert!(!res.has_set_cookie("big"));
    assert_eq!(browser.cookie("big").map(str::len), Some(4000), "the old cookie is kept");
}

#[actix_web::test]
async fn an_error_a_handler_returns_with_the_question_mark_becomes_the_error_page() {
    let mut browser = TestClient::new(&APP, app).await;
    let res = browser.get("/refuse/403").await;
    res.assert_status(403);
    assert!(res.body().contains("<html"), "a whole page, with the layout: {}", res.body());
    assert_eq!(res.header("retry-after"), Some("5"), "the error's own headers stay");
    assert!(res.body().contains("Refused &lt;on purpose&gt;."), "escaped: {}", res.body());
    assert_eq!(res.header("content-type"), Some("text/html; charset=utf-8"));

    let res = browser.get("/refuse/42").await;
    res.assert_status(400);
    assert!(res.body().contains("not a status"));
}

#[actix_web::test]
async fn an_address_no_route_matches_gets_the_404_page() {
    let mut browser = TestClient::new(&APP, app).await;
    let res = browser.get("/nowhere").await;
    res.assert_status(404);
    assert!(res.body().contains("There is no page at this address in this lesson."));
}

#[actix_web::test]
async fn an_error_a_middleware_returns_becomes_the_error_page_too() {
    let mut browser = TestClient::new(&APP, app).await;
    // A middleware's error is what the server answers with (here: the error page, a 503),
    // not a response the app returns: the test kit reports it as `Err`, with its status and type.
    let req = TestRequest::get().uri("/refused-by-a-middleware");
    let Err(error) = browser.try_send_raw(req).await else { panic!("the middleware refused") };
    assert!(error.contains("Down <now>."), "{error}");
    assert!(error.contains("(503 Service Unavailable, text/html; charset=utf-8)"), "{error}");
}
