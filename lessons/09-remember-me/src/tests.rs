//! What lesson 09 shows, as tests. Run with: just test 09
//!
//! The tutorial's user: `user1` / `mypassword` (stored as an Argon2id hash).

use actix_web::cookie::SameSite;
use actix_web::cookie::time::{Duration, OffsetDateTime};
use actix_web::middleware::from_fn;
use actix_web::web;
use shared::hashing::Hashing;
use shared::testkit::{TestClient, TestResponse};
use shared::{Clock, Config, Site};

use crate::{CurrentUser, LESSON, Users, app, login, login_manager};

fn start() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap()
}

/// A browser on the app as `main` serves it: `site`, and the login manager made from it.
async fn client(site: Site) -> TestClient {
    let manager = web::Data::new(login_manager(&site));
    TestClient::for_site(site, |site| app(site, manager)).await
}

async fn browser(clock: &Clock) -> TestClient {
    client(Site::with_clock(&LESSON, Config::for_tests(9), clock.clone()).unwrap()).await
}

/// Posts the login form as user1 with `extra` fields (`remember`, `next`).
async fn log_in(browser: &mut TestClient, extra: &[(&str, &str)]) -> TestResponse {
    let mut fields = vec![("username", "user1"), ("password", "mypassword")];
    fields.extend_from_slice(extra);
    browser.post("/login", &fields).await
}

/// The flash area of a page (the base layout puts it above `<main>`), or `""`.
fn flashes(res: &TestResponse) -> &str {
    let body = res.body();
    let Some(start) = body.find(r#"<ul class="flashes">"#) else { return "" };
    let end = body[start..].find("</ul>").map_or(body.len(), |end| start + end);
    &body[start..end]
}

// ANCHOR: login_required
#[actix_web::test]
async fn an_anonymous_visit_to_protected_redirects_to_login_with_next_and_a_message() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    browser.get("/protected").await.assert_redirect("/login?next=%2Fprotected");
    let page = browser.get("/login?next=%2Fprotected").await;
    assert!(flashes(&page).contains("Please log in to access this page."), "{}", page.body());
    page.assert_contains(r#"<input type="hidden" name="next" value="/protected">"#);
}

#[actix_web::test]
async fn after_login_you_land_on_the_page_you_wanted() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    browser.get("/protected?tab=2").await.assert_redirect("/login?next=%2Fprotected%3Ftab%3D2");
    log_in(&mut browser, &[("next", "/protected?tab=2")]).await.assert_redirect("/protected?tab=2");
    browser.get("/protected").await.assert_contains("Logged in as user1");
}

/// A page for the test below only, in a scope of its own.
async fn account_page(user: CurrentUser) -> String {
    format!("The account of {}", user.id().unwrap_or_default())
}

#[actix_web::test]
async fn login_required_also_guards_a_whole_scope() {
    // Flask: `@bp.before_request @login_required`, for every view of a blueprint.
    let clock = Clock::manual(start());
    let site = Site::with_clock(&LESSON, Config::for_tests(9), clock).unwrap();
    let manager = web::Data::new(login_manager(&site));
    let mut browser = TestClient::for_site(site, |site| {
        let guarded = web::scope("/account").wrap(from_fn(login::login_required::<Users>));
        app(site, manager).service(guarded.route("/name", web::get().to(account_page)))
    })
    .await;
    browser.get("/account/name").await.assert_redirect("/login?next=%2Faccount%2Fname");
    log_in(&mut browser, &[("next", "/account/name")]).await.assert_redirect("/account/name");
    browser.get("/account/name").await.assert_contains("The account of user1");
}

#[actix_web::test]
async fn fresh_login_required_sends_an_anonymous_visitor_to_log_in_too() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    browser.get("/settings").await.assert_redirect("/login?next=%2Fsettings");
}

#[actix_web::test]
async fn without_next_a_login_lands_on_the_protected_page() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    log_in(&mut browser, &[]).await.assert_redirect("/protected");
}
// ANCHOR_END: login_required

