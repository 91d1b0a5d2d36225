//! Lesson 04, the session dictionary: `session["username"]` instead of a cookie by hand. The
//! framework keeps the dictionary in one cookie, `session`: encrypted by the lesson's cookie
//! store, signed (and readable) in Flask. Neither keeps anything on the server.

use blackbox::{Client, Lesson, Visit, scenario};

pub static LESSON: Lesson = Lesson {
    folder: "04-session-dict",
    clock: false,
    scenarios: &[
        scenario!(the_tutorials_flow_log_in_and_out_with_the_session_dictionary, diagram),
        scenario!(
            the_name_can_be_read_in_flasks_session_cookie_but_not_in_the_lessons,
            differs: "actix-session's cookie store encrypts the session; Flask's session cookie is only signed, its JSON readable by anyone who decodes the base64"
        ),
        scenario!(a_changed_or_garbage_session_cookie_means_logged_out),
        scenario!(a_session_cookie_copied_before_logout_still_logs_you_in_after_it),
        scenario!(
            logout_sends_an_empty_session_cookie_here_and_deletes_the_cookie_in_flask,
            differs: "after the last key is removed, actix-session writes a cookie holding an empty session; Flask deletes the cookie"
        ),
        scenario!(logging_out_when_nobody_is_logged_in_is_no_error),
        scenario!(the_session_page_inserts_removes_and_clears_entries),
        scenario!(putting_username_in_the_session_by_hand_is_logging_in),
        scenario!(
            a_session_too_big_for_a_cookie_is_refused,
            differs: "the lesson refuses an insert that would take the session over 2048 bytes of JSON with 413 and keeps the cookie; Flask sends a cookie over 4 KB, which browsers drop without a word"
        ),
        scenario!(a_missing_empty_or_too_long_name_shows_the_form_again_with_400),
        scenario!(a_name_with_html_in_it_is_shown_as_text),
    ],
};

const LOGGED_OUT: &str = r#"<h1 id="status">You are not logged in!</h1>"#;

fn logged_in_as(visit: &Visit, name: &str) -> Client {
    let mut browser = visit.browser();
    let answer = browser.post("/login", &[("username", name)]);
    assert!(answer.redirects_to("/"), "the login of {name:?}: {}", answer.status);
    browser
}

