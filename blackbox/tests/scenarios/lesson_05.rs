//! Lesson 05, permanent sessions: a permanent session's cookie carries a lifetime (five
//! minutes), so the browser keeps it when it closes, and the server refuses any session older
//! than the lifetime, however the cookie got there. Time moves with `visit.advance`: both
//! servers run under libfaketime, and nobody sleeps.

use blackbox::http::http_date;
use blackbox::{Client, Lesson, Response, SetCookie, Visit, scenario};

pub static LESSON: Lesson = Lesson {
    folder: "05-permanent-sessions",
    clock: true,
    scenarios: &[
        scenario!(the_tutorials_flow_a_permanent_session_for_five_minutes, diagram),
        scenario!(a_cookie_replayed_after_the_lifetime_is_refused_by_the_server),
        scenario!(each_visit_pushes_the_end_of_a_permanent_session_back_a_full_lifetime),
        scenario!(a_permanent_session_survives_a_browser_restart_and_one_that_is_not_does_not),
        scenario!(
            a_session_that_is_not_permanent_slides_here_but_ends_after_its_last_change_in_flask,
            differs: "every session's end slides here, permanent or not; Flask writes a session that is not permanent only when it changes, so its five minutes run from the last change, however often the visitor comes"
        ),
        scenario!(
            the_permanent_cookie_says_five_minutes_with_max_age_and_expires,
            differs: "the lesson sends Max-Age=300 and Expires; Flask sends only Expires"
        ),
        scenario!(
            the_session_page_shows_where_the_lesson_keeps_the_end,
            differs: "the lesson keeps the end in the encrypted session as `_expires`; Flask keeps only `_permanent` there and reads the age from the timestamp its signature covers"
        ),
        scenario!(the_session_page_cannot_change_the_servers_own_entries),
        scenario!(
            with_the_tutorials_hook_and_no_refresh_the_limit_still_counts_from_the_login,
            differs: "SESSION_REFRESH_EACH_REQUEST=0 is an absolute limit here, hook or not; in Flask seed 000's hook modifies the session on every request, so each visit writes the cookie again and starts the lifetime over"
        ),
    ],
};

const ALICE: &str = r#"<h1 id="status">Logged in as alice</h1>"#;
const LOGGED_OUT: &str = r#"<h1 id="status">You are not logged in!</h1>"#;
/// `SESSION_LIFETIME` unless set: the tutorial's five minutes.
const LIFETIME: i64 = 300;

fn logged_in_as(visit: &Visit, name: &str) -> Client {
    let mut browser = visit.browser();
    let answer = browser.post("/login", &[("username", name)]);
    assert!(answer.redirects_to("/"), "the login of {name:?}: {}", answer.status);
    browser
}

/// How long a browser keeps the cookie, in seconds: `Max-Age` when there is one (a browser
/// prefers it), else `Expires` against the response's `Date`.
fn kept_for(cookie: &SetCookie, response: &Response) -> Option<i64> {
    let date = response.header("date").and_then(http_date);
    cookie.max_age().or_else(|| Some(cookie.expires()? - date?))
}

/// A form with no field checked: a browser still sends it as a form, and an unticked checkbox
/// sends nothing.
fn untick_permanent(browser: &mut Client) -> Response {
    let form = [("Content-Type", "application/x-www-form-urlencoded")];
    browser.request("POST", "/session/permanent", &[], &form)
}

