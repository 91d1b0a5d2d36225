//! Lesson 11, sessions on the server: the cookie carries only a random id, the session is a row
//! on the server, so logout ends it for every copy of the cookie, and the server ends it after
//! five idle minutes whatever the browser keeps. The Flask app does it with Flask-Session on
//! SQLAlchemy.

use blackbox::http::{Client, Response};
use blackbox::{Lesson, Visit, scenario};

pub static LESSON: Lesson = Lesson {
    folder: "11-server-side-sessions",
    clock: true,
    scenarios: &[
        scenario!(a_copy_of_the_cookie_is_worth_nothing_after_logout, diagram),
        scenario!(
            the_cookie_carries_only_a_random_id,
            differs: "the lesson encrypts the id with the key; Flask-Session 0.8 sends the id as it is (its signer is deprecated)"
        ),
        scenario!(the_session_is_kept_on_the_server_and_holds_no_password),
        scenario!(logging_in_gives_a_new_session_id_and_the_old_one_is_worth_nothing),
        scenario!(logging_out_in_one_browser_leaves_the_other_signed_in),
        scenario!(a_session_ends_on_the_server_after_five_idle_minutes),
        scenario!(a_made_up_session_id_is_a_new_anonymous_session_not_an_error),
        scenario!(a_remembered_login_starts_a_new_session_and_the_planted_id_stays_anonymous),
    ],
};

/// Lesson 08's user, in the database from the start on both sides.
const USER: (&str, &str) = ("user1", "mypassword");

fn log_in(browser: &mut Client, remember: bool) -> Response {
    let mut form = vec![("username", USER.0), ("password", USER.1)];
    if remember {
        form.push(("remember", "on"));
    }
    let page = browser.post("/login", &form);
    assert!(page.redirects_to("/protected"), "logged in: {} {:?}", page.status, page.location());
    page
}

fn is_signed_in(browser: &mut Client) -> bool {
    let page = browser.get("/protected");
    if page.status == 200 {
        assert!(page.says("Logged in as user1"));
        return true;
    }
    assert!(page.redirects_to("/login?next=%2Fprotected"), "to the login page: {}", page.status);
    false
}

/// The step's point: the row is gone at logout, so a copy of the cookie taken before is worth
/// nothing after it (lesson 04's copy still worked).
fn a_copy_of_the_cookie_is_worth_nothing_after_logout(visit: &mut Visit) {
    let mut browser = visit.browser();
    let page = log_in(&mut browser, false);
    assert_eq!(page.status, 303);
    let copy = browser.cookie("session").expect("a session cookie after the login");
    assert!(browser.get("/protected").says("Logged in as user1"));

    let page = browser.post("/logout", &[]);
    assert!(page.redirects_to("/login"));
    assert_eq!(page.status, 303);
    let removal = page.set_cookie("session").expect("the session cookie is removed at logout");
    assert!(removal.is_removal_at(0), "a removal: {}", removal.raw);

    let mut thief = visit.browser();
    thief.set_cookie("session", &copy);
    assert!(!is_signed_in(&mut thief), "the copy finds no row on the server");
}

fn the_cookie_carries_only_a_random_id(visit: &mut Visit) {
    let mut browser = visit.browser();
    let page = log_in(&mut browser, false);
    let cookie = page.set_cookie("session").expect("a new session cookie at login");
    assert!(cookie.has("httponly"));
    assert_eq!(cookie.attribute("samesite"), Some("Lax"));
    assert_eq!(cookie.attribute("path"), Some("/"));
    assert_eq!(cookie.lifetime_at(0), None, "not permanent: it ends with the browser");
    assert!(!cookie.value.contains("user1"), "no name in it: {}", cookie.value);

    let mut other = visit.browser();
    let again = log_in(&mut other, false).set_cookie("session").expect("a session cookie");
    assert_ne!(again.value, cookie.value, "each session its own random id");

    if visit.is_rust() {
        // The 64-character id, sealed with the key (nonce, ciphertext, tag), in base64.
        assert!(cookie.value.len() > 100, "encrypted: {}", cookie.value);
    } else {
        // `secrets.token_urlsafe(32)`: the row's id itself.
        assert_eq!(cookie.value.len(), 43, "the id as it is: {}", cookie.value);
        let url_safe = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
        assert!(cookie.value.chars().all(url_safe), "{}", cookie.value);
    }
}

