//! Lesson 14, CSRF tokens: every form carries a token that only this site's pages know, and a
//! `POST` without it is refused before its view runs. The Flask side is Flask-WTF's
//! `CSRFProtect`. The scenarios read the token from the form's HTML, as a browser sends it back.
//!
//! One server runs every scenario, so each registers dogs of its own. The clock moves (the
//! token's age), so both servers run under libfaketime.

use blackbox::{Client, Lesson, Response, Visit, scenario};

pub static LESSON: Lesson = Lesson {
    folder: "14-csrf-tokens",
    clock: true,
    scenarios: &[
        scenario!(a_dog_logs_in_and_woofs_with_the_token_its_forms_carry, diagram),
        scenario!(every_form_carries_a_csrf_token),
        scenario!(
            a_form_posted_from_another_page_is_refused_and_changes_nothing,
            differs: "the lesson answers 403 with a page that says what to do; Flask-WTF answers 400, \"The CSRF token is missing.\""
        ),
        scenario!(
            every_post_without_the_token_or_with_a_wrong_one_is_refused,
            differs: "403 and one message here; Flask-WTF's 400, with a message for each case (missing, invalid, do not match)"
        ),
        scenario!(
            the_token_changes_at_login_so_one_planted_before_is_worthless,
            differs: "both refuse the planted token: 403 here, 400 from Flask-WTF"
        ),
        scenario!(a_good_token_does_not_make_another_dogs_woof_yours),
        scenario!(
            a_token_from_the_start_of_the_session_still_works_an_hour_later,
            differs: "one token for the session's life here; Flask-WTF's token carries its time and is refused after an hour (WTF_CSRF_TIME_LIMIT)"
        ),
        scenario!(
            a_form_that_sends_the_token_twice_is_refused,
            differs: "the lesson answers 400 to two csrf_token fields; Flask-WTF reads the first, and a good first one is accepted"
        ),
    ],
};

const PASSWORD: &str = "good boy!";
const FIELD: &str = "name=\"csrf_token\" value=\"";

/// The token in the page's first form (every form of a page carries the same session's token).
fn token_in(page: &Response) -> String {
    let start =
        page.body.find(FIELD).unwrap_or_else(|| panic!("no csrf_token field:\n{}", page.body))
            + FIELD.len();
    let end = page.body[start..].find('"').expect("the value's closing quote") + start;
    page.body[start..end].to_string()
}

