//! Lesson 12, my sessions: `/sessions` lists where you are signed in (which browser, when) and
//! marks this session; "Log out everywhere else" ends the others. Flask has no such feature:
//! the Flask app finds a user's sessions in Flask-Session's table. One server runs every
//! scenario, so each registers its own users (only the diagram's flow uses `user1`).

use blackbox::http::Client;
use blackbox::{Lesson, Visit, scenario};

pub static LESSON: Lesson = Lesson {
    folder: "12-session-list",
    clock: true,
    scenarios: &[
        scenario!(
            log_out_everywhere_else_ends_the_other_browsers_sessions_and_keeps_this_one,
            diagram
        ),
        scenario!(the_sessions_page_needs_a_login),
        scenario!(the_sessions_page_lists_my_sessions_with_their_browsers_and_marks_this_one),
        scenario!(ending_the_others_counts_only_mine_and_leaves_other_users_signed_in),
        scenario!(a_logout_takes_its_session_off_the_list),
        scenario!(an_expired_session_is_not_listed),
        scenario!(
            log_out_everywhere_else_takes_back_the_other_browsers_remember_cookies_too,
            differs: "the lesson deletes the other browsers' remember tokens too; Flask-Login's remember cookie cannot be taken back, so it signs the other browser in again"
        ),
    ],
};

const PASSWORD: &str = "good boy!";

/// A browser that says it is `agent` (the list shows it).
fn browser(visit: &Visit, agent: &str) -> Client {
    let mut browser = visit.browser();
    browser.user_agent = agent.into();
    browser
}

fn register(visit: &Visit, name: &str) {
    let mut browser = visit.browser();
    let email = format!("{name}@dogs.example");
    let page =
        browser.post("/register", &[("username", name), ("email", &email), ("password", PASSWORD)]);
    assert!(page.redirects_to("/login"), "{name} registered: {}", page.status);
}

fn log_in(browser: &mut Client, name: &str, password: &str, remember: bool) {
    let mut form = vec![("username", name), ("password", password)];
    if remember {
        form.push(("remember", "on"));
    }
    let page = browser.post("/login", &form);
    assert!(
        page.redirects_to("/protected"),
        "{name} logged in: {} {:?}",
        page.status,
        page.location()
    );
}

fn is_signed_in(browser: &mut Client, name: &str) -> bool {
    let page = browser.get("/protected");
    if page.status == 200 {
        assert!(page.says(&format!("Logged in as {name}")));
        return true;
    }
    assert!(page.redirects_to("/login?next=%2Fprotected"), "to the login page: {}", page.status);
    false
}

