//! What lesson 04 shows, as tests. Run with: just test 04

use actix_web::cookie::SameSite;
use shared::Config;
use shared::testkit::TestClient;

use crate::{LESSON, app};

async fn logged_in_as(name: &str) -> TestClient {
    let mut browser = TestClient::new(&LESSON, app).await;
    browser.post("/login", &[("username", name)]).await.assert_redirect("/");
    browser
}

#[actix_web::test]
async fn a_new_visitor_is_not_logged_in() {
    let mut browser = TestClient::new(&LESSON, app).await;
    browser.get("/").await.assert_status(200).assert_contains("You are not logged in!");
}

// ANCHOR: round_trip
#[actix_web::test]
async fn login_puts_the_name_in_the_session_and_logout_takes_it_out() {
    let mut browser = TestClient::new(&LESSON, app).await;
    let res = browser.post("/login", &[("username", "alice")]).await;
    res.assert_redirect("/");
    assert!(res.has_set_cookie("session"));
    browser.get("/").await.assert_contains("Logged in as alice");

    browser.get("/logout").await.assert_redirect("/");
    browser.get("/").await.assert_contains("You are not logged in!");
}
// ANCHOR_END: round_trip

#[actix_web::test]
async fn the_page_the_login_leads_to_greets_the_user_the_login_stored() {
    // Seed 001's index looks for `"user_id"` while its login stores `"username"`: it never sees
    // anyone logged in. Here the key the home page reads is the key the login writes.
    let mut browser = TestClient::new(&LESSON, app).await;
    let res = browser.post("/login", &[("username", "alice")]).await;
    let next = res.header("location").expect("the login redirects").to_string();
    browser.get(&next).await.assert_contains("Logged in as alice");
    // And that key is `username`, the course's name for it.
    browser.get("/session").await.assert_contains("<code>username</code>");
}

#[actix_web::test]
async fn logging_out_without_being_logged_in_is_a_redirect_not_an_error() {
    // Seed 001 logs out with `session.pop("username")`, no default: a `KeyError`, so a 500, for
    // a visitor who is not logged in. Here that is `session.pop("username", None)`.
    let mut browser = TestClient::new(&LESSON, app).await;
    browser.get("/logout").await.assert_redirect("/");
    browser.get("/").await.assert_status(200).assert_contains("You are not logged in!");
    // Twice in a row, too: the second logout finds nothing to remove.
    let mut browser = logged_in_as("alice").await;
    browser.get("/logout").await.assert_redirect("/");
    browser.get("/logout").await.assert_redirect("/");
}

/// `Session::remove` marks the session changed even for a key that is not there, and a changed
/// session is sent again: logout looks first.
#[actix_web::test]
async fn logging_out_when_not_logged_in_leaves_the_session_cookie_alone() {
    let mut browser = TestClient::new(&LESSON, app).await;
    browser.post("/session/insert", &[("key", "cart"), ("value", "3 bones")]).await;
    assert!(browser.cookie("session").is_some(), "a session, but no username in it");
    let page = browser.get("/logout").await;
    page.assert_redirect("/");
    assert!(!page.has_set_cookie("session"), "nothing changed, so nothing is sent");
}

// ANCHOR: attributes
#[actix_web::test]
async fn the_session_cookie_is_http_only_lax_site_wide_and_not_secure_by_default() {
    let mut browser = TestClient::new(&LESSON, app).await;
    let res = browser.post("/login", &[("username", "alice")]).await;
    res.set_cookie("session")
        .assert_http_only()
        .assert_same_site(SameSite::Lax)
        .assert_path("/")
        // Not `Secure`, so every client sends it back over http://127.0.0.1, requests included.
        .assert_secure(false)
        // No Max-Age: gone when the browser closes (lesson 05 makes it permanent).
        .assert_browser_session();
}

#[actix_web::test]
async fn session_cookie_secure_switches_the_secure_attribute_on() {
    let config = Config::for_tests(4).with("SESSION_COOKIE_SECURE", "1");
    let mut browser = TestClient::with_config(&LESSON, config, app).await;
    let res = browser.post("/login", &[("username", "alice")]).await;
    res.set_cookie("session").assert_secure(true).assert_http_only();
}
// ANCHOR_END: attributes