// ANCHOR: next
#[actix_web::test]
async fn a_next_that_leaves_the_site_lands_on_the_default_page_instead() {
    let clock = Clock::manual(start());
    for next in [
        "//evil.example",
        "/\\evil.example",
        "https://evil.example",
        "javascript:alert(1)",
        "%2F%2Fevil.example",
        "/%2F/evil.example",
        "/%5Cevil.example",
        "/\t/evil.example",
    ] {
        let mut browser = browser(&clock).await;
        log_in(&mut browser, &[("next", next)]).await.assert_redirect("/protected");
    }
}

#[actix_web::test]
async fn an_encoded_next_in_the_address_is_refused_too() {
    // `%2F%2Fevil.example` in the address is `//evil.example` once the query is decoded.
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    let page = browser.get("/login?next=%2F%2Fevil.example").await;
    page.assert_contains(r#"name="next" value="//evil.example""#);
    log_in(&mut browser, &[("next", "//evil.example")]).await.assert_redirect("/protected");
}

#[actix_web::test]
async fn a_script_in_next_comes_back_escaped() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    let page = browser.get("/login?next=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E").await;
    page.assert_status(200);
    assert!(!page.body().contains("<script>"), "{}", page.body());
    page.assert_contains("&quot;&gt;&lt;script&gt;");
}

#[actix_web::test]
async fn a_next_that_is_not_utf8_is_not_an_error() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    // Refused before the lesson's code, by shared's guard: a clear 400 page.
    browser.get("/login?next=%ff%fe").await.assert_status(400).assert_contains("UTF-8");
    log_in(&mut browser, &[("next", "/caf\u{e9}")]).await.assert_redirect("/protected");
}
// ANCHOR_END: next

// ANCHOR: current_user
#[actix_web::test]
async fn current_user_is_anonymous_until_you_log_in_and_every_template_has_it() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    browser.get("/").await.assert_contains("You are not logged in!");
    browser.get("/logout").await.assert_not_contains("Logged in as");

    log_in(&mut browser, &[]).await;
    browser.get("/").await.assert_contains("Logged in as user1");
    browser
        .get("/protected")
        .await
        .assert_contains("Logged in as user1")
        .assert_contains("A fresh login");
    browser.get("/logout").await.assert_contains("Logged in as user1.");
}

#[actix_web::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_message_and_keep_next() {
    let clock = Clock::manual(start());
    for (username, password) in [("user1", "wrong"), ("nobody", "mypassword")] {
        let mut browser = browser(&clock).await;
        let fields = [("username", username), ("password", password), ("next", "/protected")];
        browser.post("/login", &fields).await.assert_redirect("/login?next=%2Fprotected");
        let page = browser.get("/login?next=%2Fprotected").await;
        assert!(flashes(&page).contains("Wrong username or password."));
        browser.get("/protected").await.assert_redirect("/login?next=%2Fprotected");
    }
}
// ANCHOR_END: current_user

// ANCHOR: accessors
/// A page for the test below only: what a handler sees of `current_user`, one accessor a line.
async fn what_a_handler_sees(current_user: CurrentUser) -> String {
    let name = current_user.user().map(|user| user.name);
    format!(
        "user: {name:?}\nid: {:?}\nis_authenticated: {}\nis_anonymous: {}\nis_fresh: {}",
        current_user.id(),
        current_user.is_authenticated(),
        current_user.is_anonymous(),
        current_user.is_fresh(),
    )
}

