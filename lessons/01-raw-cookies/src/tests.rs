//! What lesson 01 shows, as tests. Run with: just test 01

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header::{COOKIE, SET_COOKIE};
use actix_web::test::TestRequest;
use shared::testkit::TestClient;

use crate::{LESSON, app};

#[actix_web::test]
async fn a_visitor_without_the_cookie_is_greeted_as_guest() {
    let mut browser = TestClient::new(&LESSON, app).await;
    browser.get("/").await.assert_status(200).assert_contains("Hello, Guest!");
}

// ANCHOR: round_trip
#[actix_web::test]
async fn a_cookie_set_by_the_server_comes_back_on_the_next_request() {
    let mut browser = TestClient::new(&LESSON, app).await;
    let res = browser.get("/set_cookie/alice").await;
    res.assert_status(200).assert_contains("Cookie set for alice");
    assert_eq!(res.set_cookie("username").value(), "alice");

    // The test client behaves like a browser: it sends the cookie back by itself.
    assert_eq!(browser.cookie_header(), "username=alice");
    browser.get("/").await.assert_contains("Hello, alice!");
}
// ANCHOR_END: round_trip

// ANCHOR: attributes
#[actix_web::test]
async fn the_cookie_is_for_the_whole_site_http_only_and_same_site_lax() {
    let mut browser = TestClient::new(&LESSON, app).await;
    let res = browser.get("/set_cookie/alice").await;
    res.set_cookie("username")
        .assert_path("/")
        .assert_http_only()
        .assert_same_site(SameSite::Lax)
        .assert_secure(false)
        .assert_browser_session();
}
// ANCHOR_END: attributes

#[actix_web::test]
async fn delete_cookie_sends_a_removal_cookie_and_the_greeting_goes_back_to_guest() {
    let mut browser = TestClient::new(&LESSON, app).await;
    browser.get("/set_cookie/alice").await;
    let res = browser.get("/delete_cookie").await;
    res.assert_contains("Cookie has been deleted");
    res.set_cookie("username").assert_removal().assert_path("/");
    assert_eq!(browser.cookie("username"), None, "the browser dropped it");
    browser.get("/").await.assert_contains("Hello, Guest!");
}

// ANCHOR: forgery
#[actix_web::test]
async fn a_client_can_forge_any_value_and_the_server_believes_it() {
    let mut browser = TestClient::new(&LESSON, app).await;
    // No visit to /set_cookie at all: the client simply sends what it likes.
    browser.set_cookie("username", "admin");
    browser.get("/").await.assert_contains("Hello, admin!");
}
// ANCHOR_END: forgery

// ANCHOR: escaping
#[actix_web::test]
async fn a_script_in_the_username_comes_back_escaped() {
    let mut browser = TestClient::new(&LESSON, app).await;
    browser.get("/set_cookie/%3Cscript%3Ealert(1)%3C%2Fscript%3E").await;
    let res = browser.get("/").await;
    res.assert_contains("Hello, &lt;script&gt;alert(1)&lt;/script&gt;!");
    // A forged, unencoded cookie is escaped too, in the greeting and in the inspector.
    browser.set_cookie("username", "<script>alert(2)</script>");
    let res = browser.get("/").await;
    res.assert_contains("Hello, &lt;script&gt;alert(2)&lt;/script&gt;!");
    assert!(!res.body().contains("<script>"), "{}", res.body());
}
// ANCHOR_END: escaping

// ANCHOR: encoding
#[actix_web::test]
async fn spaces_semicolons_and_non_ascii_survive_the_round_trip() {
    let mut browser = TestClient::new(&LESSON, app).await;
    let res = browser.get("/set_cookie/J%C3%BCrgen%20de%3B%20la").await;
    assert_eq!(res.set_cookie("username").value(), "J%C3%BCrgen%20de%3B%20la");
    browser.get("/").await.assert_contains("Hello, Jürgen de; la!");
}
// ANCHOR_END: encoding

#[actix_web::test]
async fn a_username_too_long_for_a_cookie_is_refused_with_400() {
    let mut browser = TestClient::new(&LESSON, app).await;
    let res = browser.get(&format!("/set_cookie/{}", "a".repeat(65))).await;
    res.assert_status(400).assert_contains("at most 64 characters");
    assert!(!res.has_set_cookie("username"));
}

