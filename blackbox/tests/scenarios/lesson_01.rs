//! Lesson 01, raw cookies: the server asks the browser to keep a value, the browser sends it
//! back, and nothing protects it. The seed's flow: set a cookie at `/set_cookie/<name>`, read
//! it at `/`, delete it at `/delete_cookie`.

use blackbox::http::encode_component;
use blackbox::{Lesson, Visit, scenario};

// ANCHOR: lesson
pub static LESSON: Lesson = Lesson {
    folder: "01-raw-cookies",
    clock: false,
    scenarios: &[
        scenario!(the_tutorials_flow_set_read_and_delete_a_cookie, diagram),
        scenario!(the_server_believes_any_cookie_the_browser_sends),
        scenario!(a_name_with_html_in_it_is_shown_as_text),
        scenario!(a_name_with_spaces_and_accents_comes_back_as_it_was),
        scenario!(
            a_name_over_64_characters_is_refused,
            differs: "the lesson answers 400 and sets nothing; Flask sets any cookie, and a browser drops one over 4 KB without a word"
        ),
    ],
};
// ANCHOR_END: lesson

// ANCHOR: flow
/// The tutorial's flow, step by step (seed 002, "raw cookies": `/set_cookie/<username>`, `/`,
/// `/delete_cookie`, the same routes as here).
fn the_tutorials_flow_set_read_and_delete_a_cookie(visit: &mut Visit) {
    let mut browser = visit.browser();
    let page = browser.get("/");
    assert_eq!(page.status, 200);
    assert!(page.says("Hello, Guest!"), "no cookie yet: a guest");

    let page = browser.get("/set_cookie/alice");
    assert_eq!(page.status, 200);
    assert!(page.says("Cookie set for alice"));
    let cookie = page.set_cookie("username").expect("a Set-Cookie for username");
    assert_eq!(cookie.value, "alice", "a raw value: readable and changeable by anyone");
    assert_eq!(cookie.attribute("path"), Some("/"), "for the whole site");
    assert!(cookie.has("httponly"), "kept from JavaScript");
    assert_eq!(cookie.attribute("samesite"), Some("Lax"));
    assert_eq!(cookie.lifetime_at(0), None, "no Max-Age or Expires: gone when the browser closes");

    assert!(browser.get("/").says("Hello, alice!"), "the browser sent it back");

    let page = browser.get("/delete_cookie");
    assert!(page.says("Cookie has been deleted"));
    let removal = page.set_cookie("username").expect("a Set-Cookie that removes username");
    assert!(removal.is_removal_at(0), "Max-Age=0 or an Expires in the past: {}", removal.raw);
    assert_eq!(browser.cookie("username"), None);
    assert!(browser.get("/").says("Hello, Guest!"));
}
// ANCHOR_END: flow

/// Nothing protects the value: what the browser sends, the server believes.
fn the_server_believes_any_cookie_the_browser_sends(visit: &mut Visit) {
    let mut browser = visit.browser();
    browser.get("/set_cookie/alice");
    browser.set_cookie("username", "admin");
    assert!(browser.get("/").says("Hello, admin!"));
}

fn a_name_with_html_in_it_is_shown_as_text(visit: &mut Visit) {
    let mut browser = visit.browser();
    // No `/` in it: an encoded slash ends the path segment for Werkzeug's router.
    let name = "<img src=x onerror=alert(1)>";
    let page = browser.get(&format!("/set_cookie/{}", encode_component(name)));
    assert_eq!(page.status, 200);
    assert!(page.says("&lt;img src=x onerror=alert(1)&gt;"), "escaped");
    assert!(!page.says(name), "never the markup itself");
    let page = browser.get("/");
    assert!(page.says("Hello, &lt;img src=x"));
    assert!(!page.says(name));
}

/// A cookie value cannot hold a space or a `ü`: the lesson percent-encodes them, Werkzeug
/// quotes them; either way the name comes back as it was.
fn a_name_with_spaces_and_accents_comes_back_as_it_was(visit: &mut Visit) {
    let mut browser = visit.browser();
    browser.get(&format!("/set_cookie/{}", encode_component("Jürgen M")));
    let raw = browser.cookie("username").expect("a cookie");
    assert!(raw.is_ascii(), "encoded on the wire: {raw:?}");
    assert!(browser.get("/").says("Hello, Jürgen M!"));
}

// ANCHOR: differs
fn a_name_over_64_characters_is_refused(visit: &mut Visit) {
    let mut browser = visit.browser();
    let name = "a".repeat(65);
    let page = browser.get(&format!("/set_cookie/{name}"));
    if visit.is_rust() {
        assert_eq!(page.status, 400);
        assert!(page.says("A username has at most 64 characters."));
        assert_eq!(page.set_cookie("username"), None);
        assert!(browser.get("/").says("Hello, Guest!"));
    } else {
        assert_eq!(page.status, 200);
        assert!(browser.get("/").says(&format!("Hello, {name}!")));
    }
}
// ANCHOR_END: differs