#[actix_web::test]
async fn a_handler_asks_current_user_what_flask_login_users_ask() {
    let clock = Clock::manual(start());
    let site = Site::with_clock(&LESSON, Config::for_tests(9), clock).unwrap();
    let manager = web::Data::new(login_manager(&site));
    let mut browser = TestClient::for_site(site, |site| {
        app(site, manager).route("/what-a-handler-sees", web::get().to(what_a_handler_sees))
    })
    .await;
    let sees = |page: TestResponse| page.assert_status(200).body().to_string();

    // Nobody signed in: the anonymous user, with no user and no id.
    let anonymous = "user: None\nid: None\nis_authenticated: false\nis_anonymous: true\n\
                     is_fresh: false";
    assert_eq!(sees(browser.get("/what-a-handler-sees").await), anonymous);

    // Signed in with the password: the user, their id, fresh.
    log_in(&mut browser, &[("remember", "on")]).await;
    let fresh = "user: Some(\"user1\")\nid: Some(\"user1\")\nis_authenticated: true\n\
                 is_anonymous: false\nis_fresh: true";
    assert_eq!(sees(browser.get("/what-a-handler-sees").await), fresh);

    // Brought back by the remember cookie: the same user, not fresh.
    browser.restart();
    let remembered = "user: Some(\"user1\")\nid: Some(\"user1\")\nis_authenticated: true\n\
                      is_anonymous: false\nis_fresh: false";
    assert_eq!(sees(browser.get("/what-a-handler-sees").await), remembered);

    // Logged out: anonymous again.
    browser.post("/logout", &[]).await;
    assert_eq!(sees(browser.get("/what-a-handler-sees").await), anonymous);
}
// ANCHOR_END: accessors

// ANCHOR: logout
#[actix_web::test]
async fn get_logout_only_shows_the_button_and_changes_nothing() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    log_in(&mut browser, &[]).await;
    let page = browser.get("/logout").await;
    page.assert_status(200).assert_contains(r#"<form method="post" action="/logout">"#);
    assert!(!page.has_set_cookie("remember_token"));
    browser.get("/protected").await.assert_contains("Logged in as user1");
}

#[actix_web::test]
async fn post_logout_clears_the_session_and_the_remember_cookie() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    log_in(&mut browser, &[("remember", "on")]).await;
    assert!(browser.cookie("remember_token").is_some());

    let res = browser.post("/logout", &[]).await;
    res.assert_redirect("/login");
    res.set_cookie("session").assert_removal();
    res.set_cookie("remember_token").assert_removal();
    assert_eq!(browser.cookie("session"), None);
    assert_eq!(browser.cookie("remember_token"), None);
    browser.get("/protected").await.assert_redirect("/login?next=%2Fprotected");
}
// ANCHOR_END: logout

// ANCHOR: remember
#[actix_web::test]
async fn remember_me_sets_a_signed_http_only_cookie_for_fourteen_days() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    let res = log_in(&mut browser, &[("remember", "on")]).await;
    let cookie = res.set_cookie("remember_token");
    cookie
        .assert_http_only()
        .assert_same_site(SameSite::Lax)
        .assert_path("/")
        .assert_max_age(14 * 24 * 60 * 60)
        .assert_expires(start() + Duration::days(14));
    // Signed, not encrypted: the id is readable, and the signature stops any change to it.
    assert!(cookie.value().contains("user1|"), "{}", cookie.value());
    // The session cookie itself is not permanent: it ends with the browser.
    res.set_cookie("session").assert_browser_session();
}

#[actix_web::test]
async fn without_remember_me_there_is_no_remember_cookie_and_a_restart_logs_you_out() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    let res = log_in(&mut browser, &[]).await;
    assert!(!res.has_set_cookie("remember_token"));
    browser.restart();
    browser.get("/protected").await.assert_redirect("/login?next=%2Fprotected");
}

#[actix_web::test]
async fn the_remember_cookie_restores_a_login_that_is_not_fresh() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    log_in(&mut browser, &[("remember", "on")]).await;
    browser.restart(); // the session cookie is gone, the remember cookie stays
    assert_eq!(browser.cookie("session"), None);

    let page = browser.get("/protected").await;
    page.assert_contains("Logged in as user1").assert_contains("Not a fresh login");
    assert!(browser.cookie("session").is_some(), "the restored login is in a new session");
    browser.get("/").await.assert_contains("Logged in as user1");
}

