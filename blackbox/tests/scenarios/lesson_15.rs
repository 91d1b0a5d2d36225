//! Lesson 15, API tokens: a JSON API for clients that keep no cookies. A signed-in dog makes a
//! token on `/tokens` (shown once, only its hash kept), a script sends it as
//! `Authorization: Bearer <token>`, and revoking it ends it at once. An API call without good
//! credentials gets 401 and JSON, never the login page; a good token needs no CSRF token.
//!
//! The helpers (`log_in`, `make_token`, ...) are lesson 16's too: it is this lesson plus JWTs.

use blackbox::{Client, Lesson, Response, Visit, scenario};

pub static LESSON: Lesson = Lesson {
    folder: "15-api-tokens",
    clock: false,
    scenarios: &[
        scenario!(make_a_token_call_the_api_with_it_then_revoke_it, diagram),
        scenario!(an_api_call_without_credentials_gets_401_json_and_a_bearer_challenge),
        scenario!(a_token_is_shown_once_and_the_tokens_page_keeps_only_its_name),
        scenario!(the_same_current_user_for_the_cookie_session_and_an_api_token),
        scenario!(making_tokens_needs_a_fresh_login_not_a_remember_cookie_nor_a_token),
        scenario!(only_its_owner_can_revoke_a_token),
        scenario!(a_good_bearer_token_needs_no_csrf_token_and_leaves_the_browsers_session_alone),
        scenario!(
            a_post_with_the_browsers_cookies_needs_the_csrf_token_whatever_authorization_says,
            differs: "both refuse it; with 403 here, as lesson 14 does, and with Flask-WTF's 400 in Flask"
        ),
        scenario!(
            a_refused_token_never_falls_back_on_the_browsers_session,
            differs: "the lesson reads the Authorization header first and answers 401; Flask-Login asks its request_loader last, so the browser's session cookie wins"
        ),
        scenario!(
            a_refused_token_gets_a_401_that_says_why,
            differs: "the lesson's 401 names the reason and RFC 6750's error=\"invalid_token\"; Flask's request_loader can only return None, so its 401 says \"Authentication required\""
        ),
    ],
};

/// The demo user of every lesson from 08 on.
pub const USER: &str = "user1";
pub const PASSWORD: &str = "mypassword";

/// The hidden `csrf_token` field of the first form on the page.
pub fn csrf_token(page: &Response) -> String {
    let marker = r#"name="csrf_token" value=""#;
    let start = page.body.find(marker).unwrap_or_else(|| panic!("no csrf_token in the page"));
    let rest = &page.body[start + marker.len()..];
    rest[..rest.find('"').expect("the end of the csrf_token value")].to_string()
}

