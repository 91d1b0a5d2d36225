//! Lesson 02, a login form: a form posts `username` to `/login`, the server keeps it in a plain
//! cookie and redirects home with a 303; `/logout` removes the cookie. Still nothing protects it.

use blackbox::{Lesson, Visit, scenario};

pub static LESSON: Lesson = Lesson {
    folder: "02-login-form",
    clock: false,
    scenarios: &[
        scenario!(logging_in_keeps_the_name_in_a_plain_cookie_and_logging_out_removes_it, diagram),
        scenario!(the_login_page_sends_a_logged_in_visitor_home),
        scenario!(the_server_believes_a_username_cookie_nobody_logged_in_with),
        scenario!(a_missing_empty_or_too_long_name_shows_the_form_again_with_400),
        scenario!(a_name_with_html_in_it_is_shown_as_text),
        scenario!(a_name_with_spaces_and_accents_survives_the_cookie),
        scenario!(an_unknown_path_is_a_404_not_a_greeting),
        scenario!(
            a_body_that_is_not_a_form_or_is_over_16_kb_is_refused,
            differs: "the lesson's guard answers 415 and 413 before the handler runs; Flask reads no name from such a body and shows the form again with 400"
        ),
    ],
};

const GUEST: &str = r#"<h1 id="greeting">Hello, Guest!</h1>"#;

fn logging_in_keeps_the_name_in_a_plain_cookie_and_logging_out_removes_it(visit: &mut Visit) {
    let mut browser = visit.browser();
    let page = browser.get("/");
    assert_eq!(page.status, 200);
    assert!(page.says(GUEST) && page.says(r#"href="/login""#), "a guest, and the way in");

    let form = browser.get("/login");
    assert_eq!(form.status, 200);
    assert!(
        form.says(r#"<form method="post" action="/login">"#) && form.says(r#"name="username""#)
    );

    let answer = browser.post("/login", &[("username", "alice")]);
    assert_eq!(answer.status, 303, "See Other: the browser follows with a GET");
    assert!(answer.redirects_to("/"));
    let cookie = answer.set_cookie("username").expect("the cookie comes with the redirect");
    assert_eq!(cookie.value, "alice", "in plain text, for anyone to read");
    assert_eq!(cookie.attribute("path"), Some("/"));
    assert!(cookie.has("httponly"));
    assert_eq!(cookie.attribute("samesite"), Some("Lax"));
    assert_eq!(cookie.lifetime_at(0), None, "gone when the browser closes");

    let page = browser.follow(&answer);
    assert!(page.says(r#"<h1 id="greeting">Hello, alice!</h1>"#) && page.says(r#"href="/logout""#));

    let answer = browser.get("/logout");
    assert_eq!(answer.status, 303);
    assert!(answer.redirects_to("/login"));
    let removal = answer.set_cookie("username").expect("a removal cookie");
    assert!(removal.is_removal_at(0), "{}", removal.raw);
    assert_eq!(browser.cookie("username"), None);
    assert!(browser.get("/").says(GUEST));
}

fn the_login_page_sends_a_logged_in_visitor_home(visit: &mut Visit) {
    let mut browser = visit.browser();
    browser.post("/login", &[("username", "alice")]);
    let answer = browser.get("/login");
    assert_eq!(answer.status, 303);
    assert!(answer.redirects_to("/"));
}

/// The hole this step leaves open: no login at all, just a cookie.
fn the_server_believes_a_username_cookie_nobody_logged_in_with(visit: &mut Visit) {
    let mut browser = visit.browser();
    browser.set_cookie("username", "admin");
    assert!(browser.get("/").says(r#"<h1 id="greeting">Hello, admin!</h1>"#));
}

fn a_missing_empty_or_too_long_name_shows_the_form_again_with_400(visit: &mut Visit) {
    let mut browser = visit.browser();
    let too_long = "a".repeat(65);
    let forms: [&[(&str, &str)]; 4] = [
        &[("username", "")],
        &[("username", "   ")],
        &[("nm", "alice")], // the seeds' field name: no `username` at all
        &[("username", too_long.as_str())],
    ];
    for form in forms {
        let page = browser.post("/login", form);
        assert_eq!(page.status, 400, "{form:?}");
        assert!(page.says("Please enter a name of 1 to 64 characters."), "{form:?}");
        assert!(page.says(r#"name="username""#), "the form again: {form:?}");
        assert_eq!(page.set_cookie("username"), None, "{form:?}");
    }
    let sixty_four = "a".repeat(64);
    assert!(browser.post("/login", &[("username", &sixty_four)]).redirects_to("/"));
}

fn a_name_with_html_in_it_is_shown_as_text(visit: &mut Visit) {
    let mut browser = visit.browser();
    let name = "<script>alert(1)</script>";
    browser.post("/login", &[("username", name)]);
    let page = browser.get("/");
    assert!(page.says("Hello, &lt;script&gt;alert(1)&lt;/script&gt;!"), "escaped");
    assert!(!page.says(name), "never the markup itself");

    // Shown again in the form's `value`, escaped there too.
    let mut other = visit.browser();
    let page = other.post("/login", &[("username", &format!("\"><b>{}", "x".repeat(64)))]);
    assert_eq!(page.status, 400);
    assert!(!page.says("\"><b>"), "the typed value cannot end the attribute");
}

/// A cookie value cannot hold a space or a `ü`: the lesson percent-encodes them, Werkzeug
/// quotes them; either way the name comes back as it was.
fn a_name_with_spaces_and_accents_survives_the_cookie(visit: &mut Visit) {
    let mut browser = visit.browser();
    browser.post("/login", &[("username", "Jürgen; Müller")]);
    let raw = browser.cookie("username").expect("a cookie");
    assert!(raw.is_ascii() && !raw.contains(';'), "encoded on the wire: {raw:?}");
    assert!(browser.get("/").says("Hello, Jürgen; Müller!"));
}

/// Seed 004 first redirects to `/<usr>`, a route that greets any path. Here the name comes
/// from the cookie, and an address is only an address.
fn an_unknown_path_is_a_404_not_a_greeting(visit: &mut Visit) {
    let mut browser = visit.browser();
    browser.post("/login", &[("username", "alice")]);
    for path in ["/admin", "/alice", "/user"] {
        let page = browser.get(path);
        assert_eq!(page.status, 404, "{path}");
        assert!(!page.says("Hello,"), "{path}");
    }
}

fn a_body_that_is_not_a_form_or_is_over_16_kb_is_refused(visit: &mut Visit) {
    let mut browser = visit.browser();
    // (The client sends no body with it: the content type alone is refused.)
    let json = browser.request("POST", "/login", &[], &[("Content-Type", "application/json")]);
    let big = "x".repeat(17 * 1024);
    let too_big = browser.post("/login", &[("username", &big)]);
    if visit.is_rust() {
        assert_eq!(json.status, 415, "Unsupported Media Type");
        assert_eq!(too_big.status, 413, "Payload Too Large");
    } else {
        assert_eq!(json.status, 400, "an empty form: the login form again");
        assert!(json.says("Please enter a name"));
        assert_eq!(too_big.status, 400, "a name over 64 characters");
    }
    assert_eq!(browser.cookie("username"), None);
}