/// The tutorial's flow (seed 004, "Session Duration"): `app.permanent_session_lifetime =
/// timedelta(minutes=5)`, `session.permanent = True` at the login, the login page sends a
/// logged-in visitor on, logout pops the name; five minutes later the session is gone. The seed
/// calls the field `nm`, keeps `session["user"]`, greets on `/user` and logs out to `/login`;
/// here it is `username`, `session["username"]`, and `/` for both.
fn the_tutorials_flow_a_permanent_session_for_five_minutes(visit: &mut Visit) {
    let mut browser = visit.browser();
    let page = browser.get("/");
    assert!(page.says(LOGGED_OUT));
    assert_eq!(page.set_cookie("session"), None, "an anonymous visitor gets no cookie");

    let answer = browser.post("/login", &[("username", "alice")]);
    assert_eq!(answer.status, 303);
    assert!(answer.redirects_to("/"));
    let cookie = answer.set_cookie("session").expect("the session cookie");
    let kept = kept_for(&cookie, &answer).expect("permanent: the cookie has a lifetime");
    assert!((LIFETIME - 1..=LIFETIME + 1).contains(&kept), "five minutes: {}", cookie.raw);
    assert!(cookie.has("httponly") && cookie.attribute("samesite") == Some("Lax"));

    assert!(browser.follow(&answer).says(ALICE));
    assert!(browser.get("/login").redirects_to("/"), "logged in: on to the home page");

    let answer = browser.get("/logout");
    assert!(answer.redirects_to("/"));
    assert!(browser.follow(&answer).says(LOGGED_OUT));

    browser.post("/login", &[("username", "alice")]);
    visit.advance(LIFETIME + 1);
    assert!(browser.get("/").says(LOGGED_OUT), "five minutes later: gone");
}

/// `Max-Age` only asks the browser to forget. A copy of the cookie, kept as text, is refused
/// by the server once the lifetime is over: permanent or not.
fn a_cookie_replayed_after_the_lifetime_is_refused_by_the_server(visit: &mut Visit) {
    let permanent = logged_in_as(visit, "alice").cookie("session").expect("a cookie");
    let mut other = logged_in_as(visit, "alice");
    untick_permanent(&mut other);
    let not_permanent = other.cookie("session").expect("a cookie");

    let mut thief = visit.browser();
    thief.set_cookie("session", &permanent);
    assert!(thief.get("/").says(ALICE), "within its lifetime a copy works");

    visit.advance(LIFETIME + 60);
    for copy in [permanent, not_permanent] {
        let mut thief = visit.browser();
        thief.set_cookie("session", &copy);
        let page = thief.get("/");
        assert_eq!(page.status, 200);
        assert!(page.says(LOGGED_OUT), "six minutes later the server refuses it");
    }
}

/// Sliding expiry, Flask's default (`SESSION_REFRESH_EACH_REQUEST`): five minutes without a
/// visit end the session, not five minutes after the login.
fn each_visit_pushes_the_end_of_a_permanent_session_back_a_full_lifetime(visit: &mut Visit) {
    let mut browser = logged_in_as(visit, "alice");
    visit.advance(LIFETIME - 60);
    let page = browser.get("/");
    assert!(page.says(ALICE));
    let cookie = page.set_cookie("session").expect("a new cookie on the visit");
    let kept = kept_for(&cookie, &page).expect("a lifetime");
    assert!((LIFETIME - 1..=LIFETIME + 1).contains(&kept), "a full lifetime again: {}", cookie.raw);

    visit.advance(LIFETIME - 60);
    assert!(browser.get("/").says(ALICE), "eight minutes after the login, four after the visit");
    visit.advance(LIFETIME + 1);
    assert!(browser.get("/").says(LOGGED_OUT), "five minutes without a visit");
}

fn a_permanent_session_survives_a_browser_restart_and_one_that_is_not_does_not(visit: &mut Visit) {
    let mut browser = logged_in_as(visit, "alice");
    browser.forget(None);
    assert!(browser.get("/").says(ALICE), "the cookie has a lifetime: kept");

    let answer = untick_permanent(&mut browser);
    assert!(answer.redirects_to("/session"));
    let cookie = answer.set_cookie("session").expect("the cookie again, without a lifetime");
    assert_eq!(kept_for(&cookie, &answer), None, "a browser-session cookie: {}", cookie.raw);
    assert!(browser.get("/").says(ALICE));
    browser.forget(None);
    assert!(browser.get("/").says(LOGGED_OUT), "closing the browser ended it");
}

fn a_session_that_is_not_permanent_slides_here_but_ends_after_its_last_change_in_flask(
    visit: &mut Visit,
) {
    let mut browser = logged_in_as(visit, "alice");
    untick_permanent(&mut browser);
    visit.advance(LIFETIME - 100);
    let page = browser.get("/");
    assert!(page.says(ALICE));
    if visit.is_rust() {
        let cookie = page.set_cookie("session").expect("the end moved: a new cookie");
        assert_eq!(kept_for(&cookie, &page), None, "still a browser-session cookie");
    } else {
        assert_eq!(page.set_cookie("session"), None, "unchanged and not permanent: no cookie");
    }
    visit.advance(LIFETIME - 100);
    let page = browser.get("/");
    if visit.is_rust() {
        assert!(page.says(ALICE), "400 seconds after the last change, 200 after the last visit");
    } else {
        assert!(page.says(LOGGED_OUT), "400 seconds after the last change: too old");
    }
}