/// The tutorial's flow (seed 002, 4.1 "Session Management di Flask"): `/` says "Logged in as
/// ..." or "You are not logged in!", the form at `/login` posts `username` into
/// `session['username']`, `/logout` pops it and goes back to `/`. The same routes and names as
/// here; seed 004 calls the field `nm` and keeps `session["user"]`, seed 001 posts the form to
/// `/handle-login`.
fn the_tutorials_flow_log_in_and_out_with_the_session_dictionary(visit: &mut Visit) {
    let mut browser = visit.browser();
    let page = browser.get("/");
    assert_eq!(page.status, 200);
    assert!(page.says(LOGGED_OUT));
    assert_eq!(page.set_cookie("session"), None, "nothing in the session, no cookie");

    let form = browser.get("/login");
    assert!(
        form.says(r#"<form method="post" action="/login">"#) && form.says(r#"name="username""#)
    );

    let answer = browser.post("/login", &[("username", "alice")]);
    assert_eq!(answer.status, 303);
    assert!(answer.redirects_to("/"));
    let cookie = answer.set_cookie("session").expect("the session cookie comes with the redirect");
    assert!(cookie.has("httponly"));
    assert_eq!(cookie.attribute("samesite"), Some("Lax"));
    assert_eq!(cookie.attribute("path"), Some("/"));
    assert!(!cookie.has("secure"), "SESSION_COOKIE_SECURE is off: plain http works");
    assert_eq!(cookie.lifetime_at(0), None, "gone when the browser closes (lesson 05 changes it)");

    assert!(browser.follow(&answer).says(r#"<h1 id="status">Logged in as alice</h1>"#));

    let answer = browser.get("/logout");
    assert_eq!(answer.status, 303);
    assert!(answer.redirects_to("/"));
    assert!(browser.follow(&answer).says(LOGGED_OUT));
}

fn the_name_can_be_read_in_flasks_session_cookie_but_not_in_the_lessons(visit: &mut Visit) {
    let browser = logged_in_as(visit, "alice");
    let value = browser.cookie("session").expect("a session cookie");
    if visit.is_rust() {
        assert!(!value.contains("alice"), "{value}");
        let bytes = base64(&value.replace("%2F", "/").replace("%3D", "=")).expect("base64");
        assert!(!String::from_utf8_lossy(&bytes).contains("alice"), "not in the bytes either");
    } else {
        // `payload.timestamp.signature`: the payload is the dictionary as JSON, in base64.
        let payload = value.split('.').next().unwrap_or_default();
        let json = base64(payload).expect("the payload is base64");
        assert_eq!(String::from_utf8_lossy(&json), r#"{"username":"alice"}"#);
    }
}

fn a_changed_or_garbage_session_cookie_means_logged_out(visit: &mut Visit) {
    let mut browser = logged_in_as(visit, "alice");
    let value = browser.cookie("session").expect("a session cookie");
    // One letter in the middle changed (not one of a `%2F` escape, which would make a
    // malformed cookie rather than a wrong one).
    let mut bytes = value.into_bytes();
    let mut middle = bytes.len() / 2;
    while !bytes[middle].is_ascii_alphanumeric() || bytes[middle - 2..middle].contains(&b'%') {
        middle += 1;
    }
    bytes[middle] = if bytes[middle] == b'A' { b'B' } else { b'A' };
    browser.set_cookie("session", &String::from_utf8_lossy(&bytes));
    let page = browser.get("/");
    assert_eq!(page.status, 200);
    assert!(page.says(LOGGED_OUT));

    let long = "A".repeat(3000);
    for garbage in ["", "x", "%%%", "not-base64!!", "e30.AAAA.BBBB", &long] {
        browser.set_cookie("session", garbage);
        let page = browser.get("/");
        assert_eq!(page.status, 200, "{garbage:?}");
        assert!(page.says(LOGGED_OUT), "{garbage:?}");
    }
}

/// The trap of a session kept in a cookie: logout only asks the browser to forget, and the
/// server has no list to cross the session off. Lesson 11 keeps sessions on the server.
fn a_session_cookie_copied_before_logout_still_logs_you_in_after_it(visit: &mut Visit) {
    let mut browser = logged_in_as(visit, "alice");
    let copy = browser.cookie("session").expect("a session cookie");
    browser.get("/logout");
    assert!(browser.get("/").says(LOGGED_OUT));
    browser.set_cookie("session", &copy);
    assert!(browser.get("/").says("Logged in as alice"));
}

fn logout_sends_an_empty_session_cookie_here_and_deletes_the_cookie_in_flask(visit: &mut Visit) {
    let mut browser = logged_in_as(visit, "alice");
    let answer = browser.get("/logout");
    let cookie = answer.set_cookie("session").expect("logout changes the session cookie");
    if visit.is_rust() {
        assert!(!cookie.is_removal_at(0), "a new cookie: {}", cookie.raw);
        assert!(browser.cookie("session").is_some(), "the browser keeps an empty session");
        assert!(browser.get("/session").says("The session is empty."));
    } else {
        assert!(cookie.is_removal_at(0), "{}", cookie.raw);
        assert_eq!(browser.cookie("session"), None, "no cookie left");
    }
    assert!(browser.get("/").says(LOGGED_OUT));
}

/// Seed 001 logs out with `session.pop("username")`, no default: a `KeyError`, a 500, for a
/// visitor who is not logged in.
fn logging_out_when_nobody_is_logged_in_is_no_error(visit: &mut Visit) {
    let mut browser = visit.browser();
    assert!(browser.get("/logout").redirects_to("/"));
    let mut browser = logged_in_as(visit, "alice");
    assert!(browser.get("/logout").redirects_to("/"));
    assert!(browser.get("/logout").redirects_to("/"), "a second time: nothing to pop");
    assert!(browser.get("/").says(LOGGED_OUT));
}

fn the_session_page_inserts_removes_and_clears_entries(visit: &mut Visit) {
    let mut browser = logged_in_as(visit, "alice");
    let page = browser.get("/session");
    assert_eq!(page.status, 200);
    assert!(page.says("<code>username</code>"), "the key the login stored");

    let answer = browser.post("/session/insert", &[("key", "theme"), ("value", "dark")]);
    assert!(answer.redirects_to("/session"));
    assert!(browser.follow(&answer).says("<code>theme</code>"));

    let answer = browser.post("/session/remove", &[("key", "theme")]);
    assert!(answer.redirects_to("/session"));
    let page = browser.follow(&answer);
    assert!(!page.says("<code>theme</code>") && page.says("<code>username</code>"));

    let answer = browser.post("/session/insert", &[("value", "x")]);
    assert_eq!(answer.status, 400);
    assert!(answer.says("A key is required."));

    // A form with no field: a browser still says it is a form (`post` sends no content type
    // without fields).
    let form = [("Content-Type", "application/x-www-form-urlencoded")];
    let answer = browser.request("POST", "/session/clear", &[], &form);
    assert!(answer.redirects_to("/session"));
    assert!(browser.follow(&answer).says("The session is empty."));
    assert!(browser.get("/").says(LOGGED_OUT), "clearing the session logs you out");
}

/// The session is the server's own dictionary: whatever is in it, the server believes. The
/// `/session` page lets a visitor write any key, which a real site never does.
fn putting_username_in_the_session_by_hand_is_logging_in(visit: &mut Visit) {
    let mut browser = visit.browser();
    browser.post("/session/insert", &[("key", "username"), ("value", "bob")]);
    assert!(browser.get("/").says("Logged in as bob"));
}

fn a_session_too_big_for_a_cookie_is_refused(visit: &mut Visit) {
    let mut browser = logged_in_as(visit, "alice");
    let before = browser.cookie("session").expect("a session cookie");
    // Letters that do not repeat: Flask compresses the session when that makes it shorter.
    let big = noise(5000);
    let answer = browser.post("/session/insert", &[("key", "big"), ("value", &big)]);
    if visit.is_rust() {
        assert_eq!(answer.status, 413);
        assert!(answer.says("Not stored"));
        assert_eq!(answer.set_cookie("session"), None);
        assert_eq!(browser.cookie("session"), Some(before), "the cookie is unchanged");
    } else {
        assert!(answer.redirects_to("/session"));
        let cookie = answer.set_cookie("session").expect("Flask sends the big session");
        assert!(cookie.raw.len() > 4096, "a browser drops it: {} bytes", cookie.raw.len());
    }
    assert!(browser.get("/").says("Logged in as alice"));
}

fn a_missing_empty_or_too_long_name_shows_the_form_again_with_400(visit: &mut Visit) {
    let mut browser = visit.browser();
    let too_long = "a".repeat(65);
    for form in
        [[("username", "")], [("username", " ")], [("nm", "alice")], [("username", &too_long)]]
    {
        let page = browser.post("/login", &form);
        assert_eq!(page.status, 400, "{form:?}");
        assert!(page.says("Please enter a name of 1 to 64 characters."), "{form:?}");
        assert!(page.says(r#"name="username""#), "the form again: {form:?}");
        assert_eq!(page.set_cookie("session"), None, "{form:?}");
    }
}

fn a_name_with_html_in_it_is_shown_as_text(visit: &mut Visit) {
    let mut browser = logged_in_as(visit, "<script>alert(1)</script>");
    let page = browser.get("/");
    assert!(page.says("Logged in as &lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!page.says("<script>alert(1)"));
    let page = browser.get("/session");
    assert!(!page.says("<script>alert(1)"), "escaped on the session page too");
}

/// Base64, standard or URL-safe, padded or not; `None` for anything else.
fn base64(text: &str) -> Option<Vec<u8>> {
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for c in text.trim_end_matches('=').bytes() {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        bits = bits << 6 | u32::from(value);
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    Some(out)
}

/// `length` letters and digits that look random (and compress badly), the same every run.
fn noise(length: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    (0..length)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            char::from(ALPHABET[(state >> 33) as usize % ALPHABET.len()])
        })
        .collect()
}
