//! Lesson 07, flash messages: every `POST` answers with a `303` redirect, and its message waits
//! in the session for the page the redirect leads to, which shows it once (Flask's `flash` and
//! `get_flashed_messages`).

use blackbox::http::{Client, Response};
use blackbox::{Lesson, Visit, scenario};

pub static LESSON: Lesson = Lesson {
    folder: "07-flash-messages",
    clock: false,
    scenarios: &[
        scenario!(each_redirect_carries_its_message_to_the_next_page_once, diagram),
        scenario!(a_wrong_password_and_an_unknown_user_get_the_same_redirect_and_the_same_message),
        scenario!(empty_or_missing_fields_send_you_back_with_a_message),
        scenario!(a_message_from_before_the_login_does_not_follow_you_into_it),
        scenario!(a_message_waits_in_the_session_until_a_page_shows_it),
        scenario!(
            the_same_message_waits_only_once,
            differs: "the lesson keeps one copy of a message; Flask's list keeps every flash, repeats and all"
        ),
    ],
};

const FAILED: &str = "Wrong username or password.";
const EMPTY: &str = "Please enter a username and a password.";

/// The flash area of a page (`<ul class="flashes">` ... `</ul>`), or `""` when it has none.
fn flashes(page: &Response) -> &str {
    let body = page.body.as_str();
    let Some(start) = body.find(r#"<ul class="flashes">"#) else { return "" };
    let end = body[start..].find("</ul>").map_or(body.len(), |end| start + end);
    &body[start..end]
}

fn message(category: &str, text: &str) -> String {
    format!(r#"<li class="{category}">{text}</li>"#)
}

/// A browser that has just failed to log in, and not followed the redirect yet.
fn failed_once(visit: &Visit, username: &str, password: &str) -> Client {
    let mut browser = visit.browser();
    let page = browser.post("/login", &[("username", username), ("password", password)]);
    assert_eq!(page.status, 303, "{username} / {password}");
    assert!(page.redirects_to("/login"));
    browser
}

/// The page's main flow: a failed login, a login, a logout, each with its message on the page
/// the redirect leads to, shown once.
fn each_redirect_carries_its_message_to_the_next_page_once(visit: &mut Visit) {
    let mut browser = visit.browser();
    let page = browser.post("/login", &[("username", "aaa"), ("password", "wrong")]);
    assert_eq!(page.status, 303, "Post/Redirect/Get: no page for a POST");
    assert!(page.redirects_to("/login"));
    assert!(page.set_cookie("session").is_some(), "the message waits in the session cookie");
    let form = browser.follow(&page);
    assert!(flashes(&form).contains(&message("error", FAILED)), "{}", form.body);
    assert_eq!(flashes(&browser.get("/login")), "", "shown once");

    let page = browser.post("/login", &[("username", "aaa"), ("password", "open-sesame")]);
    assert_eq!(page.status, 303);
    assert!(page.redirects_to("/"));
    let profile = browser.follow(&page);
    assert!(profile.says("Profile of aaa"));
    assert!(flashes(&profile).contains(&message("success", "Welcome, aaa!")));
    assert_eq!(flashes(&browser.get("/")), "", "shown once");

    let page = browser.get("/logout");
    assert_eq!(page.status, 303);
    assert!(page.redirects_to("/login"));
    let form = browser.follow(&page);
    assert!(flashes(&form).contains(&message("info", "You have logged out.")));
}

/// One message for both failures, and an empty form: a redirect carries no field.
fn a_wrong_password_and_an_unknown_user_get_the_same_redirect_and_the_same_message(
    visit: &mut Visit,
) {
    for (username, password) in [("aaa", "0000"), ("nobody", "open-sesame")] {
        let mut browser = failed_once(visit, username, password);
        let form = browser.get("/login");
        assert!(flashes(&form).contains(&message("error", FAILED)), "{username}: {}", form.body);
        assert!(!form.says(&format!(r#"value="{username}""#)), "the form comes back empty");
        assert!(browser.get("/").redirects_to("/login"));
    }
}

fn empty_or_missing_fields_send_you_back_with_a_message(visit: &mut Visit) {
    let mut browser = visit.browser();
    let cases: [&[(&str, &str)]; 4] = [
        &[],
        &[("username", "aaa")],
        &[("password", "open-sesame")],
        &[("username", " "), ("password", "open-sesame")],
    ];
    for fields in cases {
        // A browser sends the form's type even when the form has no field; `post` only with one.
        let form_type = [("Content-Type", "application/x-www-form-urlencoded")];
        let headers: &[(&str, &str)] = if fields.is_empty() { &form_type } else { &[] };
        let page = browser.request("POST", "/login", fields, headers);
        assert!(page.redirects_to("/login"), "{fields:?}: {}", page.status);
        assert!(flashes(&browser.follow(&page)).contains(&message("error", EMPTY)), "{fields:?}");
    }
}

/// The login starts a new session: a failed attempt's message, never shown, is gone with the
/// old one (`session.clear()` in both versions; seed 003 keeps the session it has).
fn a_message_from_before_the_login_does_not_follow_you_into_it(visit: &mut Visit) {
    let mut browser = failed_once(visit, "bbb", "1111");
    let page = browser.post("/login", &[("username", "bbb"), ("password", "0000")]);
    assert!(page.redirects_to("/"));
    let profile = browser.follow(&page);
    assert!(flashes(&profile).contains(&message("success", "Welcome, bbb!")));
    assert!(!profile.says(FAILED), "the failed attempt's message stayed behind");
}

/// Nothing shows the message until a page is rendered: the redirect to `/` of an anonymous
/// visitor shows nothing and keeps it; the login form then shows it.
fn a_message_waits_in_the_session_until_a_page_shows_it(visit: &mut Visit) {
    let mut browser = failed_once(visit, "aaa", "wrong");
    assert!(browser.get("/").redirects_to("/login"), "a redirect shows no message");
    let form = browser.get("/login");
    assert!(flashes(&form).contains(&message("error", FAILED)), "still waiting");
    assert_eq!(flashes(&browser.get("/login")), "");
}

/// A script that posts and never follows the redirect: the lesson keeps one copy of the
/// message, Flask one per post (and a cookie that grows until the browser drops it).
fn the_same_message_waits_only_once(visit: &mut Visit) {
    let mut browser = visit.browser();
    for _ in 0..4 {
        let page = browser.post("/login", &[("username", "aaa")]);
        assert!(page.redirects_to("/login"));
    }
    let form = browser.get("/login");
    let shown = flashes(&form).matches(&message("error", EMPTY)).count();
    if visit.is_rust() {
        assert_eq!(shown, 1, "one copy: {}", flashes(&form));
    } else {
        assert_eq!(shown, 4, "one per flash: {}", flashes(&form));
    }
}
