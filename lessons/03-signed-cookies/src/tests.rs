//! What lesson 03 shows, as tests. Run with: just test 03

use actix_web::cookie::{Cookie, CookieJar, Key, SameSite};
use actix_web::test::TestRequest;
use shared::testkit::TestClient;

use crate::{LESSON, app};

#[actix_web::test]
async fn the_login_page_shows_a_form_posting_username() {
    let mut browser = TestClient::new(&LESSON, app).await;
    browser
        .get("/login")
        .await
        .assert_status(200)
        .assert_contains(r#"<form method="post" action="/login">"#)
        .assert_contains(r#"name="username""#);
}

// ANCHOR: login_flow
#[actix_web::test]
async fn logging_in_keeps_the_name_in_a_cookie_and_redirects_home_which_greets_by_name() {
    let mut browser = TestClient::new(&LESSON, app).await;
    let res = browser.post("/login", &[("username", "alice")]).await;
    res.assert_redirect("/");
    assert_ne!(
        res.set_cookie("username").value(),
        "alice",
        "a signature goes in front of the name"
    );

    browser
        .get("/")
        .await
        .assert_status(200)
        .assert_contains(r#"<h1 id="greeting">Hello, alice!</h1>"#)
        .assert_contains(r#"<a href="/logout">"#);
}
// ANCHOR_END: login_flow

#[actix_web::test]
async fn the_cookie_is_for_the_whole_site_http_only_and_same_site_lax() {
    let mut browser = TestClient::new(&LESSON, app).await;
    let res = browser.post("/login", &[("username", "alice")]).await;
    res.set_cookie("username")
        .assert_path("/")
        .assert_http_only()
        .assert_same_site(SameSite::Lax)
        .assert_browser_session();
}

#[actix_web::test]
async fn an_anonymous_visitor_is_greeted_as_guest_and_sent_to_the_login_form() {
    let mut browser = TestClient::new(&LESSON, app).await;
    browser
        .get("/")
        .await
        .assert_status(200)
        .assert_contains(r#"<h1 id="greeting">Hello, Guest!</h1>"#)
        .assert_contains(r#"<a href="/login">"#);
}

#[actix_web::test]
async fn the_login_page_sends_a_logged_in_user_home() {
    let mut browser = TestClient::new(&LESSON, app).await;
    browser.post("/login", &[("username", "alice")]).await;
    browser.get("/login").await.assert_redirect("/");
}

#[actix_web::test]
async fn logout_removes_the_cookie_and_redirects_to_login() {
    let mut browser = TestClient::new(&LESSON, app).await;
    browser.post("/login", &[("username", "alice")]).await;
    let res = browser.get("/logout").await;
    res.assert_redirect("/login");
    res.set_cookie("username").assert_removal();
    browser.get("/").await.assert_contains(r#"<h1 id="greeting">Hello, Guest!</h1>"#);
}

// ANCHOR: forgery
#[actix_web::test]
async fn a_forged_user_cookie_is_treated_as_anonymous() {
    let mut browser = TestClient::new(&LESSON, app).await;
    // What worked in lesson 02 no longer does: the cookie has no valid signature.
    browser.set_cookie("username", "admin");
    browser.get("/").await.assert_contains(r#"<h1 id="greeting">Hello, Guest!</h1>"#);
}

#[actix_web::test]
async fn a_tampered_cookie_is_treated_as_anonymous_and_the_inspector_says_why() {
    let mut browser = TestClient::new(&LESSON, app).await;
    browser.post("/login", &[("username", "alice")]).await;
    let signed = browser.cookie("username").unwrap().to_string();
    // Keep alice's signature, change the name after it.
    browser.set_cookie("username", &signed.replace("alice", "admin"));

    browser.get("/").await.assert_contains(r#"<h1 id="greeting">Hello, Guest!</h1>"#);
    let res = browser.get("/login").await;
    res.assert_status(200);
    assert!(res.body().contains("Signature check failed"), "{}", res.body());
}
// ANCHOR_END: forgery

// ANCHOR: readable
#[actix_web::test]
async fn a_signed_value_is_still_readable_in_clear() {
    let mut browser = TestClient::new(&LESSON, app).await;
    browser.post("/login", &[("username", "alice")]).await;
    // Signed is not encrypted: anyone who sees the cookie can read the name.
    let value = browser.cookie("username").unwrap();
    assert!(value.ends_with("alice"), "{value}");
    let res = browser.get("/").await;
    assert!(res.body().contains("Signature OK"), "{}", res.body());
}

#[actix_web::test]
async fn a_private_cookie_hides_its_value_and_only_the_key_opens_it() {
    // The other jar the `cookie` crate offers: encrypted (AES-256-GCM) as well as authenticated.
    let key = Key::generate();
    let mut jar = CookieJar::new();
    jar.private_mut(&key).add(Cookie::new("username", "alice"));
    let encrypted = jar.get("username").unwrap().clone();
    assert!(!encrypted.value().contains("alice"), "{}", encrypted.value());

    let mut received = CookieJar::new();
    received.add_original(encrypted.clone());
    assert_eq!(received.private(&key).get("username").unwrap().value(), "alice");
    assert!(received.private(&Key::generate()).get("username").is_none(), "another key cannot");
}
// ANCHOR_END: readable

// ANCHOR: other_key
#[actix_web::test]
async fn a_cookie_signed_with_another_key_is_rejected() {
    let mut other_server = TestClient::new(&LESSON, app).await;
    other_server.post("/login", &[("username", "alice")]).await;
    let foreign = other_server.cookie("username").unwrap().to_string();

    let mut browser = TestClient::new(&LESSON, app).await; // a new random key
    browser.set_cookie("username", &foreign);
    browser.get("/").await.assert_contains(r#"<h1 id="greeting">Hello, Guest!</h1>"#);
}
// ANCHOR_END: other_key

#[actix_web::test]
async fn a_missing_or_empty_name_reshows_the_form_with_a_message_and_400() {
    let mut browser = TestClient::new(&LESSON, app).await;
    for fields in [&[][..], &[("username", "")], &[("username", "   ")], &[("other", "x")]] {
        let res = browser.post("/login", fields).await;
        res.assert_status(400)
            .assert_contains("Please enter a name of 1 to 64 characters.")
            .assert_contains(r#"name="username""#);
        assert!(!res.has_set_cookie("username"));
    }
}

#[actix_web::test]
async fn a_name_too_long_for_a_cookie_is_refused_with_400() {
    let mut browser = TestClient::new(&LESSON, app).await;
    let long = "a".repeat(65);
    let res = browser.post("/login", &[("username", long.as_str())]).await;
    res.assert_status(400).assert_contains("1 to 64 characters");
    assert!(!res.has_set_cookie("username"));
}

#[actix_web::test]
async fn a_body_that_is_not_a_form_gets_a_clear_415_page() {
    let mut browser = TestClient::new(&LESSON, app).await;
    let req = TestRequest::post()
        .uri("/login")
        .insert_header(("content-type", "application/json"))
        .set_payload(r#"{"username":"alice"}"#);
    browser.send(req).await.assert_status(415).assert_contains("Content type error");
}

#[actix_web::test]
async fn an_oversized_form_gets_a_clear_413_page() {
    let mut browser = TestClient::new(&LESSON, app).await;
    let huge = "a".repeat(1024 * 1024);
    let res = browser.post("/login", &[("username", huge.as_str())]).await;
    res.assert_status(413);
    assert!(res.body().contains("413"), "{}", res.body());
}

#[actix_web::test]
async fn a_script_in_the_name_comes_back_escaped() {
    let mut browser = TestClient::new(&LESSON, app).await;
    browser.post("/login", &[("username", "<script>alert(1)</script>")]).await;
    let res = browser.get("/").await;
    res.assert_contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    assert!(!res.body().contains("<script>"));
}

#[actix_web::test]
async fn non_ascii_names_survive_the_cookie() {
    let mut browser = TestClient::new(&LESSON, app).await;
    browser.post("/login", &[("username", "Jürgen; Müller")]).await;
    browser.get("/").await.assert_contains("Jürgen; Müller");
}

// Bad cookies, bad forms, a wrong content type: a 4xx page or no cookie, never a 500.
shared::bad_input_tests!(crate::LESSON, crate::app);

/// 10 000 random `username` cookies (anything a browser can send, base64-looking junk, and the
/// server's own cookie with a character changed, cut short or lengthened): only a value that
/// carries this server's signature is believed; everything else is greeted as a guest. The same
/// check as `signed_user`, by `cookie`'s signed jar, is the oracle for "carries the signature".
mod random_cookies {
    use actix_web::cookie::{Cookie, CookieJar};
    use actix_web::rt::System;
    use actix_web::test::TestRequest;
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestCaseError, TestRunner};
    use shared::testkit::TestClient;
    use std::cell::{Cell, RefCell};

    use crate::{LESSON, app};

    fn values(genuine: String) -> impl Strategy<Value = String> {
        let mutated = genuine.clone();
        prop_oneof![
            // Any cookie-octets (RFC 6265): visible ASCII but `"`, `,`, `;` and `\`.
            "[!#-+\\--:<-\\[\\]-~]{0,120}",
            // What a signed cookie looks like: base64, then a name.
            "[A-Za-z0-9+/]{40,46}={0,2}[a-z]{0,12}",
            // Random bytes, percent-encoded (decoded by actix-web; often not UTF-8).
            proptest::collection::vec(any::<u8>(), 0..60)
                .prop_map(|bytes| bytes.iter().map(|b| format!("%{b:02X}")).collect::<String>()),
            // The real cookie, changed in one place.
            (0..mutated.len(), "[A-Za-z0-9+/=%a-z]", 0..3u8).prop_map(move |(at, c, how)| {
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
    fn only_a_cookie_with_this_servers_signature_is_believed() {
        let system = System::new();
        let mut browser = system.block_on(TestClient::new(&LESSON, app));
        system.block_on(browser.post("/login", &[("username", "O'Neil/Ann")])).assert_redirect("/");
        let genuine = browser.cookie("username").expect("the login set a cookie").to_string();
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
            // What `signed_user` would make of it: the oracle.
            let expected = Cookie::parse_encoded(format!("username={value}")).ok().and_then(|c| {
                let mut jar = CookieJar::new();
                jar.add_original(c.into_owned());
                jar.signed(&key).get("username").map(|c| c.value().to_string())
            });
            let req =
                TestRequest::get().uri("/").insert_header(("cookie", format!("username={value}")));
            let res = system.block_on(browser.borrow_mut().try_send_raw(req));
            let res = res.map_err(TestCaseError::fail)?;
            match expected {
                Some(name) => {
                    believed.set(believed.get() + 1);
                    prop_assert_eq!(res.status().as_u16(), 200);
                    let heading =
                        format!(r#"<h1 id="greeting">Hello, {}!</h1>"#, tera_escape(&name));
                    prop_assert!(res.main().contains(&heading), "{}", res.main());
                }
                None => {
                    prop_assert_eq!(res.status().as_u16(), 200, "{}", res.body());
                    let guest = r#"<h1 id="greeting">Hello, Guest!</h1>"#;
                    prop_assert!(res.main().contains(guest), "{}", res.main());
                }
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