#[actix_web::test]
async fn a_page_behind_fresh_login_required_asks_for_the_password_again() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    log_in(&mut browser, &[("remember", "on")]).await;
    browser.get("/settings").await.assert_status(200).assert_contains("Settings of user1");

    browser.restart();
    browser.get("/settings").await.assert_redirect("/login?next=%2Fsettings");
    let page = browser.get("/login?next=%2Fsettings").await;
    assert!(flashes(&page).contains("Please give your password again"), "{}", page.body());
    page.assert_contains("by the remember cookie");

    log_in(&mut browser, &[("next", "/settings")]).await.assert_redirect("/settings");
    browser.get("/settings").await.assert_status(200).assert_contains("Settings of user1");
}

#[actix_web::test]
async fn the_remember_cookie_expires_on_the_server_too() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    log_in(&mut browser, &[("remember", "on")]).await;
    let copied = browser.cookie("remember_token").unwrap().to_string();
    browser.restart();

    clock.advance(Duration::days(13));
    browser.get("/protected").await.assert_contains("Logged in as user1");
    browser.clear_cookies();
    clock.advance(Duration::days(2));
    // The browser would have forgotten it; a copy sent anyway is refused by the server.
    browser.set_cookie("remember_token", &copied);
    browser.get("/protected").await.assert_redirect("/login?next=%2Fprotected");
}

#[actix_web::test]
async fn a_changed_remember_cookie_is_ignored() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    log_in(&mut browser, &[("remember", "on")]).await;
    let forged = browser.cookie("remember_token").unwrap().replace("user1|", "aaa|");
    browser.clear_cookies();
    browser.set_cookie("remember_token", &forged);
    let page = browser.get("/").await;
    page.assert_contains("You are not logged in!");
    assert!(page.body().contains("Signature check failed"), "{}", page.body());
}

#[actix_web::test]
async fn a_remember_cookie_copied_before_logout_still_works_until_it_expires() {
    // Honest scope: like Flask-Login's default, the cookie names the user and nothing the
    // server could revoke. Lesson 10 puts a token in it that the server keeps and logout
    // deletes (`a_copied_remember_cookie_stops_working_after_logout` there).
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    log_in(&mut browser, &[("remember", "on")]).await;
    let copied = browser.cookie("remember_token").unwrap().to_string();
    browser.post("/logout", &[]).await;
    browser.set_cookie("remember_token", &copied);
    browser.get("/protected").await.assert_contains("Not a fresh login");
}
// ANCHOR_END: remember

// ANCHOR: remember_session
mod remember_session {
    use super::*;

    #[actix_web::test]
    async fn a_remembered_login_starts_a_new_session_and_keeps_nothing_planted_before_it() {
        // Session fixation through the remember cookie: a session the attacker made is put in
        // a browser that is remembered. The login the cookie restores must not be that session.
        let clock = Clock::manual(start());
        let site = shared::Site::with_clock(&LESSON, Config::for_tests(9), clock).unwrap();
        let mut attacker = client(site.clone()).await;
        attacker.get("/protected").await; // an anonymous session, holding a flashed message
        let planted = attacker.cookie("session").unwrap().to_string();

        let mut victim = client(site).await;
        log_in(&mut victim, &[("remember", "on")]).await;
        victim.restart();
        victim.set_cookie("session", &planted);
        let page = victim.get("/").await;
        page.assert_contains("Logged in as user1");
        assert!(!flashes(&page).contains("Please log in"), "carried over: {}", page.body());
        assert_ne!(victim.cookie("session"), Some(planted.as_str()));
    }
}
// ANCHOR_END: remember_session

// ANCHOR: session_protection
mod session_protection {
    use actix_web::http::header::USER_AGENT;
    use actix_web::test::TestRequest;

    use super::*;
    use crate::login::{LoginManager, SessionProtection};