fn this_session_marks(page: &blackbox::http::Response) -> usize {
    page.body.matches(r#"<strong class="current">this session</strong>"#).count()
}

fn log_out_everywhere_else_ends_the_other_browsers_sessions_and_keeps_this_one(visit: &mut Visit) {
    let mut laptop = browser(visit, "curl (laptop)");
    let mut phone = browser(visit, "curl (phone)");
    log_in(&mut laptop, "user1", "mypassword", false);
    log_in(&mut phone, "user1", "mypassword", false);

    let page = laptop.get("/sessions");
    assert_eq!(page.status, 200);
    assert!(page.says("<td>curl (laptop)</td>") && page.says("<td>curl (phone)</td>"));
    assert_eq!(this_session_marks(&page), 1);

    let page = laptop.post("/sessions/end-others", &[]);
    assert!(page.redirects_to("/sessions"));
    assert_eq!(page.status, 303);
    let page = laptop.follow(&page);
    assert!(page.says("Ended 1 other session."));
    assert!(page.says("<td>curl (laptop)</td>") && !page.says("curl (phone)"));

    assert!(!is_signed_in(&mut phone, "user1"), "the phone's session is gone at its next click");
}

fn the_sessions_page_needs_a_login(visit: &mut Visit) {
    let mut stranger = visit.browser();
    assert!(stranger.get("/sessions").redirects_to("/login?next=%2Fsessions"));
    let page = stranger.post("/sessions/end-others", &[]);
    assert!(page.redirects_to_start_of("/login?next="), "{} {:?}", page.status, page.location());
}

fn the_sessions_page_lists_my_sessions_with_their_browsers_and_marks_this_one(visit: &mut Visit) {
    register(visit, "lister");
    register(visit, "lurker");
    let mut laptop = browser(visit, "laptop <b>bold</b>");
    let mut phone = browser(visit, "phone");
    let mut other_dog = browser(visit, "the other dog's browser");
    log_in(&mut laptop, "lister", PASSWORD, false);
    log_in(&mut phone, "lister", PASSWORD, false);
    log_in(&mut other_dog, "lurker", PASSWORD, false);

    let page = laptop.get("/sessions");
    assert!(page.says("laptop &lt;b&gt;bold&lt;"), "the browser's name, escaped");
    assert!(!page.says("<b>bold</b>"));
    assert!(page.says("<td>phone</td>"));
    assert!(!page.says("other dog"), "only my own sessions");
    assert_eq!(this_session_marks(&page), 1);
    assert!(page.says(" UTC</td>"), "when: signed in, last seen");

    let page = phone.get("/sessions");
    assert_eq!(this_session_marks(&page), 1, "each browser sees its own marked");
}

fn ending_the_others_counts_only_mine_and_leaves_other_users_signed_in(visit: &mut Visit) {
    register(visit, "loner");
    register(visit, "bystander");
    let (mut mine, mut theirs) = (visit.browser(), visit.browser());
    log_in(&mut mine, "loner", PASSWORD, false);
    log_in(&mut theirs, "bystander", PASSWORD, false);
    let page = mine.post("/sessions/end-others", &[]);
    assert!(mine.follow(&page).says("Ended 0 other sessions."));
    assert!(is_signed_in(&mut mine, "loner"));
    assert!(is_signed_in(&mut theirs, "bystander"));
}

fn a_logout_takes_its_session_off_the_list(visit: &mut Visit) {
    register(visit, "leaver");
    let mut laptop = browser(visit, "laptop");
    let mut phone = browser(visit, "phone");
    log_in(&mut laptop, "leaver", PASSWORD, false);
    log_in(&mut phone, "leaver", PASSWORD, false);
    assert!(laptop.get("/sessions").says("<td>phone</td>"));
    assert!(phone.post("/logout", &[]).redirects_to("/login"));
    let page = laptop.get("/sessions");
    assert!(page.says("<td>laptop</td>") && !page.says("<td>phone</td>"));
}

/// The list shows live sessions only: one idle for more than five minutes has ended, and
/// "log out everywhere else" does not count it (the lesson did, before this suite found it).
fn an_expired_session_is_not_listed(visit: &mut Visit) {
    register(visit, "sleeper");
    let mut phone = browser(visit, "phone");
    log_in(&mut phone, "sleeper", PASSWORD, false);
    visit.advance(200);
    let mut laptop = browser(visit, "laptop");
    log_in(&mut laptop, "sleeper", PASSWORD, false);
    assert!(laptop.get("/sessions").says("<td>phone</td>"), "200 s idle: still live");
    visit.advance(150);
    let page = laptop.get("/sessions");
    assert!(page.says("<td>laptop</td>"));
    assert!(!page.says("<td>phone</td>"), "350 s idle: ended on the server");
    // The count says what the list showed: the phone's session had ended already.
    let page = laptop.post("/sessions/end-others", &[]);
    assert!(laptop.follow(&page).says("Ended 0 other sessions."));
}

/// The phone ticked "Remember me". Ending its session is not enough if its remember cookie can
/// sign it in again at the next click: the lesson takes the token back too.
fn log_out_everywhere_else_takes_back_the_other_browsers_remember_cookies_too(visit: &mut Visit) {
    register(visit, "rememberer");
    let mut laptop = browser(visit, "laptop");
    let mut phone = browser(visit, "phone");
    log_in(&mut laptop, "rememberer", PASSWORD, false);
    log_in(&mut phone, "rememberer", PASSWORD, true);
    assert!(phone.cookie("remember_token").is_some());

    let page = laptop.post("/sessions/end-others", &[]);
    assert!(laptop.follow(&page).says("Ended 1 other session."));

    if visit.is_rust() {
        assert!(!is_signed_in(&mut phone, "rememberer"), "its remember token went too");
    } else {
        // Flask-Login's remember cookie is the user's id, signed: nothing on the server to
        // delete. The phone is back, in a new session (not fresh).
        let page = phone.get("/protected");
        assert_eq!(page.status, 200, "signed in again by the remember cookie");
        assert!(page.says("Not a fresh login"));
        assert!(laptop.get("/sessions").says("<td>phone</td>"), "and listed again");
    }
}