// ANCHOR: tampering
#[actix_web::test]
async fn the_cookie_is_encrypted_so_the_name_cannot_be_read_from_it() {
    let browser = logged_in_as("alice").await;
    let value = browser.cookie("session").unwrap();
    assert!(!value.contains("alice"), "{value}");
}

#[actix_web::test]
async fn a_tampered_cookie_means_logged_out() {
    let mut browser = logged_in_as("alice").await;
    let value = browser.cookie("session").unwrap().to_string();
    // Flip one character in the middle of the ciphertext: a base64 letter, not one of a `%2F`
    // escape (changed, that would be a malformed cookie rather than a failed decryption).
    let mut bytes = value.into_bytes();
    let mut middle = bytes.len() / 2;
    while !bytes[middle].is_ascii_alphanumeric() || bytes[middle - 2..middle].contains(&b'%') {
        middle += 1;
    }
    bytes[middle] = if bytes[middle] == b'A' { b'B' } else { b'A' };
    browser.set_cookie("session", std::str::from_utf8(&bytes).unwrap());

    let res = browser.get("/").await;
    res.assert_status(200).assert_contains("You are not logged in!");
    assert!(res.body().contains("Decryption failed"), "{}", res.body());
}

#[actix_web::test]
async fn a_cookie_from_a_server_with_another_key_means_logged_out() {
    let other = logged_in_as("alice").await;
    let mut browser = TestClient::new(&LESSON, app).await; // a new random key
    browser.set_cookie("session", other.cookie("session").unwrap());
    browser.get("/").await.assert_contains("You are not logged in!");
}

#[actix_web::test]
async fn garbage_in_the_session_cookie_means_logged_out_not_an_error() {
    let mut browser = TestClient::new(&LESSON, app).await;
    for garbage in ["", "x", "%%%", "not-base64!!", &"A".repeat(3000)] {
        browser.set_cookie("session", garbage);
        browser.get("/").await.assert_status(200).assert_contains("You are not logged in!");
    }
}
// ANCHOR_END: tampering

// ANCHOR: replay
#[actix_web::test]
async fn a_cookie_copied_before_logout_still_logs_you_in_after_it() {
    // The cookie store keeps nothing on the server, so it cannot revoke anything: logout only
    // asks the browser to forget. Whoever copied the cookie is still "alice". Lesson 11 fixes it.
    let mut browser = logged_in_as("alice").await;
    let copied = browser.cookie("session").unwrap().to_string();
    browser.get("/logout").await;
    browser.get("/").await.assert_contains("You are not logged in!");

    browser.set_cookie("session", &copied);
    browser.get("/").await.assert_contains("Logged in as alice");
}
// ANCHOR_END: replay

