//! Lesson 10, users in a database: a visitor registers (`/register`: `username`, `email`,
//! `password`), is listed on the index, and logs in; refusals come back with 422 or 409 and
//! the reason. `user1` / `mypassword` is there from the start. The remember cookie is where the
//! two sides part: the lesson's is a token the server keeps, Flask-Login's the user's id, signed.
//!
//! One server runs every scenario: each registers names of its own.

use blackbox::{Client, Lesson, Response, Visit, scenario};

pub static LESSON: Lesson = Lesson {
    folder: "10-database-users",
    clock: true,
    scenarios: &[
        scenario!(a_dog_registers_is_listed_without_its_address_and_logs_in, diagram),
        scenario!(user1_is_there_from_the_start_and_logs_in_in_any_case),
        scenario!(a_taken_name_or_address_in_any_case_comes_back_as_a_conflict),
        scenario!(a_bad_value_comes_back_with_422_the_reason_and_what_was_typed_but_the_password),
        scenario!(a_remembered_login_is_loaded_from_the_database_but_not_freshly),
        scenario!(
            a_copied_remember_cookie_stops_working_after_logout,
            differs: "the lesson's logout deletes the remember token on the server; Flask-Login's cookie (the id, signed) keeps signing in after logout"
        ),
        scenario!(
            a_new_login_with_remember_me_takes_back_the_cookie_this_browser_had,
            differs: "each login of the lesson makes a new token and deletes the browser's old one; Flask-Login's cookie is the same value at every login, and the old one keeps working"
        ),
        scenario!(
            the_remember_cookie_expires_on_the_server_too,
            differs: "the lesson's token row ends after 14 days; Flask-Login's cookie has no end the server checks"
        ),
    ],
};

const DAY: i64 = 24 * 60 * 60;
const PASSWORD: &str = "good boy!";

/// Registers `username` with `<username>@dogs.example` and [`PASSWORD`]: a 303 to `/login`.
fn register(browser: &mut Client, username: &str) -> Response {
    let email = format!("{username}@dogs.example");
    let form = [("username", username), ("email", &email), ("password", PASSWORD)];
    let answer = browser.post("/register", &form);
    assert_eq!(answer.status, 303, "registered");
    assert!(answer.redirects_to("/login"));
    answer
}

/// Logs in as `username` with [`PASSWORD`], with "Remember me" when `remember`.
fn log_in(browser: &mut Client, username: &str, remember: bool) -> Response {
    let mut form = vec![("username", username), ("password", PASSWORD)];
    if remember {
        form.push(("remember", "on"));
    }
    let answer = browser.post("/login", &form);
    assert_eq!(answer.status, 303, "a login answers 303 See Other");
    assert!(answer.redirects_to("/protected"));
    answer
}

