//! Lesson 06, password sign-in: a users table of Argon2id hashes (the same PHC strings on both
//! sides: `aaa` / `open-sesame`, `bbb` / `0000`), one message for every failure, the form back
//! with a 4xx, a new session at login with only the username in it, lesson 05's lifetime.

use blackbox::http::Client;
use blackbox::{Lesson, Visit, scenario};

pub static LESSON: Lesson = Lesson {
    folder: "06-password-login",
    clock: true,
    scenarios: &[
        scenario!(a_visitor_logs_in_with_a_password_sees_the_profile_and_logs_out, diagram),
        scenario!(a_wrong_password_and_an_unknown_user_get_the_same_401_and_the_same_message),
        scenario!(the_form_comes_back_with_the_name_filled_in_but_never_the_password),
        scenario!(empty_or_missing_fields_get_a_400_and_a_message),
        scenario!(only_the_username_goes_into_the_session_never_the_password_or_its_hash),
        scenario!(
            only_the_server_can_read_the_username_in_the_session_cookie,
            differs: "the lesson's session cookie is encrypted; Flask's is only signed, and anyone can decode the username in it"
        ),
        scenario!(a_session_cookie_written_by_hand_logs_nobody_in),
        scenario!(the_session_page_is_read_only_now),
        scenario!(the_server_refuses_a_session_cookie_over_five_minutes_old),
        scenario!(
            a_visit_every_four_minutes_keeps_the_session_going,
            differs: "the lesson slides every session's end on each visit; Flask re-signs only a permanent session's cookie, so its login ends five minutes after it began"
        ),
    ],
};

const FAILED: &str = "Wrong username or password.";
const EMPTY: &str = "Please enter a username and a password.";