    /// A browser as the server sees it: the address its connection comes from, and the
    /// `User-Agent` it sends. (Test addresses from RFC 5737: they belong to nobody.)
    #[derive(Clone, Copy)]
    struct Client {
        address: &'static str,
        user_agent: &'static str,
    }

    const LAPTOP: Client = Client { address: "192.0.2.10:50123", user_agent: "Firefox/128.0" };
    /// The same laptop after a browser update: the same address, another `User-Agent`.
    const UPDATED: Client = Client { address: "192.0.2.10:50124", user_agent: "Firefox/129.0" };
    /// The same laptop on another network (a café, a phone's hotspot): another address.
    const ELSEWHERE: Client = Client { address: "198.51.100.7:40000", user_agent: "Firefox/128.0" };
    /// Someone else, with copies of the laptop's cookies.
    const THIEF: Client = Client { address: "203.0.113.66:61000", user_agent: "curl/8.5.0" };

    /// A request as `client` sends it.
    fn from(client: Client, req: TestRequest) -> TestRequest {
        req.peer_addr(client.address.parse().unwrap())
            .insert_header((USER_AGENT, client.user_agent))
    }

    async fn get(browser: &mut TestClient, client: Client, path: &str) -> TestResponse {
        browser.send(from(client, TestRequest::get().uri(path))).await
    }

    /// Logs in as user1, from `client`, with "Remember me".
    async fn log_in_from(browser: &mut TestClient, client: Client) {
        let fields = [("username", "user1"), ("password", "mypassword"), ("remember", "on")];
        let res = browser.send(from(client, TestRequest::post().uri("/login").set_form(fields)));
        res.await.assert_redirect("/protected");
    }

    /// A browser on the app, with the login manager's `session_protection` set to `mode`.
    async fn browser_with(mode: SessionProtection, clock: &Clock) -> TestClient {
        let site = Site::with_clock(&LESSON, Config::for_tests(9), clock.clone()).unwrap();
        let manager = LoginManager { session_protection: mode, ..login_manager(&site) };
        let manager = web::Data::new(manager);
        TestClient::for_site(site, |site| app(site, manager)).await
    }

    /// A second browser holding copies of `browser`'s cookies.
    async fn copy_of(browser: &TestClient, mode: SessionProtection) -> TestClient {
        let manager = LoginManager { session_protection: mode, ..login_manager(browser.site()) };
        let manager = web::Data::new(manager);
        let mut copy =
            TestClient::for_site(browser.site().clone(), |site| app(site, manager)).await;
        for name in ["session", "remember_token"] {
            if let Some(value) = browser.cookie(name) {
                copy.set_cookie(name, value);
            }
        }
        copy
    }

    #[actix_web::test]
    async fn basic_is_the_default_as_in_flask_login() {
        let site = Site::with_clock(&LESSON, Config::for_tests(9), Clock::manual(start())).unwrap();
        assert_eq!(login_manager(&site).session_protection, SessionProtection::Basic);
    }

    #[actix_web::test]
    async fn the_same_client_keeps_its_fresh_login() {
        let clock = Clock::manual(start());
        for mode in [SessionProtection::Basic, SessionProtection::Strong] {
            let mut browser = browser_with(mode, &clock).await;
            log_in_from(&mut browser, LAPTOP).await;
            for _ in 0..3 {
                get(&mut browser, LAPTOP, "/settings").await.assert_contains("Settings of user1");
            }
            get(&mut browser, LAPTOP, "/protected").await.assert_contains("A fresh login");
        }
    }

    #[actix_web::test]
    async fn in_basic_mode_a_changed_user_agent_makes_the_login_not_fresh() {
        let clock = Clock::manual(start());
        let mut browser = browser_with(SessionProtection::Basic, &clock).await;
        log_in_from(&mut browser, LAPTOP).await;

        let page = get(&mut browser, UPDATED, "/protected").await;
        page.assert_contains("Logged in as user1").assert_contains("Not a fresh login");
        get(&mut browser, UPDATED, "/settings").await.assert_redirect("/login?next=%2Fsettings");
        // Not fresh for good, even back on the first User-Agent: only the password makes a
        // login fresh again...
        get(&mut browser, LAPTOP, "/settings").await.assert_redirect("/login?next=%2Fsettings");
        // ...and stamps the client that gave it.
        log_in_from(&mut browser, UPDATED).await;
        get(&mut browser, UPDATED, "/settings").await.assert_contains("Settings of user1");
    }

