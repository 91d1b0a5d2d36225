//! Lesson 08, the login guard: Flask-Login (a login manager, a user loader, `current_user`,
//! `login_required`, `login_user`, `logout_user`), rebuilt in the Rust lesson and used as it
//! comes in the Flask app. Where the lesson adds to Flask-Login (a new session at login, a
//! checked `next`, logout by `POST`, `303` everywhere), the scenario says so.

use blackbox::http::{Client, Response, encode_component};
use blackbox::{Lesson, Visit, scenario};

pub static LESSON: Lesson = Lesson {
    folder: "08-login-guard",
    clock: false,
    scenarios: &[
        scenario!(
            the_tutorials_flow_log_in_see_the_protected_page_and_log_out,
            differs: "the tutorial logs out with GET /logout; the lesson's GET only shows a button, and logging out takes a POST"
        ),
        scenario!(an_anonymous_visitor_is_sent_to_log_in_and_then_to_the_page_they_wanted, diagram),
        scenario!(
            the_guard_redirects_with_303_see_other,
            differs: "Flask-Login's login_required redirects with 302 Found"
        ),
        scenario!(the_page_you_wanted_keeps_its_query_through_the_login),
        scenario!(a_failed_login_says_one_thing_and_keeps_next),
        scenario!(
            a_next_that_leaves_the_site_lands_on_the_protected_page,
            differs: "Flask-Login leaves next to the app: used as it comes, it sends the visitor to any site"
        ),
        scenario!(a_script_in_next_comes_back_as_text),
        scenario!(
            logging_in_starts_a_new_session_with_nothing_from_before_it,
            differs: "the lesson's login_user clears the session first; Flask-Login's adds to the session it finds"
        ),
        scenario!(current_user_is_on_every_page_and_only_its_id_is_in_the_session),
    ],
};

const GUARD_MESSAGE: &str = "Please log in to access this page.";
const FAILED: &str = "Wrong username or password.";

