//! Lesson 09, remember me: a second cookie brings a login back after the browser has closed,
//! but not *fresh*, and `/settings` (`fresh_login_required`) asks for the password again.
//! Session protection ("basic", on both sides) makes a login not fresh when its session comes
//! back from another client. The demo user: `aaa` / `open-sesame`.

use blackbox::http::http_date;
use blackbox::{Client, Lesson, Response, Visit, scenario};

pub static LESSON: Lesson = Lesson {
    folder: "09-remember-me",
    clock: true,
    scenarios: &[
        scenario!(
            remember_me_brings_a_login_back_after_the_browser_closes_but_not_freshly,
            diagram
        ),
        scenario!(only_remember_me_sets_a_signed_http_only_cookie_for_fourteen_days),
        scenario!(a_changed_remember_cookie_signs_nobody_in),
        scenario!(logging_out_clears_the_session_and_the_remember_cookie),
        scenario!(a_remember_cookie_copied_before_logout_still_signs_in),
        scenario!(
            a_remember_cookie_past_its_fourteen_days_is_refused_by_the_server,
            differs: "the lesson's remember cookie carries its expiry under the signature and the server refuses it after 14 days; Flask-Login's holds only the id and leaves the expiry to the browser"
        ),
        scenario!(
            a_remembered_login_starts_a_new_session_and_keeps_nothing_planted_before_it,
            differs: "the lesson restores a remembered login in a new session, as login_user does; Flask-Login writes it into whatever session the browser brought"
        ),
        scenario!(a_session_cookie_sent_with_another_user_agent_is_no_longer_fresh),
        scenario!(a_remember_cookie_brought_by_another_browser_restores_a_login_that_is_not_fresh),
        scenario!(
            an_x_forwarded_for_header_the_client_wrote_does_not_change_the_fingerprint,
            differs: "the lesson fingerprints the connection's address; Flask-Login 0.6.3 takes the first address of an X-Forwarded-For header instead, whoever wrote it"
        ),
        scenario!(
            the_session_keeps_a_sha512_of_the_clients_address_and_user_agent,
            differs: "the lesson hashes `127.0.0.1|Firefox/128.0`; Flask-Login 0.6.3 hashes the text of two Python bytes objects, `b'127.0.0.1'|b'Firefox/128.0'`, so the two hashes differ"
        ),
    ],
};

const DAY: i64 = 24 * 60 * 60;

/// Logs in as `aaa`, with "Remember me" when `remember`; the answer is a 303 to `/protected`.
fn log_in(browser: &mut Client, remember: bool) -> Response {
    let mut form = vec![("username", "aaa"), ("password", "open-sesame")];
    if remember {
        form.push(("remember", "on"));
    }
    let answer = browser.post("/login", &form);
    assert_eq!(answer.status, 303, "a login answers 303 See Other");
    assert!(answer.redirects_to("/protected"));
    answer
}

/// A browser that says it is Firefox 128 (the page's example).
fn firefox(visit: &Visit) -> Client {
    let mut browser = visit.browser();
    browser.user_agent = "Firefox/128.0".into();
    browser
}