#[actix_web::test]
async fn the_inspector_shows_the_cookie_header_exactly_as_received() {
    let mut browser = TestClient::new(&LESSON, app).await;
    let req = TestRequest::get().uri("/").insert_header((COOKIE, "username=bob;theme=dark"));
    let res = browser.send_raw(req).await;
    assert!(res.body().contains(r#"<pre id="cookie-header">username=bob;theme=dark</pre>"#));
    assert!(res.body().contains("the server believes whatever it says"));
    assert!(res.body().contains("This lesson does not use this cookie."));
}

#[actix_web::test]
async fn the_inspector_shows_the_cookie_this_response_sets_with_its_attributes_in_words() {
    let mut browser = TestClient::new(&LESSON, app).await;
    let res = browser.get("/set_cookie/alice").await;
    let shown = res.inspected_set_cookies();
    assert_eq!(shown.len(), 1);
    // The header exactly as the browser got it, and what it asks the browser to keep.
    assert_eq!(Some(shown[0].header.as_str()), res.header("set-cookie"));
    shown[0]
        .assert_says("plain: Plain cookie: the browser keeps \"alice\" as it is")
        .assert_says("no Max-Age or Expires: gone when the browser closes")
        .assert_says("Path=/: every page of the site")
        .assert_says("HttpOnly: JavaScript cannot read it")
        .assert_says("SameSite=Lax: not sent with other sites' POSTs");
}

#[actix_web::test]
async fn the_inspector_shows_delete_cookie_as_a_removal() {
    let mut browser = TestClient::new(&LESSON, app).await;
    browser.get("/set_cookie/alice").await;
    let res = browser.get("/delete_cookie").await;
    let shown = res.inspected_set_cookies();
    assert_eq!(shown.len(), 1);
    shown[0]
        .assert_says("removal: A removal: the browser deletes its \"username\" cookie.")
        .assert_says("Max-Age 0: the browser deletes it at once");
}

#[actix_web::test]
async fn a_page_that_sets_no_cookie_says_so() {
    let mut browser = TestClient::new(&LESSON, app).await;
    browser.get("/set_cookie/alice").await;
    // The cookie comes back in the request half; this response sets none.
    let res = browser.get("/").await;
    assert!(res.body().contains(r#"<pre id="cookie-header">username=alice</pre>"#));
    assert!(res.inspector_says_no_set_cookie());
}

#[actix_web::test]
async fn the_set_cookie_header_is_the_lessons_byte_for_byte_and_the_page_shows_that_one() {
    let mut browser = TestClient::new(&LESSON, app).await;
    let res = browser.get("/set_cookie/J%C3%BCrgen%20de%3B%20la").await;
    // What `set_cookie` builds, written here independently: the inspector added nothing to it.
    let expected = Cookie::build("username", "Jürgen de; la")
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .finish()
        .encoded()
        .to_string();
    let sent: Vec<&[u8]> = res.headers().get_all(SET_COOKIE).map(|v| v.as_bytes()).collect();
    assert_eq!(sent, [expected.as_bytes()]);
    let shown = res.inspected_set_cookies();
    assert_eq!(shown[0].header, expected);
    // Decoded as the server will read it back.
    shown[0].assert_says("the browser keeps \"Jürgen de; la\"");
}

#[actix_web::test]
async fn a_malformed_or_non_utf8_cookie_header_is_treated_as_no_cookie() {
    let mut browser = TestClient::new(&LESSON, app).await;
    for header in [&b"username"[..], b";;=;", b"username=\xff\xfe"] {
        let req = TestRequest::get().uri("/").insert_header((
            COOKIE,
            actix_web::http::header::HeaderValue::from_bytes(header).unwrap(),
        ));
        browser.send_raw(req).await.assert_status(200).assert_contains("Hello, Guest!");
    }
}

#[actix_web::test]
async fn an_unknown_page_is_a_clear_404() {
    let mut browser = TestClient::new(&LESSON, app).await;
    browser.get("/nope").await.assert_status(404).assert_contains("There is no page");
}

// Bad cookies, bad forms, a wrong content type: a 4xx page or no cookie, never a 500.
shared::bad_input_tests!(crate::LESSON, crate::app);