    #[actix_web::test]
    async fn in_basic_mode_a_changed_address_makes_the_login_not_fresh() {
        let clock = Clock::manual(start());
        let mut browser = browser_with(SessionProtection::Basic, &clock).await;
        log_in_from(&mut browser, LAPTOP).await;
        let page = get(&mut browser, ELSEWHERE, "/protected").await;
        page.assert_contains("Logged in as user1").assert_contains("Not a fresh login");
        get(&mut browser, ELSEWHERE, "/settings").await.assert_redirect("/login?next=%2Fsettings");
    }

    #[actix_web::test]
    async fn in_strong_mode_a_changed_user_agent_ends_the_login_and_the_remember_cookie() {
        let clock = Clock::manual(start());
        let mut browser = browser_with(SessionProtection::Strong, &clock).await;
        log_in_from(&mut browser, LAPTOP).await;

        let res = get(&mut browser, UPDATED, "/protected").await;
        res.assert_redirect("/login?next=%2Fprotected");
        res.set_cookie("remember_token").assert_removal();
        assert_eq!(browser.cookie("remember_token"), None);
        // The session is still there, without the login: back on the first User-Agent, still
        // logged out.
        get(&mut browser, LAPTOP, "/").await.assert_contains("You are not logged in!");
        let page = get(&mut browser, LAPTOP, "/session").await;
        page.assert_not_contains("<td><code>_user_id</code></td>");
        page.assert_not_contains("<td><code>_id</code></td>");
    }

    #[actix_web::test]
    async fn a_stolen_session_cookie_replayed_from_another_client_is_caught() {
        let clock = Clock::manual(start());
        for mode in [SessionProtection::Basic, SessionProtection::Strong] {
            let mut laptop = browser_with(mode, &clock).await;
            log_in_from(&mut laptop, LAPTOP).await;
            let mut thief = copy_of(&laptop, mode).await;
            thief.remove_cookie("remember_token");

            // Basic: the thief is logged in, but not freshly: the pages that change the account
            // ask for the password. Strong: not logged in at all.
            let page = get(&mut thief, THIEF, "/protected").await;
            match mode {
                SessionProtection::Strong => page.assert_redirect("/login?next=%2Fprotected"),
                _ => page.assert_contains("Not a fresh login"),
            };
            get(&mut thief, THIEF, "/settings").await.assert_redirect("/login?next=%2Fsettings");
            // The laptop's own copy of the session is untouched: still fresh there.
            get(&mut laptop, LAPTOP, "/settings").await.assert_contains("Settings of user1");
        }
    }

    #[actix_web::test]
    async fn a_session_cookie_replayed_with_the_same_address_and_user_agent_is_not_caught() {
        // The honest limit: behind the same NAT or proxy (one address for a whole office or
        // café) with the same browser version, the thief looks like the laptop.
        let clock = Clock::manual(start());
        let mut laptop = browser_with(SessionProtection::Strong, &clock).await;
        log_in_from(&mut laptop, LAPTOP).await;
        let mut thief = copy_of(&laptop, SessionProtection::Strong).await;
        let same_nat = Client { address: "192.0.2.10:61001", ..LAPTOP };
        get(&mut thief, same_nat, "/settings").await.assert_contains("Settings of user1");
    }

