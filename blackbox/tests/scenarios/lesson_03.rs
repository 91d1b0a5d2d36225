//! Lesson 03, signed cookies: the `username` cookie carries a signature made with the secret
//! key. The name stays readable, but a changed or forged cookie counts as no cookie: a guest.

use blackbox::{Client, Lesson, Visit, scenario};

pub static LESSON: Lesson = Lesson {
    folder: "03-signed-cookies",
    clock: false,
    scenarios: &[
        scenario!(logging_in_signs_the_cookie_and_the_name_stays_readable, diagram),
        scenario!(a_cookie_without_a_signature_means_a_guest),
        scenario!(a_name_changed_inside_the_signed_cookie_means_a_guest),
        scenario!(a_copy_of_the_cookie_still_works_after_logout),
        scenario!(garbage_in_the_cookie_means_a_guest_not_an_error),
        scenario!(a_signed_name_with_spaces_accents_and_html_comes_back_as_it_was),
        scenario!(a_missing_empty_or_too_long_name_shows_the_form_again_with_400),
    ],
};

const GUEST: &str = r#"<h1 id="greeting">Hello, Guest!</h1>"#;

fn logged_in_as(visit: &Visit, name: &str) -> Client {
    let mut browser = visit.browser();
    let answer = browser.post("/login", &[("username", name)]);
    assert!(answer.redirects_to("/"), "the login of {name:?}: {}", answer.status);
    browser
}

fn logging_in_signs_the_cookie_and_the_name_stays_readable(visit: &mut Visit) {
    let mut browser = visit.browser();
    assert!(browser.get("/").says(GUEST));

    let answer = browser.post("/login", &[("username", "alice")]);
    assert_eq!(answer.status, 303);
    assert!(answer.redirects_to("/"));
    let cookie = answer.set_cookie("username").expect("the signed cookie comes with the redirect");
    assert_ne!(cookie.value, "alice", "no longer just the name: a signature too");
    assert!(cookie.value.contains("alice"), "signed, not encrypted: {}", cookie.value);
    assert_eq!(cookie.attribute("path"), Some("/"));
    assert!(cookie.has("httponly"));
    assert_eq!(cookie.attribute("samesite"), Some("Lax"));
    assert_eq!(cookie.lifetime_at(0), None, "gone when the browser closes");

    assert!(browser.follow(&answer).says(r#"<h1 id="greeting">Hello, alice!</h1>"#));
    assert!(browser.get("/login").redirects_to("/"), "logged in: no form");

    let answer = browser.get("/logout");
    assert!(answer.redirects_to("/login"));
    let removal = answer.set_cookie("username").expect("a removal cookie");
    assert!(removal.is_removal_at(0), "{}", removal.raw);
    assert!(browser.get("/").says(GUEST));
}

/// What worked in lesson 02, `username=admin` by hand, no longer does.
fn a_cookie_without_a_signature_means_a_guest(visit: &mut Visit) {
    let mut browser = visit.browser();
    browser.set_cookie("username", "admin");
    let page = browser.get("/");
    assert_eq!(page.status, 200);
    assert!(page.says(GUEST) && !page.says("Hello, admin!"));
    assert_eq!(browser.get("/login").status, 200, "not logged in: the form");
}

/// The name is in clear, so it is easy to change; the signature then no longer fits.
fn a_name_changed_inside_the_signed_cookie_means_a_guest(visit: &mut Visit) {
    let mut browser = logged_in_as(visit, "alice");
    let signed = browser.cookie("username").expect("a signed cookie");
    browser.set_cookie("username", &signed.replace("alice", "admin"));
    let page = browser.get("/");
    assert_eq!(page.status, 200);
    assert!(page.says(GUEST) && !page.says("Hello, admin!"));
}

/// A signature has no date and logout only asks the browser to forget: a copy taken before
/// the logout still signs you in, until the key changes (lesson 05 adds lifetimes).
fn a_copy_of_the_cookie_still_works_after_logout(visit: &mut Visit) {
    let mut browser = logged_in_as(visit, "alice");
    let copy = browser.cookie("username").expect("a signed cookie");
    browser.get("/logout");
    assert!(browser.get("/").says(GUEST));
    browser.set_cookie("username", &copy);
    assert!(browser.get("/").says("Hello, alice!"));
}

fn garbage_in_the_cookie_means_a_guest_not_an_error(visit: &mut Visit) {
    let mut browser = visit.browser();
    for garbage in ["", "x", "%%%", ".", "alice.", "=alice", "not-base64!!.alice"] {
        browser.set_cookie("username", garbage);
        let page = browser.get("/");
        assert_eq!(page.status, 200, "{garbage:?}");
        assert!(page.says(GUEST), "{garbage:?}");
    }
}

fn a_signed_name_with_spaces_accents_and_html_comes_back_as_it_was(visit: &mut Visit) {
    let mut browser = logged_in_as(visit, "Jürgen; Müller");
    let raw = browser.cookie("username").expect("a cookie");
    assert!(raw.is_ascii() && !raw.contains(';'), "encoded on the wire: {raw:?}");
    assert!(browser.get("/").says("Hello, Jürgen; Müller!"));

    let mut browser = logged_in_as(visit, "<script>alert(1)</script>");
    let page = browser.get("/");
    assert!(page.says("Hello, &lt;script&gt;alert(1)&lt;/script&gt;!"), "escaped");
    assert!(!page.says("<script>alert(1)"));
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
        assert_eq!(page.set_cookie("username"), None, "{form:?}");
    }
}