fn the_permanent_cookie_says_five_minutes_with_max_age_and_expires(visit: &mut Visit) {
    let mut browser = visit.browser();
    let answer = browser.post("/login", &[("username", "alice")]);
    let cookie = answer.set_cookie("session").expect("the session cookie");
    let expires = cookie.expires().expect("an Expires, for every browser");
    let date = answer.header("date").and_then(http_date).expect("a Date header");
    if visit.is_rust() {
        assert_eq!(cookie.max_age(), Some(LIFETIME), "{}", cookie.raw);
        // (actix-web's `Date` is refreshed twice a second, and the clock may just have moved.)
        assert!(expires > date, "{} / Date {date}", cookie.raw);
    } else {
        assert_eq!(cookie.max_age(), None, "{}", cookie.raw);
        assert!((LIFETIME - 1..=LIFETIME + 1).contains(&(expires - date)), "{}", cookie.raw);
    }
}

fn the_session_page_shows_where_the_lesson_keeps_the_end(visit: &mut Visit) {
    let mut browser = logged_in_as(visit, "alice");
    let page = browser.get("/session");
    assert!(page.says("<code>_permanent</code>") && page.says("<code>username</code>"));
    if visit.is_rust() {
        assert!(page.says("<code>_expires</code>"), "the end, in seconds since 1970");
    } else {
        assert!(!page.says("<code>_expires</code>"), "the end is the signed timestamp's");
    }
}

/// `_permanent` (and here `_expires`) are the server's: a visitor who could write them could
/// push back the end of their own session.
fn the_session_page_cannot_change_the_servers_own_entries(visit: &mut Visit) {
    let mut browser = logged_in_as(visit, "alice");
    let reserved = "Keys that start with _ belong to the server";
    let answer = browser.post("/session/insert", &[("key", "_expires"), ("value", "9999999999")]);
    assert_eq!(answer.status, 400);
    assert!(answer.says(reserved));
    let answer = browser.post("/session/insert", &[("key", "_permanent"), ("value", "")]);
    assert_eq!(answer.status, 400);
    let answer = browser.post("/session/remove", &[("key", "_permanent")]);
    assert_eq!(answer.status, 400);
    assert!(answer.says(reserved));

    let answer = browser.post("/session/insert", &[("key", "theme"), ("value", "dark")]);
    assert!(answer.redirects_to("/session"), "other keys as in lesson 04");
    assert!(browser.follow(&answer).says("<code>theme</code>"));
}

/// Seed 000's `before_request` hook (`SESSION_ALWAYS_PERMANENT=1`) with an absolute limit
/// (`SESSION_REFRESH_EACH_REQUEST=0`), on a server started with both: a visit every 200 s.
fn with_the_tutorials_hook_and_no_refresh_the_limit_still_counts_from_the_login(visit: &mut Visit) {
    visit.restart_with(&[("SESSION_ALWAYS_PERMANENT", "1"), ("SESSION_REFRESH_EACH_REQUEST", "0")]);
    let mut browser = logged_in_as(visit, "alice");
    visit.advance(200);
    let page = browser.get("/");
    assert!(page.says(ALICE), "200 s after the login");
    visit.advance(200);
    let page = browser.get("/");
    if visit.is_rust() {
        // The hook sets `permanent` once; nothing changes, the end stays five minutes after the
        // login, and 400 s after it the session is over.
        assert!(page.says(LOGGED_OUT), "400 s after the login: ended");
    } else {
        // The hook's `session.permanent = True` counts as a change: the visit at 200 s wrote
        // the cookie again, and the five minutes started over.
        assert!(page.says(ALICE), "Flask: 200 s after the last visit, still logged in");
        assert!(page.set_cookie("session").is_some(), "and the cookie written again");
    }
}