    #[actix_web::test]
    async fn a_remember_cookie_brought_back_by_another_client_restores_a_login_that_is_not_fresh() {
        // The fingerprint is in the session, not in the remember cookie: a copied remember
        // cookie restores a login from any client, in either mode. Not fresh, so the pages that
        // change the account still ask for the password.
        let clock = Clock::manual(start());
        for mode in [SessionProtection::Basic, SessionProtection::Strong] {
            let mut laptop = browser_with(mode, &clock).await;
            log_in_from(&mut laptop, LAPTOP).await;
            let mut thief = copy_of(&laptop, mode).await;
            thief.remove_cookie("session");

            let page = get(&mut thief, THIEF, "/protected").await;
            page.assert_contains("Logged in as user1").assert_contains("Not a fresh login");
            get(&mut thief, THIEF, "/settings").await.assert_redirect("/login?next=%2Fsettings");
        }
    }

    #[actix_web::test]
    async fn in_strong_mode_a_login_restored_by_the_remember_cookie_lasts_past_its_first_request() {
        // Flask-Login does not stamp a session restored from the remember cookie, so in strong
        // mode the next request ends it (flask-login issue 685). Here the restore stamps the
        // client that brought the cookie.
        let clock = Clock::manual(start());
        let mut browser = browser_with(SessionProtection::Strong, &clock).await;
        log_in_from(&mut browser, LAPTOP).await;
        browser.restart();
        for _ in 0..3 {
            get(&mut browser, LAPTOP, "/protected").await.assert_contains("Not a fresh login");
        }
        assert!(browser.cookie("remember_token").is_some());
    }

    #[actix_web::test]
    async fn with_protection_off_a_changed_client_keeps_the_fresh_login() {
        let clock = Clock::manual(start());
        let mut browser = browser_with(SessionProtection::Off, &clock).await;
        log_in_from(&mut browser, LAPTOP).await;
        get(&mut browser, THIEF, "/protected").await.assert_contains("A fresh login");
    }

    #[actix_web::test]
    async fn the_session_keeps_a_hash_of_the_client_not_its_address_or_user_agent() {
        let clock = Clock::manual(start());
        let mut browser = browser_with(SessionProtection::Basic, &clock).await;
        log_in_from(&mut browser, LAPTOP).await;
        let page = get(&mut browser, LAPTOP, "/session").await;
        page.assert_contains("<td><code>_id</code></td>");
        page.assert_not_contains("192.0.2.10").assert_not_contains("Firefox");
    }
}
// ANCHOR_END: session_protection

#[actix_web::test]
async fn the_session_holds_the_user_id_and_freshness_and_nothing_secret() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    log_in(&mut browser, &[]).await;
    let page = browser.get("/session").await;
    page.assert_contains("<td><code>_user_id</code></td>")
        .assert_contains("<td><code>_fresh</code></td>");
    page.assert_not_contains("mypassword").assert_not_contains("argon2");
}

#[actix_web::test]
async fn garbage_in_either_cookie_means_anonymous_not_an_error() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    for garbage in ["", "x", "%%%", "|", "user1|99999999999", &"A".repeat(3000)] {
        browser.set_cookie("session", garbage);
        browser.set_cookie("remember_token", garbage);
        browser.get("/").await.assert_status(200).assert_contains("You are not logged in!");
        browser.get("/protected").await.assert_redirect("/login?next=%2Fprotected");
    }
}

#[actix_web::test]
async fn a_login_while_every_hashing_slot_is_busy_gets_a_503_with_retry_after() {
    let site = Site::with_clock(&LESSON, Config::for_tests(9), Clock::manual(start())).unwrap();
    let mut browser = client(site.with_hashing(Hashing::none_free())).await;
    let res = log_in(&mut browser, &[]).await;
    res.assert_status(503).assert_contains("Too many sign-ins at once");
    assert_eq!(res.header("retry-after"), Some("5"));
    browser.get("/protected").await.assert_status(303);
}

// ANCHOR: bad_input
// Bad cookies, bad forms, a wrong content type: a 4xx page or no cookie, never a 500.
shared::bad_input_tests!(crate::LESSON, client = super::client);
// ANCHOR_END: bad_input