/// `/session` shows the dictionary the server keeps: Flask-Login's keys, never a password.
fn the_session_is_kept_on_the_server_and_holds_no_password(visit: &mut Visit) {
    let mut browser = visit.browser();
    log_in(&mut browser, false);
    let page = browser.get("/session");
    assert_eq!(page.status, 200);
    for key in ["_user_id", "_fresh", "_id"] {
        assert!(page.says(&format!("<code>{key}</code>")), "{key} is in the session");
    }
    assert!(page.says("kept on the server") || page.says("Kept on the server"));
    assert!(!page.says(USER.1) && !page.says("$argon2id$"), "no password, no hash");
}

/// Fixation: an id from before the login (here one a failed login made, which an attacker could
/// have planted) is replaced, and its row deleted.
fn logging_in_gives_a_new_session_id_and_the_old_one_is_worth_nothing(visit: &mut Visit) {
    let mut browser = visit.browser();
    let page = browser.post("/login", &[("username", USER.0), ("password", "not it")]);
    assert!(page.redirects_to("/login"), "back to the form, with a message");
    let before = browser.cookie("session").expect("the message waits in a session");

    log_in(&mut browser, false);
    let after = browser.cookie("session").expect("a session cookie");
    assert_ne!(after, before, "a new id at login");
    assert!(is_signed_in(&mut browser));

    let mut planted = visit.browser();
    planted.set_cookie("session", &before);
    assert!(!is_signed_in(&mut planted), "the id from before the login is anonymous");
}

/// One user, two browsers, two rows: a logout deletes its own row only.
fn logging_out_in_one_browser_leaves_the_other_signed_in(visit: &mut Visit) {
    let (mut laptop, mut phone) = (visit.browser(), visit.browser());
    log_in(&mut laptop, false);
    log_in(&mut phone, false);
    assert!(laptop.post("/logout", &[]).redirects_to("/login"));
    assert!(!is_signed_in(&mut laptop));
    assert!(is_signed_in(&mut phone), "the phone's row is still there");
}

/// The browser still sends the cookie (it lasts until the browser closes), and the server
/// refuses it: the row ended five minutes after its last use. Each request moves that end.
fn a_session_ends_on_the_server_after_five_idle_minutes(visit: &mut Visit) {
    let mut browser = visit.browser();
    log_in(&mut browser, false);
    let copy = browser.cookie("session").expect("a session cookie");

    // Ten seconds to spare each way: a loaded machine takes time between two requests too.
    visit.advance(290);
    assert!(is_signed_in(&mut browser), "used within five minutes: still there, and moved on");
    visit.advance(290);
    assert!(is_signed_in(&mut browser), "sliding: five minutes from the last request");

    visit.advance(310);
    assert!(browser.cookie("session").is_some(), "the browser still has the cookie");
    assert!(!is_signed_in(&mut browser), "the server has ended the session");
    let mut other = visit.browser();
    other.set_cookie("session", &copy);
    assert!(!is_signed_in(&mut other), "and any copy of the cookie with it");
}

fn a_made_up_session_id_is_a_new_anonymous_session_not_an_error(visit: &mut Visit) {
    let mut browser = visit.browser();
    browser.set_cookie("session", "0123456789abcdefghijklmnopqrstuvwxyzABCDEFG");
    let page = browser.get("/");
    assert_eq!(page.status, 200);
    assert!(page.says("You are not logged in!"));
    assert!(!is_signed_in(&mut browser));
    log_in(&mut browser, false);
    assert!(is_signed_in(&mut browser), "and a login works from there");
}

/// The remember cookie outlives the session cookie; the login it restores is a new session,
/// not the one the browser came with (which someone may have planted there).
fn a_remembered_login_starts_a_new_session_and_the_planted_id_stays_anonymous(visit: &mut Visit) {
    // The attacker's own anonymous session: a failed login leaves a message in one.
    let mut attacker = visit.browser();
    attacker.post("/login", &[("username", USER.0), ("password", "not it")]);
    let planted = attacker.cookie("session").expect("an anonymous session with a message");

    let mut victim = visit.browser();
    log_in(&mut victim, true);
    assert!(victim.cookie("remember_token").is_some(), "remembered");
    victim.forget(None); // the browser closes: the session cookie goes, the remember cookie stays
    victim.set_cookie("session", &planted);

    let page = victim.get("/protected");
    assert_eq!(page.status, 200, "signed in again by the remember cookie");
    assert!(page.says("Not a fresh login"));
    let now = victim.cookie("session").expect("a session cookie");
    assert_ne!(now, planted, "a new session id");
    assert!(!is_signed_in(&mut attacker), "the planted id did not become the victim's login");
}
