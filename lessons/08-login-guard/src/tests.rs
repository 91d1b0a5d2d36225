//! What lesson 08 shows, as tests. Run with: just test 08
//!
//! The tutorial's user: `user1` / `mypassword` (stored as an Argon2id hash).

use actix_web::cookie::time::OffsetDateTime;
use actix_web::middleware::from_fn;
use actix_web::web;
use shared::hashing::Hashing;
use shared::testkit::{TestClient, TestResponse};
use shared::{Clock, Config, Site};

use crate::{CurrentUser, LESSON, Users, app, login, login_manager};

fn start() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap()
}

/// A browser on the app as `main` serves it: `site`, and the login manager made from it.
async fn client(site: Site) -> TestClient {
    let manager = web::Data::new(login_manager());
    TestClient::for_site(site, |site| app(site, manager)).await
}

async fn browser(clock: &Clock) -> TestClient {
    client(Site::with_clock(&LESSON, Config::for_tests(8), clock.clone()).unwrap()).await
}

/// Posts the login form as user1 with `extra` fields (`next`).
async fn log_in(browser: &mut TestClient, extra: &[(&str, &str)]) -> TestResponse {
    let mut fields = vec![("username", "user1"), ("password", "mypassword")];
    fields.extend_from_slice(extra);
    browser.post("/login", &fields).await
}

/// The flash area of a page (the base layout puts it above `<main>`), or `""`.
fn flashes(res: &TestResponse) -> &str {
    let body = res.body();
    let Some(start) = body.find(r#"<ul class="flashes">"#) else { return "" };
    let end = body[start..].find("</ul>").map_or(body.len(), |end| start + end);
    &body[start..end]
}

// ANCHOR: login_required
#[actix_web::test]
async fn an_anonymous_visit_to_protected_redirects_to_login_with_next_and_a_message() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    browser.get("/protected").await.assert_redirect("/login?next=%2Fprotected");
    let page = browser.get("/login?next=%2Fprotected").await;
    assert!(flashes(&page).contains("Please log in to access this page."), "{}", page.body());
    page.assert_contains(r#"<input type="hidden" name="next" value="/protected">"#);
}

#[actix_web::test]
async fn after_login_you_land_on_the_page_you_wanted() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    browser.get("/protected?tab=2").await.assert_redirect("/login?next=%2Fprotected%3Ftab%3D2");
    log_in(&mut browser, &[("next", "/protected?tab=2")]).await.assert_redirect("/protected?tab=2");
    browser.get("/protected").await.assert_contains("Logged in as user1");
}

/// A page for the test below only, in a scope of its own.
async fn account_page(user: CurrentUser) -> String {
    format!("The account of {}", user.id().unwrap_or_default())
}

#[actix_web::test]
async fn login_required_also_guards_a_whole_scope() {
    // Flask: `@bp.before_request @login_required`, for every view of a blueprint.
    let clock = Clock::manual(start());
    let site = Site::with_clock(&LESSON, Config::for_tests(8), clock).unwrap();
    let manager = web::Data::new(login_manager());
    let mut browser = TestClient::for_site(site, |site| {
        let guarded = web::scope("/account").wrap(from_fn(login::login_required::<Users>));
        app(site, manager).service(guarded.route("/name", web::get().to(account_page)))
    })
    .await;
    browser.get("/account/name").await.assert_redirect("/login?next=%2Faccount%2Fname");
    log_in(&mut browser, &[("next", "/account/name")]).await.assert_redirect("/account/name");
    browser.get("/account/name").await.assert_contains("The account of user1");
}

#[actix_web::test]
async fn without_next_a_login_lands_on_the_protected_page() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    log_in(&mut browser, &[]).await.assert_redirect("/protected");
}
// ANCHOR_END: login_required

// ANCHOR: next
#[actix_web::test]
async fn a_next_that_leaves_the_site_lands_on_the_default_page_instead() {
    let clock = Clock::manual(start());
    for next in [
        "//evil.example",
        "/\\evil.example",
        "https://evil.example",
        "javascript:alert(1)",
        "%2F%2Fevil.example",
        "/%2F/evil.example",
        "/%5Cevil.example",
        "/\t/evil.example",
    ] {
        let mut browser = browser(&clock).await;
        log_in(&mut browser, &[("next", next)]).await.assert_redirect("/protected");
    }
}

#[actix_web::test]
async fn an_encoded_next_in_the_address_is_refused_too() {
    // `%2F%2Fevil.example` in the address is `//evil.example` once the query is decoded.
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    let page = browser.get("/login?next=%2F%2Fevil.example").await;
    page.assert_contains(r#"name="next" value="//evil.example""#);
    log_in(&mut browser, &[("next", "//evil.example")]).await.assert_redirect("/protected");
}

#[actix_web::test]
async fn a_script_in_next_comes_back_escaped() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    let page = browser.get("/login?next=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E").await;
    page.assert_status(200);
    assert!(!page.body().contains("<script>"), "{}", page.body());
    page.assert_contains("&quot;&gt;&lt;script&gt;");
}

#[actix_web::test]
async fn a_next_that_is_not_utf8_is_not_an_error() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    // Refused before the lesson's code, by shared's guard: a clear 400 page.
    browser.get("/login?next=%ff%fe").await.assert_status(400).assert_contains("UTF-8");
    log_in(&mut browser, &[("next", "/caf\u{e9}")]).await.assert_redirect("/protected");
}
// ANCHOR_END: next

