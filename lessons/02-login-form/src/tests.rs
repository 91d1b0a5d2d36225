//! What lesson 02 shows, as tests. Run with: just test 02

use actix_web::cookie::SameSite;
use actix_web::test::TestRequest;
use shared::testkit::TestClient;

use crate::{LESSON, app};

#[actix_web::test]
async fn the_login_page_shows_a_form_posting_username() {
    let mut browser = TestClient::new(&LESSON, app).await;
    browser
        .get("/login")
        .await
        .assert_status(200)
        .assert_contains(r#"<form method="post" action="/login">"#)
        .assert_contains(r#"name="username""#);
}

// ANCHOR: login_flow
#[actix_web::test]
async fn logging_in_keeps_the_name_in_a_cookie_and_redirects_home_which_greets_by_name() {
    let mut browser = TestClient::new(&LESSON, app).await;
    let res = browser.post("/login", &[("username", "alice")]).await;
    res.assert_redirect("/");
    assert_eq!(res.set_cookie("username").value(), "alice", "in plain text, for anyone to read");

    browser
        .get("/")
        .await
        .assert_status(200)
        .assert_contains(r#"<h1 id="greeting">Hello, alice!</h1>"#)
        .assert_contains(r#"<a href="/logout">"#);
}
// ANCHOR_END: login_flow

#[actix_web::test]
async fn the_cookie_is_for_the_whole_site_http_only_and_same_site_lax() {
    let mut browser = TestClient::new(&LESSON, app).await;
    let res = browser.post("/login", &[("username", "alice")]).await;
    res.set_cookie("username")
        .assert_path("/")
        .assert_http_only()
        .assert_same_site(SameSite::Lax)
        .assert_browser_session();
}

// ANCHOR: redirects
#[actix_web::test]
async fn an_anonymous_visitor_is_greeted_as_guest_and_sent_to_the_login_form() {
    let mut browser = TestClient::new(&LESSON, app).await;
    browser
        .get("/")
        .await
        .assert_status(200)
        .assert_contains(r#"<h1 id="greeting">Hello, Guest!</h1>"#)
        .assert_contains(r#"<a href="/login">"#);
}

#[actix_web::test]
async fn the_login_page_sends_a_logged_in_user_home() {
    let mut browser = TestClient::new(&LESSON, app).await;
    browser.post("/login", &[("username", "alice")]).await;
    browser.get("/login").await.assert_redirect("/");
}

#[actix_web::test]
async fn logout_removes_the_cookie_and_redirects_to_login() {
    let mut browser = TestClient::new(&LESSON, app).await;
    browser.post("/login", &[("username", "alice")]).await;
    let res = browser.get("/logout").await;
    res.assert_redirect("/login");
    res.set_cookie("username").assert_removal();
    browser.get("/").await.assert_contains(r#"<h1 id="greeting">Hello, Guest!</h1>"#);
}
// ANCHOR_END: redirects

/// The local addresses a page links to (`href="/..."`), the navigation bar included.
fn links(html: &str) -> Vec<String> {
    let hrefs = html.split(r#"href=""#).skip(1).filter_map(|rest| rest.split('"').next());
    hrefs.filter(|href| href.starts_with('/')).map(str::to_string).collect()
}

#[actix_web::test]
async fn every_link_on_the_pages_leads_to_a_page_not_a_404() {
    // Seed 001 serves its logout at `/logoug`: a link to `/logout` would find nothing there.
    let mut guest = TestClient::new(&LESSON, app).await;
    let mut found = links(guest.get("/").await.body());
    found.extend(links(guest.get("/login").await.body()));
    let mut alice = TestClient::new(&LESSON, app).await;
    alice.post("/login", &[("username", "alice")]).await;
    found.extend(links(alice.get("/").await.body()));
    assert!(found.contains(&"/logout".to_string()), "no link to /logout in {found:?}");
    for link in found {
        let mut browser = TestClient::new(&LESSON, app).await;
        browser.post("/login", &[("username", "alice")]).await;
        let status = browser.get(&link).await.status();
        assert!(status.is_success() || status.is_redirection(), "GET {link}: {status}");
    }
}

#[actix_web::test]
async fn an_address_is_not_a_user_page_an_unknown_path_is_a_404() {
    // Seed 004 first greets on `/<usr>`: every path is a user page, `/admin` and `/favicon.ico`
    // included, greeting whatever the address says. Here the name comes from the login, on `/`.
    let mut browser = TestClient::new(&LESSON, app).await;
    for path in ["/admin", "/alice", "/favicon.ico"] {
        browser.get(path).await.assert_status(404).assert_not_contains(r#"id="greeting""#);
    }
    browser.post("/login", &[("username", "alice")]).await.assert_redirect("/");
    browser.get("/alice").await.assert_status(404).assert_not_contains("Hello, alice!");
}

// ANCHOR: forgery
#[actix_web::test]
async fn a_forged_user_cookie_is_accepted() {
    let mut browser = TestClient::new(&LESSON, app).await;
    // Nobody logged in. The client just claims to be admin, and the server cannot tell.
    browser.set_cookie("username", "admin");
    browser
        .get("/")
        .await
        .assert_status(200)
        .assert_contains(r#"<h1 id="greeting">Hello, admin!</h1>"#);
}
// ANCHOR_END: forgery

#[actix_web::test]
async fn a_missing_or_empty_name_reshows_the_form_with_a_message_and_400() {
    let mut browser = TestClient::new(&LESSON, app).await;
    for fields in [&[][..], &[("username", "")], &[("username", "   ")], &[("other", "x")]] {
        let res = browser.post("/login", fields).await;
        res.assert_status(400)
            .assert_contains("Please enter a name of 1 to 64 characters.")
            .assert_contains(r#"name="username""#);
        assert!(!res.has_set_cookie("username"));
    }
}

#[actix_web::test]
async fn a_name_too_long_for_a_cookie_is_refused_with_400() {
    let mut browser = TestClient::new(&LESSON, app).await;
    let long = "a".repeat(65);
    let res = browser.post("/login", &[("username", long.as_str())]).await;
    res.assert_status(400).assert_contains("1 to 64 characters");
    assert!(!res.has_set_cookie("username"));
}

#[actix_web::test]
async fn a_body_that_is_not_a_form_gets_a_clear_415_page() {
    let mut browser = TestClient::new(&LESSON, app).await;
    let req = TestRequest::post()
        .uri("/login")
        .insert_header(("content-type", "application/json"))
        .set_payload(r#"{"username":"alice"}"#);
    browser.send(req).await.assert_status(415).assert_contains("Content type error");
}

#[actix_web::test]
async fn an_oversized_form_gets_a_clear_413_page() {
    let mut browser = TestClient::new(&LESSON, app).await;
    let huge = "a".repeat(1024 * 1024);
    let res = browser.post("/login", &[("username", huge.as_str())]).await;
    res.assert_status(413);
    assert!(res.body().contains("413"), "{}", res.body());
}

// ANCHOR: escaping
#[actix_web::test]
async fn a_script_in_the_name_comes_back_escaped() {
    let mut browser = TestClient::new(&LESSON, app).await;
    browser.post("/login", &[("username", "<script>alert(1)</script>")]).await;
    let res = browser.get("/").await;
    res.assert_contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    assert!(!res.body().contains("<script>"));
}
// ANCHOR_END: escaping

#[actix_web::test]
async fn non_ascii_names_survive_the_cookie() {
    let mut browser = TestClient::new(&LESSON, app).await;
    browser.post("/login", &[("username", "Jürgen; Müller")]).await;
    browser.get("/").await.assert_contains("Jürgen; Müller");
}

// Bad cookies, bad forms, a wrong content type: a 4xx page or no cookie, never a 500.
shared::bad_input_tests!(crate::LESSON, crate::app);