/// Posts the form of page `form_page` to `path`, with that page's CSRF token.
pub fn submit(
    browser: &mut Client,
    form_page: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> Response {
    let token = csrf_token(&browser.get(form_page));
    let mut form = fields.to_vec();
    form.push(("csrf_token", &token));
    browser.post(path, &form)
}

/// Logs `browser` in with the login form (and "Remember me" when `remember`).
pub fn log_in(browser: &mut Client, username: &str, password: &str, remember: bool) {
    let mut fields = vec![("username", username), ("password", password)];
    if remember {
        fields.push(("remember", "on"));
    }
    let answer = submit(browser, "/login", "/login", &fields);
    assert!(answer.redirects_to("/protected"), "logged in as {username}: {}", answer.status);
}

/// Registers a dog `name` (password "good boy!") and returns a browser logged in as it.
pub fn new_dog(visit: &Visit, name: &str) -> Client {
    let mut browser = visit.browser();
    let email = format!("{name}@example.com");
    let fields = [("username", name), ("email", &email), ("password", "good boy!")];
    let answer = submit(&mut browser, "/register", "/register", &fields);
    assert!(answer.redirects_to("/login"), "registered {name}: {}", answer.status);
    log_in(&mut browser, name, "good boy!", false);
    browser
}

/// Makes an API token named `name` on the `/tokens` page, as the signed-in `browser`: the
/// token, shown this once.
pub fn make_token(browser: &mut Client, name: &str) -> String {
    let page = submit(browser, "/tokens", "/tokens", &[("name", name)]);
    assert_eq!(page.status, 201, "a new token");
    new_token(&page)
}

fn new_token(page: &Response) -> String {
    let marker = r#"<code id="new-token">"#;
    let start = page.body.find(marker).expect("the new token on the page") + marker.len();
    let rest = &page.body[start..];
    rest[..rest.find('<').expect("the end of the token")].to_string()
}

/// The revoke address of the token named `name` on the `/tokens` page.
pub fn revoke_path(page: &Response, name: &str) -> String {
    let row = page
        .body
        .split("<tr id=\"token-")
        .skip(1)
        .find(|row| row.contains(&format!("<td>{name}</td>")))
        .unwrap_or_else(|| panic!("no token {name:?} on the page"));
    format!("/tokens/{}/revoke", &row[..row.find('"').expect("the row's id")])
}

/// `Bearer <token>`, for an `Authorization` header.
pub fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// A call as curl makes it: `Authorization` when given, and a form when not empty. The API
/// never hands out a cookie, whatever the call and whatever its answer.
pub fn call(
    client: &mut Client,
    method: &str,
    path: &str,
    form: &[(&str, &str)],
    authorization: Option<&str>,
) -> Response {
    let headers: Vec<(&str, &str)> =
        authorization.map(|a| ("Authorization", a)).into_iter().collect();
    let answer = client.request(method, path, form, &headers);
    assert!(answer.set_cookies().is_empty(), "an API answer set a cookie");
    answer
}

/// A JSON answer's `"name":"..."` string, or its `"name":123` number as text.
pub fn field(answer: &Response, name: &str) -> Option<String> {
    assert!(
        answer.header("content-type").is_some_and(|t| t.starts_with("application/json")),
        "JSON: {:?}",
        answer.header("content-type")
    );
    let start = answer.body.find(&format!("\"{name}\":"))? + name.len() + 3;
    let rest = &answer.body[start..];
    Some(match rest.strip_prefix('"') {
        Some(text) => text[..text.find('"')?].to_string(),
        None => rest[..rest.find([',', '}'])?].to_string(),
    })
}

/// A 401 as the API gives it: JSON with an error, a `Bearer` challenge, no redirect.
pub fn assert_401(answer: &Response) {
    assert_eq!(answer.status, 401);
    assert!(field(answer, "error").is_some(), "a JSON error");
    let challenge = answer.header("www-authenticate").unwrap_or_default();
    assert!(challenge.starts_with(r#"Bearer realm="session-lessons API""#), "{challenge:?}");
    assert_eq!(answer.location(), None, "never the login page");
}

/// The main flow: a token made on the page works on the API, with no cookie and no CSRF
/// token, until it is revoked.
fn make_a_token_call_the_api_with_it_then_revoke_it(visit: &mut Visit) {
    let mut browser = visit.browser();
    log_in(&mut browser, USER, PASSWORD, false);
    let page = submit(&mut browser, "/tokens", "/tokens", &[("name", "diagram script")]);
    assert_eq!(page.status, 201);
    let token = new_token(&page);
    assert!(token.starts_with("woof_"), "prefixed, for secret scanners: {token}");

    let mut curl = visit.browser();
    let me = call(&mut curl, "GET", "/api/me", &[], Some(&bearer(&token)));
    assert_eq!(me.status, 200);
    assert_eq!(field(&me, "username").as_deref(), Some(USER));
    assert_eq!(field(&me, "via").as_deref(), Some("api token"));
    let woof =
        call(&mut curl, "POST", "/api/woofs", &[("body", "Woof from curl")], Some(&bearer(&token)));
    assert_eq!(woof.status, 201, "no cookie, no CSRF token: the token is enough");
    assert_eq!(field(&woof, "body").as_deref(), Some("Woof from curl"));

    let revoke = revoke_path(&page, "diagram script");
    let answer = browser.post(&revoke, &[("csrf_token", &csrf_token(&page))]);
    assert!(answer.redirects_to("/tokens"));
    assert_401(&call(&mut curl, "GET", "/api/me", &[], Some(&bearer(&token))));
}

fn an_api_call_without_credentials_gets_401_json_and_a_bearer_challenge(visit: &mut Visit) {
    let mut curl = visit.browser();
    for (method, path, form) in [
        ("GET", "/api/me", &[][..]),
        ("GET", "/api/woofs", &[]),
        ("POST", "/api/woofs", &[("body", "Woof")]),
    ] {
        let answer = call(&mut curl, method, path, form, None);
        assert_401(&answer);
        assert!(field(&answer, "error").is_some_and(|e| e.contains("Authentication required")));
        assert!(!answer.header("www-authenticate").unwrap_or_default().contains("error="));
    }
    // A page in a browser is still sent to the login page.
    let mut browser = visit.browser();
    assert!(browser.get("/protected").redirects_to("/login?next=%2Fprotected"));
}

fn a_token_is_shown_once_and_the_tokens_page_keeps_only_its_name(visit: &mut Visit) {
    let mut browser = visit.browser();
    log_in(&mut browser, USER, PASSWORD, false);
    let made = submit(&mut browser, "/tokens", "/tokens", &[("name", "laptop script")]);
    assert_eq!(
        made.header("cache-control"),
        Some("no-store"),
        "a page with a token is never cached"
    );
    let token = new_token(&made);
    let page = browser.get("/tokens");
    assert_eq!(page.status, 200);
    assert_eq!(page.header("cache-control"), Some("no-store"));
    assert!(page.says("<td>laptop script</td>"));
    assert!(!page.says(&token), "shown once: the server keeps only its hash");

    let too_long = "n".repeat(65);
    for name in ["", "   ", too_long.as_str()] {
        let refused = submit(&mut browser, "/tokens", "/tokens", &[("name", name)]);
        assert_eq!(refused.status, 422, "name {name:?}");
        assert!(!refused.says("new-token"));
    }
}

fn the_same_current_user_for_the_cookie_session_and_an_api_token(visit: &mut Visit) {
    let mut browser = visit.browser();
    log_in(&mut browser, USER, PASSWORD, false);
    let token = make_token(&mut browser, "same user");
    let by_cookie = browser.get("/api/me");
    assert_eq!(by_cookie.status, 200, "a page's script may call the API with the cookie");
    assert_eq!(field(&by_cookie, "via").as_deref(), Some("session cookie"));

    let mut curl = visit.browser();
    let by_token = call(&mut curl, "GET", "/api/me", &[], Some(&bearer(&token)));
    assert_eq!(field(&by_token, "via").as_deref(), Some("api token"));
    for name in ["id", "username", "email"] {
        assert_eq!(field(&by_token, name), field(&by_cookie, name), "{name}");
    }
    // The pages know the user too: one `current_user`, whichever carrier brought it.
    let page = curl.request("GET", "/protected", &[], &[("Authorization", &bearer(&token))]);
    assert_eq!(page.status, 200);
    assert!(page.says("Logged in as user1"));
}

fn making_tokens_needs_a_fresh_login_not_a_remember_cookie_nor_a_token(visit: &mut Visit) {
    let mut browser = visit.browser();
    log_in(&mut browser, USER, PASSWORD, true);
    let token = make_token(&mut browser, "cannot make more");
    // Close the browser: the session cookie goes, the remember cookie stays.
    browser.forget(None);
    assert!(browser.cookie("remember_token").is_some());
    assert!(browser.get("/protected").says("Logged in as user1"), "remembered...");
    assert!(browser.get("/tokens").redirects_to("/login?next=%2Ftokens"), "...but not fresh");

    let mut curl = visit.browser();
    let list = call(&mut curl, "GET", "/tokens", &[], Some(&bearer(&token)));
    let another = call(&mut curl, "POST", "/tokens", &[("name", "another")], Some(&bearer(&token)));
    for answer in [list, another] {
        assert_401(&answer);
        assert!(
            field(&answer, "error").is_some_and(|e| e.contains("needs a login with the password"))
        );
    }
}

fn only_its_owner_can_revoke_a_token(visit: &mut Visit) {
    let mut rex = new_dog(visit, "rex15");
    let token = make_token(&mut rex, "rex script");
    let revoke = revoke_path(&rex.get("/tokens"), "rex script");

    let mut other = visit.browser();
    log_in(&mut other, USER, PASSWORD, false);
    assert!(!other.get("/tokens").says("rex script"), "another dog's tokens are not listed");
    let refused = submit(&mut other, "/tokens", &revoke, &[]);
    assert_eq!(refused.status, 404, "none of this dog's business whether it exists");
    let mut curl = visit.browser();
    let me = call(&mut curl, "GET", "/api/me", &[], Some(&bearer(&token)));
    assert_eq!(field(&me, "username").as_deref(), Some("rex15"), "still working");
}

fn a_good_bearer_token_needs_no_csrf_token_and_leaves_the_browsers_session_alone(
    visit: &mut Visit,
) {
    let mut browser = visit.browser();
    log_in(&mut browser, USER, PASSWORD, false);
    let token = make_token(&mut browser, "with the cookie too");
    let session = browser.cookie("session");
    // The browser's cookies go along, the token speaks for the request: no CSRF token needed.
    let with_token = bearer(&token);
    let headers = [("Authorization", with_token.as_str())];
    let answer = browser.request("POST", "/api/woofs", &[("body", "Woof with a token")], &headers);
    assert_eq!(answer.status, 201);
    assert_eq!(browser.cookie("session"), session, "the same session, not a new one");
    assert!(browser.get("/").says("Woof with a token"));
    assert!(browser.get("/protected").says("Logged in as user1"), "still logged in");
}

/// CSRF rides on what a browser sends by itself, its cookies: a post made with them needs the
/// form's token, and a made-up `Authorization` header does not switch that off.
fn a_post_with_the_browsers_cookies_needs_the_csrf_token_whatever_authorization_says(
    visit: &mut Visit,
) {
    let mut browser = visit.browser();
    log_in(&mut browser, USER, PASSWORD, false);
    // Refused as lesson 14 refuses a form without its token: 403 here, Flask-WTF's 400.
    let refused = if visit.is_rust() { 403 } else { 400 };
    // As another site's form would send it: the cookies alone. Under /api/ the refusal is JSON.
    let forged = browser.post("/api/woofs", &[("body", "Forged woof")]);
    assert_eq!(forged.status, refused);
    assert!(field(&forged, "error").is_some_and(|e| e.contains("CSRF token")));
    let made_up = [("Authorization", "Bearer x")];
    let forged = browser.request("POST", "/woofs", &[("body", "Forged woof")], &made_up);
    assert_eq!(forged.status, refused);
    let forged = browser.request("POST", "/logout", &[], &made_up);
    assert_eq!(forged.status, refused);
    assert!(browser.get("/protected").says("Logged in as user1"), "still logged in");
    assert!(!browser.get("/").says("Forged woof"));
    // A script of this site's pages sends the token it read from the page: fine.
    let answer =
        submit(&mut browser, "/", "/api/woofs", &[("body", "Woof from the page's script")]);
    assert_eq!(answer.status, 201);
}

fn a_refused_token_never_falls_back_on_the_browsers_session(visit: &mut Visit) {
    let mut browser = visit.browser();
    log_in(&mut browser, USER, PASSWORD, false);
    let made_up = [("Authorization", "Bearer woof_made_up")];
    let me = browser.request("GET", "/api/me", &[], &made_up);
    let page = browser.request("GET", "/protected", &[], &made_up);
    if visit.is_rust() {
        // The header speaks for the request: 401, and not the cookie's user.
        assert_401(&me);
        assert_401(&page);
    } else {
        // Flask-Login finds the session's user first and never asks the request_loader.
        assert_eq!(me.status, 200);
        assert_eq!(field(&me, "via").as_deref(), Some("session cookie"));
        assert_eq!(page.status, 200);
    }
    assert!(browser.get("/protected").says("Logged in as user1"));
}

fn a_refused_token_gets_a_401_that_says_why(visit: &mut Visit) {
    let mut curl = visit.browser();
    for (authorization, reason) in [
        ("Bearer woof_made_up", "unknown or has been revoked"),
        ("Token woof_made_up", "must be `Bearer <token>`"),
    ] {
        let answer = call(&mut curl, "GET", "/api/me", &[], Some(authorization));
        assert_401(&answer);
        let error = field(&answer, "error").unwrap_or_default();
        let challenge = answer.header("www-authenticate").unwrap_or_default();
        if visit.is_rust() {
            assert!(error.contains(reason), "{error:?}");
            assert!(challenge.contains(r#"error="invalid_token""#), "{challenge:?}");
        } else {
            assert!(error.contains("Authentication required"), "{error:?}");
            assert!(!challenge.contains("error="), "{challenge:?}");
        }
    }
}