/// The error paragraph of a refused form, or `""`.
fn error(page: &Response) -> &str {
    let Some(start) = page.body.find(r#"id="error">"#) else { return "" };
    let end = page.body[start..].find("</p>").map_or(page.body.len(), |end| start + end);
    &page.body[start..end]
}

fn a_dog_registers_is_listed_without_its_address_and_logs_in(visit: &mut Visit) {
    let mut browser = visit.browser();
    let page = browser.get("/");
    assert!(page.says("<li>user1</li>"));
    assert!(!page.says("<li>rex</li>"));

    let answer = register(&mut browser, "rex");
    assert!(browser.follow(&answer).says("Welcome, rex! You can log in now."));
    log_in(&mut browser, "rex", false);
    let page = browser.get("/protected");
    assert!(page.says("Logged in as rex"));
    assert!(page.says("Your e-mail address: rex@dogs.example"));

    let page = browser.get("/");
    assert!(page.says("<li>rex</li>"), "listed");
    assert!(!page.says("rex@dogs.example"), "the index lists names, not addresses");
}

fn user1_is_there_from_the_start_and_logs_in_in_any_case(visit: &mut Visit) {
    let mut browser = visit.browser();
    let answer = browser.post("/login", &[("username", "User1"), ("password", "mypassword")]);
    assert_eq!(answer.status, 303);
    assert!(answer.redirects_to("/protected"));
    let page = browser.get("/protected");
    assert!(page.says("Logged in as user1"), "the name as registered");
    assert!(page.says("Logged in as user1."), "the flash, too");
    assert!(page.says("Your e-mail address: user1@example.com"));

    let page = browser.get("/session");
    assert!(page.says("<code>_user_id</code>"), "the row's id...");
    assert!(!page.says("mypassword") && !page.says("argon2"), "...never the password or its hash");
}

fn a_taken_name_or_address_in_any_case_comes_back_as_a_conflict(visit: &mut Visit) {
    let mut browser = visit.browser();
    register(&mut browser, "fido");
    for (username, email, taken) in [
        ("FIDO", "other@dogs.example", "That username is taken; please choose another."),
        ("fido2", "Fido@Dogs.Example", "That e-mail address is already registered."),
    ] {
        let form = [("username", username), ("email", email), ("password", PASSWORD)];
        let page = browser.post("/register", &form);
        assert_eq!(page.status, 409, "{username} / {email}");
        assert!(error(&page).contains(taken), "{username} / {email}: {}", error(&page));
        assert!(page.says(&format!(r#"value="{username}""#)), "the form keeps what was typed");
    }
    let page = browser.get("/");
    assert!(page.says("<li>fido</li>"));
    assert!(!page.says("<li>FIDO</li>") && !page.says("<li>fido2</li>"), "nothing written");
}

fn a_bad_value_comes_back_with_422_the_reason_and_what_was_typed_but_the_password(
    visit: &mut Visit,
) {
    let mut browser = visit.browser();
    let long = "a".repeat(1025);
    for (username, email, password, reason) in [
        ("<b>bold</b>", "bold@dogs.example", "a long secret", "A username is 3 to 32 letters"),
        ("bo", "bo@dogs.example", "a long secret", "A username is 3 to 32 letters"),
        ("spot", "spot", "a long secret", "Please enter a valid e-mail address."),
        ("spot", "spot@dogs.", "a long secret", "Please enter a valid e-mail address."),
        ("spot", "spot@dogs.example", "short", "A password needs at least 8 characters."),
        ("spot", "spot@dogs.example", &long, "A password can have at most 1024 characters."),
        ("spot", "spot@dogs.example", "Password1", "one of the most common ones"),
        ("spot", "spot@dogs.example", "12345678", "one of the most common ones"),
    ] {
        let form = [("username", username), ("email", email), ("password", password)];
        let page = browser.post("/register", &form);
        assert_eq!(page.status, 422, "{username} / {email} / {password}");
        assert!(error(&page).contains(reason), "{username}: {}", error(&page));
        assert!(!page.says(password), "the password never comes back");
        assert!(!page.says("<b>bold"), "what was typed comes back as text...");
        if username.starts_with('<') {
            assert!(page.says("&lt;b&gt;bold&lt;"), "...escaped, in the form");
        }
    }
    let page = browser.get("/");
    assert!(!page.says("<li>spot</li>") && !page.says("bold</li>"), "nothing written");
}

fn a_remembered_login_is_loaded_from_the_database_but_not_freshly(visit: &mut Visit) {
    let mut browser = visit.browser();
    register(&mut browser, "lassie");
    log_in(&mut browser, "lassie", true);
    browser.forget(None); // the browser closes; the remember cookie stays
    let page = browser.get("/protected");
    assert!(page.says("Logged in as lassie"));
    assert!(page.says("Your e-mail address: lassie@dogs.example"));
    assert!(page.says("Not a fresh login"));
    assert!(browser.get("/settings").redirects_to("/login?next=%2Fsettings"));
}

fn a_copied_remember_cookie_stops_working_after_logout(visit: &mut Visit) {
    let mut browser = visit.browser();
    register(&mut browser, "snoopy");
    log_in(&mut browser, "snoopy", true);
    let copy = browser.cookie("remember_token").expect("a remember cookie");
    let answer = browser.post("/logout", &[]);
    assert!(answer.redirects_to("/login"));
    assert_eq!(browser.cookie("remember_token"), None, "this browser's copy is removed");

    let mut thief = visit.browser();
    thief.set_cookie("remember_token", &copy);
    let page = thief.get("/protected");
    if visit.is_rust() {
        assert!(page.redirects_to("/login?next=%2Fprotected"), "the token's row is gone");
    } else {
        assert_eq!(page.status, 200, "nothing on the server to delete");
        assert!(page.says("Logged in as snoopy"));
    }
}

fn a_new_login_with_remember_me_takes_back_the_cookie_this_browser_had(visit: &mut Visit) {
    let mut browser = visit.browser();
    register(&mut browser, "beethoven");
    log_in(&mut browser, "beethoven", true);
    let first = browser.cookie("remember_token").expect("a remember cookie");
    log_in(&mut browser, "beethoven", true);
    let second = browser.cookie("remember_token").expect("a remember cookie");

    let mut other = visit.browser();
    other.set_cookie("remember_token", &first);
    let page = other.get("/protected");
    if visit.is_rust() {
        assert_ne!(first, second, "a new token at each login");
        assert!(page.redirects_to("/login?next=%2Fprotected"), "the old one is taken back");
    } else {
        assert_eq!(first, second, "the id and its signature: the same at every login");
        assert!(page.says("Logged in as beethoven"));
    }
}

fn the_remember_cookie_expires_on_the_server_too(visit: &mut Visit) {
    let mut browser = visit.browser();
    register(&mut browser, "hachiko");
    log_in(&mut browser, "hachiko", true);
    let copy = browser.cookie("remember_token").expect("a remember cookie");
    browser.forget(None);

    visit.advance(13 * DAY);
    assert!(browser.get("/protected").says("Logged in as hachiko"), "13 days on: remembered");
    browser.forget(None);

    visit.advance(2 * DAY);
    assert_eq!(browser.cookie("remember_token"), None, "the browser has forgotten it");
    browser.set_cookie("remember_token", &copy);
    let page = browser.get("/protected");
    if visit.is_rust() {
        assert!(page.redirects_to("/login?next=%2Fprotected"), "the row's end has passed");
    } else {
        assert_eq!(page.status, 200, "Flask-Login checks the signature, not the age");
        assert!(page.says("Logged in as hachiko"));
    }
}