#[actix_web::test]
async fn a_missing_or_empty_username_reshows_the_form_with_a_message_and_400() {
    let mut browser = TestClient::new(&LESSON, app).await;
    for fields in [&[][..], &[("username", "")], &[("username", " ")], &[("nm", "alice")]] {
        let res = browser.post("/login", fields).await;
        res.assert_status(400)
            .assert_contains("Please enter a name of 1 to 64 characters.")
            .assert_contains(r#"name="username""#);
        assert!(!res.has_set_cookie("session"));
    }
}

#[actix_web::test]
async fn a_script_in_the_username_comes_back_escaped() {
    let mut browser = logged_in_as("<script>alert(1)</script>").await;
    let res = browser.get("/").await;
    res.assert_contains("Logged in as &lt;script&gt;alert(1)&lt;/script&gt;");
    assert!(!res.body().contains("<script>"));
}

// ANCHOR: dictionary
#[actix_web::test]
async fn the_session_page_shows_the_dictionary_and_can_insert_remove_and_clear() {
    let mut browser = logged_in_as("alice").await;
    browser
        .get("/session")
        .await
        .assert_contains("<code>username</code>")
        .assert_contains("<code>&quot;alice&quot;</code>");

    browser.post("/session/insert", &[("key", "theme"), ("value", "dark")]).await;
    browser.get("/session").await.assert_contains("<code>theme</code>");

    browser.post("/session/remove", &[("key", "theme")]).await.assert_redirect("/session");
    browser.get("/session").await.assert_not_contains("<code>theme</code>");

    browser.post("/session/clear", &[]).await.assert_redirect("/session");
    browser.get("/session").await.assert_contains("The session is empty.");
    browser.get("/").await.assert_contains("You are not logged in!");
}
// ANCHOR_END: dictionary

#[actix_web::test]
async fn the_server_trusts_what_is_in_the_session_whoever_put_it_there() {
    // The session is the server's own dictionary: putting "username" in it is logging in.
    let mut browser = TestClient::new(&LESSON, app).await;
    browser.post("/session/insert", &[("key", "username"), ("value", "bob")]).await;
    browser.get("/").await.assert_contains("Logged in as bob");
}

// ANCHOR: too_big
#[actix_web::test]
async fn a_session_too_big_for_a_cookie_is_refused_with_413_and_nothing_is_lost() {
    let mut browser = logged_in_as("alice").await;
    let before = browser.cookie("session").unwrap().to_string();
    let big = "x".repeat(3000);
    let res = browser.post("/session/insert", &[("key", "big"), ("value", big.as_str())]).await;
    res.assert_status(413).assert_contains("Not stored");
    assert_eq!(browser.cookie("session"), Some(before.as_str()), "the cookie is unchanged");
    browser.get("/").await.assert_contains("Logged in as alice");
}
// ANCHOR_END: too_big

#[actix_web::test]
async fn an_insert_without_a_key_is_a_400() {
    let mut browser = TestClient::new(&LESSON, app).await;
    browser.post("/session/insert", &[("value", "x")]).await.assert_status(400);
}

#[actix_web::test]
async fn the_inspector_shows_the_decrypted_dictionary() {
    let mut browser = logged_in_as("alice").await;
    let res = browser.get("/").await;
    assert!(res.body().contains("Decrypted with the server&#39;s key"), "{}", res.body());
    assert!(res.body().contains("{&quot;username&quot;:&quot;\\&quot;alice\\&quot;&quot;}"));
}

#[actix_web::test]
async fn the_login_cookie_comes_on_a_redirect_and_the_page_after_it_shows_it_decrypted() {
    let mut browser = TestClient::new(&LESSON, app).await;
    let res = browser.post("/login", &[("username", "alice")]).await;
    // A redirect has no page, so nothing for the inspector to add: the body stays empty, and
    // the cookie is the session middleware's, unchanged (the browser kept it).
    res.assert_redirect("/");
    assert_eq!(res.body(), "");
    let sent = res.set_cookie("session");
    assert_eq!(browser.cookie("session"), Some(sent.value()));
    // The browser follows the redirect with it: the request half shows it decrypted, and this
    // response, with the session unchanged, sets no cookie.
    let page = browser.get("/").await;
    assert!(page.body().contains("{&quot;username&quot;:&quot;\\&quot;alice\\&quot;&quot;}"));
    assert!(page.inspector_says_no_set_cookie(), "{}", page.body());
}

#[actix_web::test]
async fn a_page_that_sets_no_cookie_says_so_in_the_inspector() {
    let mut browser = TestClient::new(&LESSON, app).await;
    for path in ["/", "/login", "/session", "/nope"] {
        let res = browser.get(path).await;
        assert!(res.inspector_says_no_set_cookie(), "{path}: {}", res.body());
        assert!(!res.body().contains("<!-- set-cookies -->"), "{path}");
    }
}

// Bad cookies, bad forms, a wrong content type: a 4xx page or no cookie, never a 500.
shared::bad_input_tests!(crate::LESSON, crate::app);

/// 10 000 random `session` cookies (anything a browser can send, base64-looking junk, and the
/// server's own cookie with a character changed, cut short or lengthened): none of them is a
/// session unless it decrypts with this server's key, which the oracle below checks the same
/// way actix-session does (`cookie`'s private jar, then the JSON dictionary).
mod random_cookies {
    use std::cell::{Cell, RefCell};
    use std::collections::HashMap;

    use actix_web::cookie::{Cookie, CookieJar};
    use actix_web::rt::System;
    use actix_web::test::TestRequest;
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestCaseError, TestRunner};
    use shared::testkit::TestClient;

    use crate::{LESSON, app};

    fn values(genuine: String) -> impl Strategy<Value = String> {
        let mutated = genuine.clone();
        prop_oneof![
            // Any cookie-octets (RFC 6265): visible ASCII but `"`, `,`, `;` and `\`.
            "[!#-+\\--:<-\\[\\]-~]{0,160}",
            // What an encrypted cookie looks like: base64 of nonce, ciphertext and tag.
            "[A-Za-z0-9+/]{40,120}={0,2}",
            // Random bytes, percent-encoded (decoded by actix-web; often not UTF-8).
            proptest::collection::vec(any::<u8>(), 0..80)
                .prop_map(|bytes| bytes.iter().map(|b| format!("%{b:02X}")).collect::<String>()),
            // The real cookie, changed in one place.
            (0..mutated.len(), "[A-Za-z0-9+/=%]", 0..3u8).prop_map(move |(at, c, how)| {
                let mut value = mutated.clone();
                match how {
                    0 => value.replace_range(at..=at, &c),
                    1 => value.truncate(at),
                    _ => value.insert_str(at, &c),
                }
                value
            }),
            Just(genuine),
        ]
    }

    /// What the pages' autoescape makes of a name (shared's, byte for byte tera's own: `'` is
    /// `&#39;`, `/` stays). The genuine name below has both, so a wrong oracle fails.
    fn tera_escape(text: &str) -> String {
        let pairs =
            [('&', "&amp;"), ('<', "&lt;"), ('>', "&gt;"), ('"', "&quot;"), ('\'', "&#39;")];
        let escape = |c: char| pairs.iter().find(|(from, _)| *from == c).map(|(_, to)| *to);
        text.chars().map(|c| escape(c).map_or(c.to_string(), str::to_string)).collect()
    }

    #[test]
    fn only_a_cookie_encrypted_with_this_servers_key_is_a_session() {
        let system = System::new();
        let mut browser = system.block_on(TestClient::new(&LESSON, app));
        let anonymous = system.block_on(browser.get("/")).main().to_string();
        system.block_on(browser.post("/login", &[("username", "O'Neil/Ann")])).assert_redirect("/");
        let genuine = browser.cookie("session").expect("the login set a cookie").to_string();
        let key = browser.site().key().clone();
        let browser = RefCell::new(browser);
        let believed = Cell::new(0);

        // 10 000 in `just test` and CI; `just test NN`, the edit-test loop, sets PROPTEST_CASES
        // to a few hundred (10 000 take seconds in a debug build).
        let cases = std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok());
        let config = Config {
            cases: cases.unwrap_or(10_000),
            failure_persistence: None,
            ..Config::default()
        };
        let mut runner = TestRunner::new(config);
        let result = runner.run(&values(genuine), |value| {
            // The oracle: decrypt, then read `username` from the JSON dictionary.
            let username = Cookie::parse_encoded(format!("session={value}")).ok().and_then(|c| {
                let mut jar = CookieJar::new();
                jar.add_original(c.into_owned());
                let json = jar.private(&key).get("session")?.value().to_string();
                let state: HashMap<String, String> = serde_json::from_str(&json).ok()?;
                serde_json::from_str::<String>(state.get("username")?).ok()
            });
            let cookie = format!("session={value}");
            let req = TestRequest::get().uri("/").insert_header(("cookie", cookie));
            let res = system.block_on(browser.borrow_mut().try_send_raw(req));
            let res = res.map_err(TestCaseError::fail)?;
            prop_assert_eq!(res.status().as_u16(), 200, "{}", res.body());
            match username {
                Some(name) => {
                    believed.set(believed.get() + 1);
                    let heading = format!("Logged in as {}", tera_escape(&name));
                    prop_assert!(res.main().contains(&heading), "{}", res.main());
                }
                None => prop_assert_eq!(res.main(), anonymous.as_str()),
            }
            Ok(())
        });
        if let Err(failure) = result {
            panic!("{failure}");
        }
        assert!(
            believed.get() > 0,
            "the genuine cookie was never tried: the oracle went unchecked"
        );
    }
}