/// The flash area of a page (`<ul class="flashes">` ... `</ul>`), or `""` when it has none.
fn flashes(page: &Response) -> &str {
    let body = page.body.as_str();
    let Some(start) = body.find(r#"<ul class="flashes">"#) else { return "" };
    let end = body[start..].find("</ul>").map_or(body.len(), |end| start + end);
    &body[start..end]
}

fn message(category: &str, text: &str) -> String {
    format!(r#"<li class="{category}">{text}</li>"#)
}

fn log_in(browser: &mut Client, next: Option<&str>) -> Response {
    let mut form = vec![("username", "user1"), ("password", "mypassword")];
    form.extend(next.map(|next| ("next", next)));
    browser.post("/login", &form)
}

/// The tutorial's flow: seed 002 (`002_020abb302f9cc120.txt`), its Flask-Login part. The same
/// names as here: `/login` posting `username` and `password`, the user `user1` / `mypassword`,
/// `/protected` answering `f'Logged in as {current_user.id}'`, `/logout`. The seed spells the
/// rest its own way: the password in plain text in `users = {'user1': {...}}`, the key
/// `'mysecretkey'` in the code, a form that posts to itself, no `login_view` (its guard answers
/// 401), and a `GET /logout` that logs out. The lesson's `GET` only shows a button, and the
/// button's `POST` logs out; the Flask app logs out as the seed does.
fn the_tutorials_flow_log_in_see_the_protected_page_and_log_out(visit: &mut Visit) {
    let mut browser = visit.browser();
    let form = browser.get("/login");
    assert_eq!(form.status, 200);
    assert!(form.says(r#"name="username""#) && form.says(r#"name="password""#));

    let page = log_in(&mut browser, None);
    assert!(page.redirects_to("/protected"), "the tutorial's redirect(url_for('protected'))");
    let protected = browser.follow(&page);
    assert_eq!(protected.status, 200);
    assert!(protected.says("Logged in as user1"));

    let page = browser.get("/logout");
    if visit.is_rust() {
        assert_eq!(page.status, 200, "a page with a button, nothing changed");
        assert!(page.says(r#"<form method="post" action="/logout">"#));
        assert!(browser.get("/protected").says("Logged in as user1"), "still logged in");
        let page = browser.post("/logout", &[]);
        assert_eq!(page.status, 303);
        assert!(page.redirects_to("/login"));
        let removal = page.set_cookie("session").expect("the session cookie, removed");
        assert!(removal.is_removal_at(0), "purged: {}", removal.raw);
    } else {
        assert!(page.redirects_to("/login"), "a GET logs out: {}", page.status);
        assert_eq!(browser.post("/logout", &[]).status, 405, "and only a GET");
    }
    assert!(browser.get("/protected").redirects_to_start_of("/login?next="), "logged out");
}

/// The page's main flow: the guard, the login page with `next` and the message, the login,
/// and the page you wanted.
fn an_anonymous_visitor_is_sent_to_log_in_and_then_to_the_page_they_wanted(visit: &mut Visit) {
    let mut browser = visit.browser();
    let home = browser.get("/");
    assert!(home.says("You are not logged in!"), "the home page is public");
    let page = browser.get("/protected");
    assert!(page.redirects_to("/login?next=%2Fprotected"), "{:?}", page.location());
    let form = browser.follow(&page);
    assert_eq!(form.status, 200);
    assert!(flashes(&form).contains(&message("info", GUARD_MESSAGE)), "{}", form.body);
    assert!(form.says(r#"<input type="hidden" name="next" value="/protected">"#));

    let page = log_in(&mut browser, Some("/protected"));
    assert_eq!(page.status, 303);
    assert!(page.redirects_to("/protected"));
    assert!(page.set_cookie("session").is_some(), "a session cookie for the logged-in user");
    let protected = browser.follow(&page);
    assert_eq!(protected.status, 200);
    assert!(protected.says("Logged in as user1"));
    assert!(flashes(&protected).contains(&message("success", "Logged in as user1.")));
}

fn the_guard_redirects_with_303_see_other(visit: &mut Visit) {
    let page = visit.browser().get("/protected");
    assert!(page.redirects_to("/login?next=%2Fprotected"));
    if visit.is_rust() {
        assert_eq!(page.status, 303, "after it, a GET: what 303 says");
    } else {
        assert_eq!(page.status, 302, "Flask-Login's unauthorized() calls redirect() as it is");
    }
}

fn the_page_you_wanted_keeps_its_query_through_the_login(visit: &mut Visit) {
    let mut browser = visit.browser();
    let page = browser.get("/protected?tab=2");
    assert!(page.redirects_to("/login?next=%2Fprotected%3Ftab%3D2"), "{:?}", page.location());
    let form = browser.follow(&page);
    assert!(form.says(r#"name="next" value="/protected?tab=2""#));
    let page = log_in(&mut browser, Some("/protected?tab=2"));
    assert!(page.redirects_to("/protected?tab=2"));
    assert!(browser.follow(&page).says("Logged in as user1"));
}

/// One message for a wrong password and an unknown user, and back to the form with `next`.
fn a_failed_login_says_one_thing_and_keeps_next(visit: &mut Visit) {
    for (username, password) in [("user1", "wrong"), ("nobody", "mypassword")] {
        let mut browser = visit.browser();
        let form = [("username", username), ("password", password), ("next", "/protected")];
        let page = browser.post("/login", &form);
        assert_eq!(page.status, 303, "{username}");
        assert!(page.redirects_to_start_of("/login?next="), "{:?}", page.location());
        let form = browser.follow(&page);
        assert!(flashes(&form).contains(&message("error", FAILED)), "{username}");
        assert!(form.says(r#"name="next" value="/protected""#), "next kept");
        assert!(browser.get("/protected").redirects_to_start_of("/login?next="));
    }
}

/// A link to your login page with `next` pointing elsewhere: the lesson lands on `/protected`,
/// Flask-Login's `next`, used as it comes, sends the visitor wherever it says.
fn a_next_that_leaves_the_site_lands_on_the_protected_page(visit: &mut Visit) {
    let mut browser = visit.browser();
    let page = log_in(&mut browser, Some("https://evil.example"));
    if visit.is_rust() {
        assert!(page.redirects_to("/protected"), "{:?}", page.location());
    } else {
        assert!(page.redirects_to("https://evil.example"), "{:?}", page.location());
    }
    // Logged in now: the login page sends you on to `next` at once.
    let elsewhere =
        ["//evil.example", "/\\evil.example", "javascript:alert(1)", "/%2F/evil.example", "/\t/x"];
    for next in elsewhere {
        let page = browser.get(&format!("/login?next={}", encode_component(next)));
        if visit.is_rust() {
            assert!(page.redirects_to("/protected"), "{next:?}: {:?}", page.location());
        } else {
            assert!(!page.redirects_to("/protected"), "{next:?}: used as it came");
        }
    }
    if visit.is_flask() {
        let page = browser.get(&format!("/login?next={}", encode_component("//evil.example")));
        assert!(page.redirects_to("//evil.example"), "another host, for a browser");
    }
}

fn a_script_in_next_comes_back_as_text(visit: &mut Visit) {
    let mut browser = visit.browser();
    let page = browser.get(&format!("/login?next={}", encode_component(r#""><script>x</script>"#)));
    assert_eq!(page.status, 200);
    assert!(!page.says("<script>x"), "never as markup");
    assert!(page.says("&gt;&lt;script&gt;x"), "escaped");
}

/// Whatever the session held before the login stays behind: here the guard's message, never
/// shown because the visitor did not follow the redirect. Flask-Login's `login_user` writes its
/// keys into the session it finds, and the old message comes along.
fn logging_in_starts_a_new_session_with_nothing_from_before_it(visit: &mut Visit) {
    let mut browser = visit.browser();
    assert!(browser.get("/protected").redirects_to_start_of("/login?next="));
    let page = log_in(&mut browser, Some("/protected"));
    assert!(page.redirects_to("/protected"));
    let protected = browser.follow(&page);
    assert!(flashes(&protected).contains(&message("success", "Logged in as user1.")));
    if visit.is_rust() {
        assert!(!protected.says(GUARD_MESSAGE), "left behind with the old session");
    } else {
        assert!(flashes(&protected).contains(&message("info", GUARD_MESSAGE)), "carried over");
    }
}

/// `current_user` in every template, anonymous or not; the session keeps the user's id under
/// Flask-Login's key, `_user_id`, and nothing secret. Lesson 06's users log in here too.
fn current_user_is_on_every_page_and_only_its_id_is_in_the_session(visit: &mut Visit) {
    let mut browser = visit.browser();
    assert!(browser.get("/").says(r#"<h1 id="status">You are not logged in!</h1>"#));
    let page = browser.post("/login", &[("username", "aaa"), ("password", "open-sesame")]);
    assert!(page.redirects_to("/protected"), "no next: the protected page");
    let protected = browser.follow(&page);
    assert!(protected.says("Logged in as aaa") && protected.says("likes long walks"));
    assert!(browser.get("/").says(r#"<h1 id="status">Logged in as aaa</h1>"#));
    assert!(browser.get("/login").redirects_to("/protected"), "logged in: no form");

    let session = browser.get("/session");
    assert!(session.says("<td><code>_user_id</code></td>"));
    assert!(!session.says("<td><code>username</code></td>"), "lesson 07's key is gone");
    for secret in ["open-sesame", "argon2", "likes long walks"] {
        assert!(!session.says(secret), "{secret} in the session page");
    }
}