/// The flashed messages of a page: its `<ul class="flashes">`, or `""`. (The Rust lesson's
/// cookie inspector shows what the cookies sent hold, flashes included: not the page's own.)
fn flashes(page: &Response) -> &str {
    let Some(start) = page.body.find(r#"<ul class="flashes">"#) else { return "" };
    let end = page.body[start..].find("</ul>").map_or(page.body.len(), |end| start + end);
    &page.body[start..end]
}

/// The browser closes: its session cookie goes; the remember cookie, which has an expiry, stays.
fn close(browser: &mut Client) {
    browser.forget(None);
    assert_eq!(browser.cookie("session"), None);
}

fn remember_me_brings_a_login_back_after_the_browser_closes_but_not_freshly(visit: &mut Visit) {
    let mut browser = visit.browser();
    log_in(&mut browser, true);
    close(&mut browser);
    assert!(browser.cookie("remember_token").is_some(), "kept for 14 days");

    let page = browser.get("/protected");
    assert_eq!(page.status, 200, "the remember cookie brought the login back");
    assert!(page.says("Logged in as aaa"));
    assert!(page.says("Not a fresh login"));

    let page = browser.get("/settings");
    assert!(page.redirects_to("/login?next=%2Fsettings"), "not fresh: the password again");
    let page = browser.get("/login?next=%2Fsettings");
    assert!(flashes(&page).contains("Please give your password again to access this page."));
    assert!(page.says(r#"id="reauth""#), "the form knows who is half logged in");

    let fields = [("username", "aaa"), ("password", "open-sesame"), ("next", "/settings")];
    let answer = browser.post("/login", &fields);
    assert_eq!(answer.status, 303);
    assert!(answer.redirects_to("/settings"));
    let page = browser.get("/settings");
    assert_eq!(page.status, 200);
    assert!(page.says("Settings of aaa"));
}

fn only_remember_me_sets_a_signed_http_only_cookie_for_fourteen_days(visit: &mut Visit) {
    let mut browser = visit.browser();
    let answer = log_in(&mut browser, false);
    assert_eq!(answer.set_cookie("remember_token"), None, "no box ticked, no remember cookie");
    close(&mut browser);
    assert!(browser.get("/protected").redirects_to("/login?next=%2Fprotected"));

    let answer = log_in(&mut browser, true);
    let now = answer.header("date").and_then(http_date).expect("a Date header");
    let cookie = answer.set_cookie("remember_token").expect("a remember cookie");
    assert!(cookie.value.contains("aaa|"), "signed, not encrypted: the id is readable");
    assert!(cookie.has("httponly"), "kept from JavaScript");
    assert_eq!(cookie.attribute("samesite"), Some("Lax"));
    assert_eq!(cookie.attribute("path"), Some("/"));
    let lifetime = cookie.lifetime_at(now).expect("an expiry");
    assert!((lifetime - 14 * DAY).abs() <= 60, "14 days, not {lifetime} s: {}", cookie.raw);
    let session = answer.set_cookie("session").expect("a session cookie");
    assert_eq!(session.lifetime_at(now), None, "the session itself ends with the browser");
}

fn a_changed_remember_cookie_signs_nobody_in(visit: &mut Visit) {
    let mut browser = visit.browser();
    log_in(&mut browser, true);
    let cookie = browser.cookie("remember_token").expect("a remember cookie");
    close(&mut browser);
    browser.set_cookie("remember_token", &cookie.replace("aaa|", "bbb|"));
    assert!(browser.get("/").says("You are not logged in!"), "the signature no longer fits");
    assert!(browser.get("/protected").redirects_to("/login?next=%2Fprotected"));
}

fn logging_out_clears_the_session_and_the_remember_cookie(visit: &mut Visit) {
    let mut browser = visit.browser();
    log_in(&mut browser, true);
    let page = browser.get("/logout");
    assert!(page.says(r#"<form method="post" action="/logout">"#), "GET only shows the button");
    assert_eq!(page.set_cookie("remember_token"), None);
    assert!(browser.get("/protected").says("Logged in as aaa"));

    let answer = browser.post("/logout", &[]);
    assert_eq!(answer.status, 303);
    assert!(answer.redirects_to("/login"));
    let now = answer.header("date").and_then(http_date).expect("a Date header");
    for name in ["session", "remember_token"] {
        let removal = answer.set_cookie(name).unwrap_or_else(|| panic!("a removal of {name}"));
        assert!(removal.is_removal_at(now), "{name} removed: {}", removal.raw);
        assert_eq!(browser.cookie(name), None);
    }
    assert!(browser.get("/protected").redirects_to("/login?next=%2Fprotected"));
}

/// The honest limit of this lesson, on both sides: the cookie names the user, and the server
/// keeps nothing it could take back. Lesson 10 fixes it (`a_copied_remember_cookie_stops_working_after_logout`).
fn a_remember_cookie_copied_before_logout_still_signs_in(visit: &mut Visit) {
    let mut browser = visit.browser();
    log_in(&mut browser, true);
    let copy = browser.cookie("remember_token").expect("a remember cookie");
    browser.post("/logout", &[]);

    let mut thief = visit.browser();
    thief.set_cookie("remember_token", &copy);
    let page = thief.get("/protected");
    assert!(page.says("Logged in as aaa"));
    assert!(page.says("Not a fresh login"));
}

fn a_remember_cookie_past_its_fourteen_days_is_refused_by_the_server(visit: &mut Visit) {
    let mut browser = visit.browser();
    log_in(&mut browser, true);
    let copy = browser.cookie("remember_token").expect("a remember cookie");
    close(&mut browser);

    visit.advance(13 * DAY);
    assert!(browser.get("/protected").says("Logged in as aaa"), "13 days on: still remembered");
    close(&mut browser);

    visit.advance(2 * DAY);
    assert_eq!(browser.cookie("remember_token"), None, "the browser has forgotten it");
    // A copy, sent anyway (a thief's, or a browser that ignores the expiry).
    browser.set_cookie("remember_token", &copy);
    let page = browser.get("/protected");
    if visit.is_rust() {
        assert!(page.redirects_to("/login?next=%2Fprotected"), "the expiry is inside, signed");
    } else {
        assert_eq!(page.status, 200, "Flask-Login checks the signature, not the age");
        assert!(page.says("Logged in as aaa"));
    }
}

/// Session fixation through the remember cookie: a session the attacker got from the server
/// (anonymous, holding a flashed message) is put into a remembered browser.
fn a_remembered_login_starts_a_new_session_and_keeps_nothing_planted_before_it(visit: &mut Visit) {
    let mut attacker = visit.browser();
    attacker.get("/protected");
    let planted = attacker.cookie("session").expect("an anonymous session with a flash");

    let mut victim = visit.browser();
    log_in(&mut victim, true);
    close(&mut victim);
    victim.set_cookie("session", &planted);
    let page = victim.get("/");
    assert!(page.says("Logged in as aaa"));
    if visit.is_rust() {
        assert!(!flashes(&page).contains("Please log in"), "nothing carried over");
        assert_ne!(victim.cookie("session"), Some(planted), "a new session");
    } else {
        assert!(flashes(&page).contains("Please log in"), "the planted session goes on");
    }
}

fn a_session_cookie_sent_with_another_user_agent_is_no_longer_fresh(visit: &mut Visit) {
    let mut browser = firefox(visit);
    log_in(&mut browser, false);
    assert!(browser.get("/settings").says("Settings of aaa"));

    // The browser updates itself: the same cookies, another User-Agent.
    browser.user_agent = "Firefox/129.0".into();
    let page = browser.get("/protected");
    assert!(page.says("Logged in as aaa"), "basic: the login stays...");
    assert!(page.says("Not a fresh login"), "...but is not fresh");
    assert!(browser.get("/settings").redirects_to("/login?next=%2Fsettings"));
    browser.user_agent = "Firefox/128.0".into();
    assert!(browser.get("/settings").redirects_to("/login?next=%2Fsettings"), "for good");

    // Only the password makes it fresh again, and stamps the client that gave it.
    browser.user_agent = "Firefox/129.0".into();
    log_in(&mut browser, false);
    assert!(browser.get("/settings").says("Settings of aaa"));
}

/// The fingerprint lives in the session, not in the remember cookie: a copy of the remember
/// cookie signs in from anywhere, but never freshly.
fn a_remember_cookie_brought_by_another_browser_restores_a_login_that_is_not_fresh(
    visit: &mut Visit,
) {
    let mut laptop = firefox(visit);
    log_in(&mut laptop, true);
    let mut thief = visit.browser();
    thief.user_agent = "curl/8.5.0".into();
    thief.set_cookie("remember_token", &laptop.cookie("remember_token").expect("a cookie"));

    let page = thief.get("/protected");
    assert!(page.says("Logged in as aaa"));
    assert!(page.says("Not a fresh login"));
    assert!(thief.get("/settings").redirects_to("/login?next=%2Fsettings"));
    assert!(laptop.get("/settings").says("Settings of aaa"), "the laptop's login is untouched");
}

fn an_x_forwarded_for_header_the_client_wrote_does_not_change_the_fingerprint(visit: &mut Visit) {
    let mut browser = firefox(visit);
    log_in(&mut browser, false);
    let forwarded = [("X-Forwarded-For", "203.0.113.66")];
    let page = browser.request("GET", "/settings", &[], &forwarded);
    if visit.is_rust() {
        assert_eq!(page.status, 200, "the header is not the connection's address");
        assert!(page.says("Settings of aaa"));
    } else {
        assert!(page.redirects_to("/login?next=%2Fsettings"), "Flask-Login took the header");
    }
}

fn the_session_keeps_a_sha512_of_the_clients_address_and_user_agent(visit: &mut Visit) {
    // Python: hashlib.sha512(b"127.0.0.1|Firefox/128.0").hexdigest()
    const OF_THE_TEXT: &str = "c378ea4c9f85551ef3a81bd6125b0fb0314564dd56ddae434e43beaf4d180351\
                               f6f1f6b3deee5e3a0d4246e689188ef2397fd9b8438d76fe00fedf46314ccfd5";
    // Python: hashlib.sha512(b"b'127.0.0.1'|b'Firefox/128.0'").hexdigest()
    const OF_THE_BYTES_REPR: &str = "b54e085c39faaf908fa0073a98226d1e418549d35a1aa820a4ea8fdaba75ab64\
                                     0636d044556bcbbbf9fe71db5951659dd679d412d262efdd0df610666b56f927";
    let mut browser = firefox(visit);
    log_in(&mut browser, false);
    let page = browser.get("/session");
    assert!(page.says("<code>_id</code>"), "the fingerprint is in the session");
    assert!(!page.says("Firefox") && !page.says("127.0.0.1"), "a hash, not the client's data");
    let expected = if visit.is_rust() { OF_THE_TEXT } else { OF_THE_BYTES_REPR };
    assert!(page.says(expected), "_id is the SHA-512 of the expected text");
}