/// The login form's message, as the page shows it above the form.
fn form_error(message: &str) -> String {
    format!(r#"<p class="error" id="form-error">{message}</p>"#)
}

fn logged_in_as(visit: &Visit, username: &str, password: &str) -> Client {
    let mut browser = visit.browser();
    let page = browser.post("/login", &[("username", username), ("password", password)]);
    assert!(page.redirects_to("/"), "{username} logs in: {}", page.status);
    browser
}

/// The page's main flow: sent to the form, a login, the profile, a logout.
fn a_visitor_logs_in_with_a_password_sees_the_profile_and_logs_out(visit: &mut Visit) {
    let mut browser = visit.browser();
    let page = browser.get("/");
    assert!(page.redirects_to("/login"), "anonymous: to the form");
    assert_eq!(page.status, 303);
    let form = browser.follow(&page);
    assert_eq!(form.status, 200);
    assert!(form.says(r#"name="password""#));

    let page = browser.post("/login", &[("username", "aaa"), ("password", "open-sesame")]);
    assert_eq!(page.status, 303);
    assert!(page.redirects_to("/"));
    let cookie = page.set_cookie("session").expect("a session cookie at login");
    assert!(cookie.has("httponly"), "kept from JavaScript");
    assert_eq!(cookie.attribute("samesite"), Some("Lax"));
    assert_eq!(cookie.attribute("path"), Some("/"));
    assert_eq!(cookie.lifetime_at(0), None, "not permanent: gone when the browser closes");

    let profile = browser.follow(&page);
    assert_eq!(profile.status, 200);
    assert!(profile.says("Profile of aaa"));
    assert!(profile.says("likes long walks"));
    assert!(browser.get("/login").redirects_to("/"), "logged in already: on to the profile");

    let page = browser.get("/logout");
    assert!(page.redirects_to("/login"));
    let removal = page.set_cookie("session").expect("a Set-Cookie for the session");
    assert!(removal.is_removal_at(visit.now()), "the cookie goes: {}", removal.raw);
    assert!(browser.get("/").redirects_to("/login"), "logged out");
}

/// The same status, message and form for a wrong password, an unknown user, and a name in the
/// wrong case; and nothing written: no session cookie.
fn a_wrong_password_and_an_unknown_user_get_the_same_401_and_the_same_message(visit: &mut Visit) {
    for (username, password) in [("aaa", "0000"), ("nobody", "open-sesame"), ("AAA", "open-sesame")]
    {
        let mut browser = visit.browser();
        let page = browser.post("/login", &[("username", username), ("password", password)]);
        assert_eq!(page.status, 401, "{username} / {password}");
        assert!(page.says(&form_error(FAILED)), "{username} / {password}");
        assert_eq!(page.set_cookie("session"), None, "no session for a failed login");
        assert!(browser.get("/").redirects_to("/login"));
    }
}

fn the_form_comes_back_with_the_name_filled_in_but_never_the_password(visit: &mut Visit) {
    let mut browser = visit.browser();
    let page = browser.post("/login", &[("username", "aaa"), ("password", "not-this-one")]);
    assert_eq!(page.status, 401);
    assert!(page.says(r#"value="aaa""#), "the name, back in its field");
    assert!(!page.says("not-this-one"), "never the password");
    // What was typed comes back as text, never as HTML.
    let page = browser.post("/login", &[("username", r#""><b>x"#), ("password", "x")]);
    assert_eq!(page.status, 401);
    assert!(page.says("&#34;&gt;&lt;b&gt;x") || page.says("&quot;&gt;&lt;b&gt;x"), "escaped");
    assert!(!page.says("<b>x"));
}

fn empty_or_missing_fields_get_a_400_and_a_message(visit: &mut Visit) {
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
        assert_eq!(page.status, 400, "{fields:?}");
        assert!(page.says(&form_error(EMPTY)), "{fields:?}");
    }
}

/// Seed 003's own advice: store who the user is, never the password.
fn only_the_username_goes_into_the_session_never_the_password_or_its_hash(visit: &mut Visit) {
    let mut browser = logged_in_as(visit, "aaa", "open-sesame");
    let page = browser.get("/session");
    assert_eq!(page.status, 200);
    assert!(page.says("<td><code>username</code></td>"));
    for secret in ["open-sesame", "argon2", "likes long walks"] {
        assert!(!page.says(secret), "{secret} in the session page");
    }
}

/// Seed 003: "whatever you store in the session gets encoded ... can be easily decoded". True of
/// Flask's cookie (base64 JSON, then a timestamp and a signature); the lesson's is encrypted.
fn only_the_server_can_read_the_username_in_the_session_cookie(visit: &mut Visit) {
    let browser = logged_in_as(visit, "aaa", "open-sesame");
    let value = browser.cookie("session").expect("a session cookie");
    let payload = value.split('.').next().unwrap_or_default();
    let decoded = String::from_utf8_lossy(&base64_decode(payload)).into_owned();
    if visit.is_rust() {
        assert!(!decoded.contains("aaa") && !value.contains("aaa"), "encrypted: {decoded:?}");
    } else {
        assert_eq!(decoded, r#"{"username":"aaa"}"#, "readable by anyone who has the cookie");
    }
}

/// A cookie the visitor writes is worth nothing: Flask checks the signature, the lesson decrypts.
fn a_session_cookie_written_by_hand_logs_nobody_in(visit: &mut Visit) {
    let mut browser = visit.browser();
    // `{"username":"aaa"}` in base64, with a made-up timestamp and signature.
    for forged in ["eyJ1c2VybmFtZSI6ImFhYSJ9.aQAAAA.c2lnbmF0dXJl", "x", "%%%"] {
        browser.set_cookie("session", forged);
        let page = browser.get("/");
        assert!(page.redirects_to("/login"), "{forged}: {}", page.status);
    }
}

fn the_session_page_is_read_only_now(visit: &mut Visit) {
    let mut browser = visit.browser();
    // In lesson 05 this logged you in as anyone you liked.
    let page = browser.post("/session/insert", &[("key", "username"), ("value", "aaa")]);
    assert_eq!(page.status, 404);
    assert!(browser.get("/").redirects_to("/login"));
}

/// Lesson 05's lifetime stays: five minutes, checked on the server. The browser still sends the
/// cookie (it has no `Max-Age`); the server no longer believes it.
fn the_server_refuses_a_session_cookie_over_five_minutes_old(visit: &mut Visit) {
    let mut browser = logged_in_as(visit, "bbb", "0000");
    assert!(browser.get("/").says("Profile of bbb"));
    let cookie = browser.cookie("session").expect("a session cookie");
    visit.advance(301);
    assert_eq!(browser.cookie("session"), Some(cookie), "the browser keeps it");
    assert!(browser.get("/").redirects_to("/login"), "the server ended the session");
}

fn a_visit_every_four_minutes_keeps_the_session_going(visit: &mut Visit) {
    let mut browser = logged_in_as(visit, "aaa", "open-sesame");
    visit.advance(240);
    assert!(browser.get("/").says("Profile of aaa"));
    visit.advance(240); // eight minutes after the login, four after the last visit
    let page = browser.get("/");
    if visit.is_rust() {
        assert!(page.says("Profile of aaa"), "each visit moved the end: {}", page.status);
    } else {
        assert!(page.redirects_to("/login"), "signed at login, refused five minutes later");
    }
}

/// Base64 (standard or URL-safe, padded or not) to bytes; other characters are skipped.
fn base64_decode(text: &str) -> Vec<u8> {
    let sextet = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    };
    let (mut bits, mut count, mut out) = (0u32, 0, Vec::new());
    for value in text.bytes().filter_map(sextet) {
        bits = bits << 6 | u32::from(value);
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    out
}