// ANCHOR: current_user
#[actix_web::test]
async fn current_user_is_anonymous_until_you_log_in_and_every_template_has_it() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    browser.get("/").await.assert_contains("You are not logged in!");
    browser.get("/logout").await.assert_not_contains("Logged in as");

    log_in(&mut browser, &[]).await;
    browser.get("/").await.assert_contains("Logged in as user1");
    browser.get("/protected").await.assert_contains("Logged in as user1");
    browser.get("/logout").await.assert_contains("Logged in as user1.");
}

#[actix_web::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_message_and_keep_next() {
    let clock = Clock::manual(start());
    for (username, password) in [("user1", "wrong"), ("nobody", "mypassword")] {
        let mut browser = browser(&clock).await;
        let fields = [("username", username), ("password", password), ("next", "/protected")];
        browser.post("/login", &fields).await.assert_redirect("/login?next=%2Fprotected");
        let page = browser.get("/login?next=%2Fprotected").await;
        assert!(flashes(&page).contains("Wrong username or password."));
        browser.get("/protected").await.assert_redirect("/login?next=%2Fprotected");
    }
}
// ANCHOR_END: current_user

// ANCHOR: accessors
/// A page for the test below only: what a handler sees of `current_user`, one accessor a line.
async fn what_a_handler_sees(current_user: CurrentUser) -> String {
    let name = current_user.user().map(|user| user.name);
    format!(
        "user: {name:?}\nid: {:?}\nis_authenticated: {}\nis_anonymous: {}",
        current_user.id(),
        current_user.is_authenticated(),
        current_user.is_anonymous(),
    )
}

#[actix_web::test]
async fn a_handler_asks_current_user_what_flask_login_users_ask() {
    let clock = Clock::manual(start());
    let site = Site::with_clock(&LESSON, Config::for_tests(8), clock).unwrap();
    let manager = web::Data::new(login_manager());
    let mut browser = TestClient::for_site(site, |site| {
        app(site, manager).route("/what-a-handler-sees", web::get().to(what_a_handler_sees))
    })
    .await;
    let sees = |page: TestResponse| page.assert_status(200).body().to_string();

    // Nobody signed in: the anonymous user, with no user and no id.
    let anonymous = "user: None\nid: None\nis_authenticated: false\nis_anonymous: true";
    assert_eq!(sees(browser.get("/what-a-handler-sees").await), anonymous);

    // Signed in: the user, their id.
    log_in(&mut browser, &[]).await;
    let signed_in = "user: Some(\"user1\")\nid: Some(\"user1\")\nis_authenticated: true\n\
                     is_anonymous: false";
    assert_eq!(sees(browser.get("/what-a-handler-sees").await), signed_in);

    // Logged out: anonymous again.
    browser.post("/logout", &[]).await;
    assert_eq!(sees(browser.get("/what-a-handler-sees").await), anonymous);
}
// ANCHOR_END: accessors

// ANCHOR: logout
#[actix_web::test]
async fn get_logout_only_shows_the_button_and_changes_nothing() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    log_in(&mut browser, &[]).await;
    let page = browser.get("/logout").await;
    page.assert_status(200).assert_contains(r#"<form method="post" action="/logout">"#);
    browser.get("/protected").await.assert_contains("Logged in as user1");
}

#[actix_web::test]
async fn post_logout_removes_the_session_cookie() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    log_in(&mut browser, &[]).await;

    let res = browser.post("/logout", &[]).await;
    res.assert_redirect("/login");
    res.set_cookie("session").assert_removal();
    assert_eq!(browser.cookie("session"), None);
    browser.get("/protected").await.assert_redirect("/login?next=%2Fprotected");
}
// ANCHOR_END: logout

#[actix_web::test]
async fn the_session_holds_the_user_id_and_nothing_secret() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    log_in(&mut browser, &[]).await;
    let page = browser.get("/session").await;
    page.assert_contains("<td><code>_user_id</code></td>");
    page.assert_not_contains("mypassword").assert_not_contains("argon2");
}

#[actix_web::test]
async fn garbage_in_the_session_cookie_means_anonymous_not_an_error() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    for garbage in ["", "x", "%%%", "|", "user1|99999999999", &"A".repeat(3000)] {
        browser.set_cookie("session", garbage);
        browser.get("/").await.assert_status(200).assert_contains("You are not logged in!");
        browser.get("/protected").await.assert_redirect("/login?next=%2Fprotected");
    }
}

#[actix_web::test]
async fn a_login_while_every_hashing_slot_is_busy_gets_a_503_with_retry_after() {
    let site = Site::with_clock(&LESSON, Config::for_tests(8), Clock::manual(start())).unwrap();
    let mut browser = client(site.with_hashing(Hashing::none_free())).await;
    let res = log_in(&mut browser, &[]).await;
    res.assert_status(503).assert_contains("Too many sign-ins at once");
    assert_eq!(res.header("retry-after"), Some("5"));
    browser.get("/protected").await.assert_status(303);
}

// ANCHOR: bad_input
// Bad cookies, bad forms, a wrong content type: a 4xx page or no cookie, never a 500.
shared::bad_input_tests!(crate::LESSON, client = super::client);
// ANCHOR_END: bad_input