/// What a browser does: open the page with the form, then send the form with its token.
fn submit(
    browser: &mut Client,
    form_page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> Response {
    let token = token_in(&browser.get(form_page));
    let mut fields = fields.to_vec();
    fields.push(("csrf_token", &token));
    browser.post(action, &fields)
}

/// A new browser where dog `name` has registered and logged in, through the forms.
fn dog(visit: &Visit, name: &str) -> Client {
    let mut browser = visit.browser();
    let email = format!("{name}@dogs.example");
    let fields = [("username", name), ("email", email.as_str()), ("password", PASSWORD)];
    let page = submit(&mut browser, "/register", "/register", &fields);
    assert!(page.redirects_to("/login"), "{name} registers: {}", page.status);
    let page =
        submit(&mut browser, "/login", "/login", &[("username", name), ("password", PASSWORD)]);
    assert!(page.redirects_to("/protected"), "{name} logs in: {}", page.status);
    browser
}

/// The browser's dog woofs `text` through the timeline's form; the woof's id.
fn woof(browser: &mut Client, text: &str) -> String {
    let page = submit(browser, "/", "/woofs", &[("body", text)]);
    assert!(page.redirects_to("/"), "woofed: {}", page.status);
    let page = browser.get("/");
    let at = page.body.find(text).unwrap_or_else(|| panic!("no woof says {text:?}"));
    let marker = "id=\"woof-";
    let start =
        page.body[..at].rfind(marker).expect("a woof's <li> before its text") + marker.len();
    let end = page.body[start..].find('"').expect("the id's closing quote") + start;
    page.body[start..end].to_string()
}

/// A post without a good token, as each side refuses it: the lesson with 403 and its page,
/// Flask-WTF with 400 and `flask_says` (its `CSRFError`'s description).
fn assert_refused(visit: &Visit, page: &Response, flask_says: &str) {
    if visit.is_rust() {
        assert_eq!(page.status, 403);
        assert!(page.says("(its CSRF token is missing or wrong). Go back, reload the page"));
    } else {
        assert_eq!(page.status, 400);
        assert!(page.says(flask_says), "Flask-WTF says {flask_says:?}");
    }
}

/// The main flow: the login form's token, a login, and the timeline's token (a new one: the
/// login started a new session) to woof with.
fn a_dog_logs_in_and_woofs_with_the_token_its_forms_carry(visit: &mut Visit) {
    let mut browser = visit.browser();
    let page = browser.get("/login");
    assert_eq!(page.status, 200);
    let before = token_in(&page);
    let fields = [("username", "user1"), ("password", "mypassword"), ("csrf_token", &before)];
    let page = browser.post("/login", &fields);
    assert_eq!(page.status, 303);
    assert!(page.redirects_to("/protected"));

    let page = browser.get("/");
    let token = token_in(&page);
    assert_ne!(token, before, "a new session, a new token");
    let page = browser.post("/woofs", &[("body", "Woof, with a token"), ("csrf_token", &token)]);
    assert_eq!(page.status, 303);
    assert!(page.redirects_to("/"));
    assert!(browser.get("/").says("<p>Woof, with a token</p>"));
}

fn every_form_carries_a_csrf_token(visit: &mut Visit) {
    let mut rex = dog(visit, "rex-forms");
    woof(&mut rex, "A woof with a delete button");
    let mut anonymous = visit.browser();
    let pages = [
        (false, "/"),
        (false, "/dogs/rex-forms"),
        (false, "/sessions"),
        (false, "/logout"),
        (true, "/login"),
        (true, "/register"),
    ];
    for (logged_out, path) in pages {
        let page = if logged_out { anonymous.get(path) } else { rex.get(path) };
        assert_eq!(page.status, 200, "{path}");
        let forms = page.body.matches("<form method=\"post\"").count();
        assert!(forms > 0, "{path} has a form");
        let hidden =
            page.body.matches("<input type=\"hidden\" name=\"csrf_token\" value=\"").count();
        assert_eq!(hidden, forms, "{path}: a hidden csrf_token in every form");
    }
}

/// Lesson 13's forged post, again: the page elsewhere cannot read the dog's pages, so it
/// cannot know the token and sends none. The browser still sends the cookies (a page of the
/// same site), and the post is refused before the view.
fn a_form_posted_from_another_page_is_refused_and_changes_nothing(visit: &mut Visit) {
    let mut rex = dog(visit, "rex-forged");
    let page = rex.request(
        "POST",
        "/woofs",
        &[("body", "rex-forged loves cats.")],
        &[("Origin", "http://127.0.0.1:8015")],
    );
    assert_refused(visit, &page, "The CSRF token is missing.");
    assert!(!rex.get("/dogs/rex-forged").says("loves cats"), "nothing was posted");
}

fn every_post_without_the_token_or_with_a_wrong_one_is_refused(visit: &mut Visit) {
    let mut rex = dog(visit, "rex-wrong");
    let id = woof(&mut rex, "rex-wrong was here");
    let delete = format!("/woofs/{id}/delete");
    let fido =
        [("username", "fido-never"), ("email", "fido@never.example"), ("password", PASSWORD)];
    // Every form of the site, sent without its token.
    for (path, fields) in [
        ("/woofs", &[("body", "A forged woof")][..]),
        (&delete, &[]),
        ("/register", &fido),
        ("/login", &[("username", "user1"), ("password", "mypassword")]),
        ("/logout", &[]),
        ("/sessions/end-others", &[]),
    ] {
        assert_refused(visit, &rex.post(path, fields), "The CSRF token is missing.");
    }
    // And two of them with an empty token, a made-up one, and another session's.
    let someone_elses = token_in(&visit.browser().get("/login"));
    for (token, flask_says) in [
        ("", "The CSRF token is missing."),
        ("wrong", "The CSRF token is invalid."),
        (someone_elses.as_str(), "The CSRF tokens do not match."),
    ] {
        let page = rex.post("/woofs", &[("body", "A forged woof"), ("csrf_token", token)]);
        assert_refused(visit, &page, flask_says);
        assert_refused(visit, &rex.post("/logout", &[("csrf_token", token)]), flask_says);
    }
    // Nothing happened: the woof is there, fido is not, rex is still logged in.
    let page = rex.get("/");
    assert!(page.says("rex-wrong was here"));
    assert!(!page.says("A forged woof"));
    assert_eq!(rex.get("/dogs/fido-never").status, 404);
    assert!(rex.get("/protected").says("Logged in as rex-wrong"));
}

/// A token a forger planted before the login (one of their own session's, or one they read
/// off this browser's login page) is worthless after it: the login starts a new session.
fn the_token_changes_at_login_so_one_planted_before_is_worthless(visit: &mut Visit) {
    let mut browser = visit.browser();
    let before = token_in(&browser.get("/login"));
    let fields = [("username", "user1"), ("password", "mypassword"), ("csrf_token", &before)];
    assert!(browser.post("/login", &fields).redirects_to("/protected"));
    let after = token_in(&browser.get("/"));
    assert_ne!(before, after);

    let page = browser.post("/woofs", &[("body", "Planted"), ("csrf_token", &before)]);
    assert_refused(visit, &page, "The CSRF tokens do not match.");
    let page = browser.post("/woofs", &[("body", "Not planted"), ("csrf_token", &after)]);
    assert!(page.redirects_to("/"));
}

/// The token says the form came from this site, nothing more: the author check still decides.
fn a_good_token_does_not_make_another_dogs_woof_yours(visit: &mut Visit) {
    let mut rex = dog(visit, "rex-token");
    let id = woof(&mut rex, "rex-token keeps this one");
    let mut fido = dog(visit, "fido-token");
    let page = submit(&mut fido, "/", &format!("/woofs/{id}/delete"), &[]);
    assert_eq!(page.status, 403);
    assert!(page.says("You can only delete your own woofs."));
    assert!(fido.get("/").says("rex-token keeps this one"));
}

/// A form left open: the session is kept alive (a page every few minutes, within the lesson's
/// 5-minute sliding lifetime), and the form is sent after an hour and a bit.
fn a_token_from_the_start_of_the_session_still_works_an_hour_later(visit: &mut Visit) {
    let mut rex = dog(visit, "rex-patient");
    let token = token_in(&rex.get("/"));
    for _ in 0..13 {
        visit.advance(280);
        assert!(rex.get("/protected").says("Logged in as rex-patient"), "still logged in");
    }
    // 3,640 seconds later.
    let page = rex.post("/woofs", &[("body", "Sent an hour later"), ("csrf_token", &token)]);
    if visit.is_rust() {
        assert!(page.redirects_to("/"), "the session's token, as long as the session lives");
        assert!(rex.get("/").says("Sent an hour later"));
    } else {
        assert_eq!(page.status, 400);
        assert!(page.says("The CSRF token has expired."));
        // A fresh page gives a fresh token, and the same form goes through.
        let page = submit(&mut rex, "/", "/woofs", &[("body", "Sent an hour later")]);
        assert!(page.redirects_to("/"));
    }
}

fn a_form_that_sends_the_token_twice_is_refused(visit: &mut Visit) {
    let mut rex = dog(visit, "rex-twice");
    let token = token_in(&rex.get("/"));
    let fields = [("body", "Two tokens"), ("csrf_token", &token), ("csrf_token", "another")];
    let page = rex.post("/woofs", &fields);
    if visit.is_rust() {
        assert_eq!(page.status, 400);
        assert!(page.says("The form sent csrf_token twice."));
        assert!(!rex.get("/").says("Two tokens"));
    } else {
        assert!(page.redirects_to("/"), "the first one counts: {}", page.status);
        assert!(rex.get("/").says("Two tokens"));
    }
}
