//! What lesson 05 shows, as tests. Run with: just test 05
//!
//! Time is a manual clock (`Clock::manual`) that the tests move forward: "six minutes pass" is
//! `clock.advance(Duration::minutes(6))`, not a six-minute test.

use actix_web::cookie::SameSite;
use actix_web::cookie::time::{Duration, OffsetDateTime};
use shared::testkit::TestClient;
use shared::{Clock, Config};

use crate::{LESSON, app};

/// 2023-11-14 22:13:20 UTC: any fixed start will do.
fn start() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap()
}

async fn browser(config: Config, clock: &Clock) -> TestClient {
    TestClient::with_clock(&LESSON, config, clock.clone(), app).await
}

async fn logged_in_as(name: &str, config: Config, clock: &Clock) -> TestClient {
    let mut browser = browser(config, clock).await;
    browser.post("/login", &[("username", name)]).await.assert_redirect("/");
    browser
}

fn config() -> Config {
    Config::for_tests(5)
}

/// The home page's greeting, logged in as alice or not logged in.
const ALICE: &str = "Logged in as alice";
const LOGGED_OUT: &str = "You are not logged in!";

#[actix_web::test]
async fn a_new_visitor_is_not_logged_in_and_the_login_page_shows_the_form() {
    let mut browser = TestClient::new(&LESSON, app).await;
    browser.get("/").await.assert_status(200).assert_contains("You are not logged in!");
    browser.get("/login").await.assert_status(200).assert_contains(r#"name="username""#);
}

// ANCHOR: round_trip
#[actix_web::test]
async fn login_greets_you_on_the_home_page_and_logout_takes_the_name_out() {
    let clock = Clock::manual(start());
    let mut browser = logged_in_as("alice", config(), &clock).await;
    browser.get("/").await.assert_status(200).assert_contains(ALICE);
    // Already logged in: the login page sends you on to the home page, as in the tutorial.
    browser.get("/login").await.assert_redirect("/");

    browser.get("/logout").await.assert_redirect("/");
    browser.get("/").await.assert_contains(LOGGED_OUT);
}
// ANCHOR_END: round_trip

#[actix_web::test]
async fn the_inspector_shows_the_sliding_session_cookie_decrypted_and_its_max_age_in_words() {
    let clock = Clock::manual(start());
    let mut browser = logged_in_as("alice", config(), &clock).await;
    // A minute later the session's end slides: the session middleware writes the cookie again,
    // after the handler rendered the page, and the inspector shows it.
    clock.advance(Duration::minutes(1));
    let res = browser.get("/").await;
    let shown = res.inspected_set_cookies();
    assert_eq!(shown.len(), 1);
    assert_eq!(Some(shown[0].header.as_str()), res.header("set-cookie"));
    shown[0]
        .assert_says("decrypted: Encrypted with the server's key; decrypted: {")
        .assert_says(r#""username":"\"alice\"""#)
        .assert_says("Max-Age 300: the browser keeps it 5 minutes")
        .assert_says("HttpOnly: JavaScript cannot read it")
        .assert_says("SameSite=Lax: not sent with other sites' POSTs")
        .assert_says("Path=/: every page of the site");
}

#[actix_web::test]
async fn the_page_the_login_leads_to_greets_the_user_the_login_stored() {
    // Seed 001's index looks for `"user_id"` while its login stores `"username"`: it never sees
    // anyone logged in. Here the key the home page reads is the key the login writes.
    let mut browser = TestClient::new(&LESSON, app).await;
    let res = browser.post("/login", &[("username", "alice")]).await;
    let next = res.header("location").expect("the login redirects").to_string();
    browser.get(&next).await.assert_contains(ALICE);
    // And that key is `username`, the course's name for it.
    browser.get("/session").await.assert_contains("<code>username</code>");
}

#[actix_web::test]
async fn logging_out_without_being_logged_in_is_a_redirect_not_an_error() {
    // Seed 001 logs out with `session.pop("username")`, no default: a `KeyError`, so a 500, for
    // a visitor who is not logged in. Here that is `session.pop("username", None)`.
    let mut browser = TestClient::new(&LESSON, app).await;
    browser.get("/logout").await.assert_redirect("/");
    browser.get("/").await.assert_status(200).assert_contains(LOGGED_OUT);
    // Twice in a row, too: the second logout finds nothing to remove.
    let clock = Clock::manual(start());
    let mut browser = logged_in_as("alice", config(), &clock).await;
    browser.get("/logout").await.assert_redirect("/");
    browser.get("/logout").await.assert_redirect("/");
}

/// `Session::remove` marks the session changed even for a key that is not there, and a changed
/// session is sent again: logout looks first. (The clock stands still: no sliding renewal.)
#[actix_web::test]
async fn logging_out_when_not_logged_in_leaves_the_session_cookie_alone() {
    let clock = Clock::manual(start());
    let mut browser = browser(config(), &clock).await;
    browser.post("/session/insert", &[("key", "cart"), ("value", "3 bones")]).await;
    assert!(browser.cookie("session").is_some(), "a session, but no username in it");
    let page = browser.get("/logout").await;
    page.assert_redirect("/");
    assert!(!page.has_set_cookie("session"), "nothing changed, so nothing is sent");
}

// ANCHOR: permanent
#[actix_web::test]
async fn a_permanent_session_cookie_carries_max_age_and_expires_of_five_minutes() {
    let clock = Clock::manual(start());
    let mut browser = browser(config(), &clock).await;
    let res = browser.post("/login", &[("username", "alice")]).await;
    res.set_cookie("session")
        .assert_max_age(300)
        .assert_expires(start() + Duration::minutes(5))
        .assert_http_only()
        .assert_same_site(SameSite::Lax)
        .assert_path("/")
        .assert_secure(false);
}

#[actix_web::test]
async fn session_lifetime_accepts_seconds_minutes_and_days() {
    // `31d` is Flask's default lifetime, `timedelta(days=31)` (seed 004 says 30 days).
    let days = |n: i64| n * 24 * 60 * 60;
    for (value, seconds) in [("300", 300), ("5m", 300), ("7d", days(7)), ("31d", days(31))] {
        let clock = Clock::manual(start());
        let mut browser = browser(config().with("SESSION_LIFETIME", value), &clock).await;
        let res = browser.post("/login", &[("username", "alice")]).await;
        res.set_cookie("session").assert_max_age(seconds);
    }
}

#[actix_web::test]
async fn a_permanent_session_survives_a_browser_restart() {
    let clock = Clock::manual(start());
    let mut browser = logged_in_as("alice", config(), &clock).await;
    browser.restart();
    browser.get("/").await.assert_contains(ALICE);
}

#[actix_web::test]
async fn a_session_that_is_not_permanent_gets_a_browser_session_cookie_and_ends_with_the_browser() {
    let clock = Clock::manual(start());
    let mut browser = logged_in_as("alice", config(), &clock).await;
    // session.permanent = False, from the checkbox on /session (unchecked: the field is absent).
    let res = browser.post("/session/permanent", &[]).await;
    res.assert_redirect("/session");
    res.set_cookie("session").assert_browser_session();
    browser.get("/").await.assert_contains("not permanent");

    browser.restart();
    browser.get("/").await.assert_contains(LOGGED_OUT);
}
// ANCHOR_END: permanent

// ANCHOR: before_request
#[actix_web::test]
async fn session_always_permanent_makes_every_session_permanent_like_the_before_request_hook() {
    let config = config().with("SESSION_ALWAYS_PERMANENT", "1").with("SESSION_LIFETIME", "7d");
    let clock = Clock::manual(start());
    let mut browser = browser(config, &clock).await;
    // Even an anonymous visitor gets a permanent session, as with Flask's hook.
    let res = browser.get("/").await;
    res.set_cookie("session").assert_max_age(7 * 24 * 60 * 60);
    // And a session cannot be made non-permanent: the hook sets it back on every request.
    browser.post("/login", &[("username", "alice")]).await;
    let res = browser.post("/session/permanent", &[]).await;
    res.set_cookie("session").assert_max_age(7 * 24 * 60 * 60);
}

#[actix_web::test]
async fn without_the_hook_an_anonymous_visitor_gets_no_cookie_at_all() {
    let clock = Clock::manual(start());
    let mut browser = browser(config(), &clock).await;
    assert!(!browser.get("/").await.has_set_cookie("session"));
    assert!(!browser.get("/login").await.has_set_cookie("session"));
}
// ANCHOR_END: before_request

#[actix_web::test]
async fn the_hook_makes_sessions_permanent_but_the_lifetime_is_what_the_settings_say() {
    // Seed 000's hook also re-assigns the lifetime, 7 days, on every request, over whatever the
    // configuration says. Here the hook only sets `session.permanent`; the lifetime is
    // `SESSION_LIFETIME`, read from the checked configuration, the same on every request.
    for (lifetime, seconds) in [(None, 300), (Some("1h"), 60 * 60)] {
        let mut config = config().with("SESSION_ALWAYS_PERMANENT", "1");
        if let Some(lifetime) = lifetime {
            config = config.with("SESSION_LIFETIME", lifetime);
        }
        let clock = Clock::manual(start());
        let mut browser = browser(config, &clock).await;
        browser.get("/").await.set_cookie("session").assert_max_age(seconds);
        let res = browser.post("/login", &[("username", "alice")]).await;
        res.set_cookie("session").assert_max_age(seconds);
        clock.advance(Duration::minutes(1));
        let res = browser.get("/").await;
        res.assert_contains(ALICE);
        res.set_cookie("session").assert_max_age(seconds);
    }
}

// ANCHOR: replay
#[actix_web::test]
async fn a_cookie_replayed_after_expiry_is_treated_as_logged_out() {
    let clock = Clock::manual(start());
    let mut browser = logged_in_as("alice", config(), &clock).await;
    let copied = browser.cookie("session").unwrap().to_string();

    clock.advance(Duration::minutes(6));
    // The browser has forgotten the cookie (Max-Age passed)...
    browser.get("/").await.assert_contains(LOGGED_OUT);
    assert_eq!(browser.cookie("session"), None);
    // ...but whoever kept a copy sends it anyway. The server reads `_expires` inside it.
    browser.set_cookie("session", &copied);
    let res = browser.get("/").await;
    res.assert_contains(LOGGED_OUT);
}

#[actix_web::test]
async fn a_browser_session_cookie_is_refused_after_the_lifetime_too() {
    // The cookie has no Max-Age, so a browser left open would keep sending it for days.
    let clock = Clock::manual(start());
    let mut browser = logged_in_as("alice", config(), &clock).await;
    browser.post("/session/permanent", &[]).await;
    clock.advance(Duration::minutes(5));
    assert!(browser.cookie("session").is_some(), "the browser still has it");
    browser.get("/").await.assert_contains(LOGGED_OUT);
}

#[actix_web::test]
async fn a_cookie_replayed_before_expiry_still_works_the_cookie_store_cannot_revoke() {
    // Honest scope: expiry bounds the damage of a copied cookie; it does not end it at logout.
    let clock = Clock::manual(start());
    let mut browser = logged_in_as("alice", config(), &clock).await;
    let copied = browser.cookie("session").unwrap().to_string();
    browser.get("/logout").await;
    clock.advance(Duration::minutes(4));
    browser.set_cookie("session", &copied);
    browser.get("/").await.assert_contains(ALICE);
}

#[actix_web::test]
async fn logging_in_again_with_an_expired_cookie_starts_a_fresh_session() {
    let clock = Clock::manual(start());
    let mut browser = logged_in_as("alice", config(), &clock).await;
    let copied = browser.cookie("session").unwrap().to_string();
    clock.advance(Duration::hours(1));
    browser.set_cookie("session", &copied);
    let res = browser.post("/login", &[("username", "bob")]).await;
    res.assert_redirect("/");
    res.set_cookie("session").assert_max_age(300);
    browser.get("/").await.assert_contains("Logged in as bob");
}
// ANCHOR_END: replay

// ANCHOR: actix_alone
mod actix_session_alone {
    //! The same login with actix-session's own `PersistentSession`: the cookie gets a Max-Age,
    //! but nothing on the server ever looks at the time.

    use actix_session::config::PersistentSession;
    use actix_session::storage::CookieSessionStore;
    use actix_session::{Session, SessionMiddleware};
    use actix_web::body::MessageBody;
    use actix_web::cookie::time::Duration;
    use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
    use actix_web::{App, HttpResponse, web};
    use shared::testkit::TestClient;
    use shared::{Clock, Config, CookieKind, Lesson, Site};

    use super::{LOGGED_OUT, start};

    static ACTIX_ONLY: Lesson = Lesson {
        number: 5,
        slug: "actix-session-alone",
        title: "actix-session alone",
        nav: &[],
        templates: &[],
        cookies: &[("session", CookieKind::Private)],
    };

    fn app(
        site: Site,
    ) -> App<
        impl ServiceFactory<
            ServiceRequest,
            Config = (),
            Response = ServiceResponse<impl MessageBody>,
            Error = actix_web::Error,
            InitError = (),
        >,
    > {
        let lifecycle = PersistentSession::default().session_ttl(Duration::minutes(5));
        let middleware =
            SessionMiddleware::builder(CookieSessionStore::default(), site.key().clone())
                .cookie_name("session".to_string())
                .session_lifecycle(lifecycle)
                .build();
        App::new()
            .route(
                "/login",
                web::post().to(|session: Session| async move {
                    session.insert("username", "alice").map(|()| HttpResponse::Ok().finish())
                }),
            )
            .route(
                "/",
                web::get().to(|session: Session| async move {
                    let username = session.get::<String>("username").ok().flatten();
                    HttpResponse::Ok().body(username.unwrap_or_else(|| "nobody".into()))
                }),
            )
            .wrap(middleware)
    }

    #[actix_web::test]
    async fn a_session_without_an_end_such_as_one_made_by_lesson_04_counts_as_expired() {
        // Same key, same cookie name, no `_expires`: lessons 04 and 05 share the development key
        // and cookies do not care about ports, so this happens in the course.
        let clock = Clock::manual(start());
        let config = Config::for_tests(5);
        let mut other =
            TestClient::with_clock(&ACTIX_ONLY, config.clone(), clock.clone(), app).await;
        other.post("/login", &[]).await;
        assert_eq!(other.get("/").await.body(), "alice");

        let mut browser = TestClient::with_clock(&crate::LESSON, config, clock, crate::app).await;
        browser.set_cookie("session", other.cookie("session").unwrap());
        browser.get("/").await.assert_contains(LOGGED_OUT);
    }

    #[actix_web::test]
    async fn actix_session_alone_accepts_a_cookie_replayed_after_its_max_age() {
        let clock = Clock::manual(start());
        let mut browser =
            TestClient::with_clock(&ACTIX_ONLY, Config::for_tests(5), clock.clone(), app).await;
        browser.post("/login", &[]).await.set_cookie("session").assert_max_age(300);
        let copied = browser.cookie("session").unwrap().to_string();

        clock.advance(Duration::days(30));
        assert_eq!(browser.get("/").await.body(), "nobody", "the browser forgot it");
        browser.set_cookie("session", &copied);
        assert_eq!(browser.get("/").await.body(), "alice", "the server still takes it");
    }
}
// ANCHOR_END: actix_alone

// ANCHOR: sliding
#[actix_web::test]
async fn with_sliding_expiry_each_visit_pushes_the_end_back_a_full_lifetime() {
    let clock = Clock::manual(start());
    let mut browser = logged_in_as("alice", config(), &clock).await;
    // A visit every four minutes for twenty minutes: never five minutes idle.
    for _ in 0..5 {
        clock.advance(Duration::minutes(4));
        let res = browser.get("/").await;
        res.assert_contains(ALICE);
        res.set_cookie("session")
            .assert_max_age(300)
            .assert_expires(clock.now() + Duration::minutes(5));
    }
    // Five minutes without a visit, and it is over.
    clock.advance(Duration::minutes(5));
    browser.get("/").await.assert_contains(LOGGED_OUT);
}

#[actix_web::test]
async fn with_an_absolute_limit_the_session_ends_five_minutes_after_login_however_often_you_come() {
    let config = config().with("SESSION_REFRESH_EACH_REQUEST", "0");
    let clock = Clock::manual(start());
    let mut browser = logged_in_as("alice", config, &clock).await;
    for _ in 0..4 {
        clock.advance(Duration::minutes(1));
        let res = browser.get("/").await;
        res.assert_contains(ALICE);
        // Nothing changed in the session, so no new cookie: the first one's Max-Age still runs.
        assert!(!res.has_set_cookie("session"));
    }
    clock.advance(Duration::minutes(1)); // five minutes after login
    browser.get("/").await.assert_contains(LOGGED_OUT);
}

#[actix_web::test]
async fn with_an_absolute_limit_a_rewritten_cookie_keeps_the_original_end() {
    let config = config().with("SESSION_REFRESH_EACH_REQUEST", "0");
    let clock = Clock::manual(start());
    let mut browser = logged_in_as("alice", config, &clock).await;
    clock.advance(Duration::minutes(2));
    // Changing the session writes the cookie again: with the time that is left, not a new 5 min.
    let res = browser.post("/session/insert", &[("key", "theme"), ("value", "dark")]).await;
    res.set_cookie("session").assert_max_age(180).assert_expires(start() + Duration::minutes(5));
}

#[actix_web::test]
async fn the_home_page_says_when_the_session_ends() {
    let clock = Clock::manual(start());
    let mut browser = logged_in_as("alice", config(), &clock).await;
    browser
        .get("/")
        .await
        .assert_contains("at Tue, 14 Nov 2023 22:18:20 +0000, 300 seconds from now")
        .assert_contains("every request pushes the end back")
        .assert_contains("is <strong>permanent</strong>");
}
// ANCHOR_END: sliding

#[actix_web::test]
async fn the_session_page_shows_permanent_and_expires_entries() {
    let clock = Clock::manual(start());
    let mut browser = logged_in_as("alice", config(), &clock).await;
    let end = (start() + Duration::minutes(5)).unix_timestamp();
    browser
        .get("/session")
        .await
        .assert_contains("<code>_permanent</code>")
        .assert_contains("<code>true</code>")
        .assert_contains("<code>_expires</code>")
        .assert_contains(&format!("<code>{end}</code>"))
        .assert_contains(r#"name="permanent" checked"#);
}

#[actix_web::test]
async fn the_session_page_cannot_change_the_servers_own_entries() {
    let config = config().with("SESSION_REFRESH_EACH_REQUEST", "0");
    let clock = Clock::manual(start());
    let mut browser = logged_in_as("alice", config, &clock).await;
    let res = browser.post("/session/insert", &[("key", "_expires"), ("value", "never")]).await;
    res.assert_status(400).assert_contains("belong to the server");
    let res = browser.post("/session/remove", &[("key", "_expires")]).await;
    res.assert_status(400).assert_contains("belong to the server");
    clock.advance(Duration::minutes(5));
    browser.get("/").await.assert_contains(LOGGED_OUT);
}

#[actix_web::test]
async fn session_cookie_secure_switches_the_secure_attribute_on() {
    let config = config().with("SESSION_COOKIE_SECURE", "1");
    let mut browser = TestClient::with_config(&LESSON, config, app).await;
    let res = browser.post("/login", &[("username", "alice")]).await;
    res.set_cookie("session").assert_secure(true).assert_http_only().assert_max_age(300);
}

#[actix_web::test]
async fn a_tampered_cookie_means_logged_out() {
    let clock = Clock::manual(start());
    let mut browser = logged_in_as("alice", config(), &clock).await;
    let value = browser.cookie("session").unwrap().to_string();
    assert!(!value.contains("alice") && !value.contains("_expires"), "{value}");
    let mut bytes = value.into_bytes();
    let middle = bytes.len() / 2;
    bytes[middle] = if bytes[middle] == b'A' { b'B' } else { b'A' };
    browser.set_cookie("session", std::str::from_utf8(&bytes).unwrap());
    browser.get("/").await.assert_contains(LOGGED_OUT);
}

#[actix_web::test]
async fn garbage_in_the_session_cookie_means_logged_out_not_an_error() {
    let mut browser = TestClient::new(&LESSON, app).await;
    for garbage in ["", "x", "%%%", "not-base64!!", &"A".repeat(3000)] {
        browser.set_cookie("session", garbage);
        browser.get("/").await.assert_status(200).assert_contains(LOGGED_OUT);
    }
}

#[actix_web::test]
async fn a_missing_or_empty_name_reshows_the_form_with_a_message_and_400() {
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
async fn a_script_in_the_name_comes_back_escaped() {
    let clock = Clock::manual(start());
    let mut browser = logged_in_as("<script>alert(1)</script>", config(), &clock).await;
    for page in ["/", "/session"] {
        let res = browser.get(page).await;
        res.assert_contains("&lt;script&gt;alert(1)&lt;/script&gt;");
        assert!(!res.body().contains("<script>"));
    }
}

#[actix_web::test]
async fn the_session_page_can_still_insert_remove_and_clear() {
    let clock = Clock::manual(start());
    let mut browser = logged_in_as("alice", config(), &clock).await;
    browser.post("/session/insert", &[("key", "theme"), ("value", "dark")]).await;
    browser.get("/session").await.assert_contains("<code>theme</code>");
    browser.post("/session/remove", &[("key", "theme")]).await.assert_redirect("/session");
    browser.get("/session").await.assert_not_contains("<code>theme</code>");
    let res = browser.post("/session/clear", &[]).await;
    res.assert_redirect("/session");
    browser.get("/session").await.assert_contains("The session is empty.");
    browser.get("/").await.assert_contains(LOGGED_OUT);
}

#[actix_web::test]
async fn a_session_too_big_for_a_cookie_is_refused_with_413_and_nothing_is_lost() {
    let clock = Clock::manual(start());
    let mut browser = logged_in_as("alice", config(), &clock).await;
    let big = "x".repeat(3000);
    let res = browser.post("/session/insert", &[("key", "big"), ("value", big.as_str())]).await;
    res.assert_status(413).assert_contains("Not stored");
    browser.get("/").await.assert_contains(ALICE);
}

// Bad cookies, bad forms, a wrong content type: a 4xx page or no cookie, never a 500.
shared::bad_input_tests!(crate::LESSON, crate::app);
