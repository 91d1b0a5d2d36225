//! Lesson 13, Twitter for dogs: the capstone. Dogs register and log in (lessons 06 to 12), post
//! woofs of 1 to 280 characters on a timeline and a page per dog, and delete only their own.
//! Not yet safe from a form posted by another page of the same site: lesson 14 closes that.
//!
//! One server runs every scenario, so each registers dogs of its own, and finds its woofs by
//! their text (the timeline holds the other scenarios' woofs too).

use blackbox::{Client, Lesson, Response, Visit, scenario};

pub static LESSON: Lesson = Lesson {
    folder: "13-twitter-for-dogs",
    clock: false,
    scenarios: &[
        scenario!(a_dog_registers_logs_in_and_woofs_on_the_timeline, diagram),
        scenario!(everyone_sees_every_woof_newest_first_and_each_dog_has_a_page),
        scenario!(you_must_be_logged_in_to_woof),
        scenario!(a_woof_is_1_to_280_characters_and_a_refused_one_comes_back_with_422),
        scenario!(html_in_a_woof_is_shown_as_text_never_run),
        scenario!(a_dog_deletes_its_own_woof_but_gets_403_for_another_dogs),
        scenario!(an_anonymous_delete_is_sent_to_the_login_page),
        scenario!(
            a_woof_id_that_is_not_a_number_is_refused,
            differs: "the lesson answers 400 with a page that says the address is wrong; Flask's <int:woof_id> converter does not match, so 404"
        ),
        scenario!(a_form_posted_from_another_page_still_acts_for_the_signed_in_dog),
    ],
};

const PASSWORD: &str = "good boy!";

/// A new browser where dog `name` has registered and logged in.
fn dog(visit: &Visit, name: &str) -> Client {
    let mut browser = visit.browser();
    let email = format!("{name}@dogs.example");
    let page = browser.post(
        "/register",
        &[("username", name), ("email", email.as_str()), ("password", PASSWORD)],
    );
    assert!(page.redirects_to("/login"), "{name} registers: {}", page.status);
    let page = browser.post("/login", &[("username", name), ("password", PASSWORD)]);
    assert!(page.redirects_to("/protected"), "{name} logs in: {}", page.status);
    browser
}

/// The browser's dog woofs `text` (plain words: it is looked up in the HTML); the woof's id.
fn woof(browser: &mut Client, text: &str) -> String {
    let page = browser.post("/woofs", &[("body", text)]);
    assert_eq!(page.status, 303, "a woof is posted, then See Other");
    assert!(page.redirects_to("/"));
    woof_id(&browser.follow(&page), text)
}

/// The id of the woof that says `text`, from its `<li class="woof" id="woof-N">`.
fn woof_id(page: &Response, text: &str) -> String {
    let at = page.body.find(text).unwrap_or_else(|| panic!("no woof says {text:?}"));
    let marker = "id=\"woof-";
    let start =
        page.body[..at].rfind(marker).expect("a woof's <li> before its text") + marker.len();
    let end = page.body[start..].find('"').expect("the id's closing quote") + start;
    page.body[start..end].to_string()
}

/// The main flow: register, log in, woof, and the woof is on the timeline and the dog's page.
fn a_dog_registers_logs_in_and_woofs_on_the_timeline(visit: &mut Visit) {
    let mut rex = visit.browser();
    let fields = [("username", "rex"), ("email", "rex@dogs.example"), ("password", PASSWORD)];
    let page = rex.post("/register", &fields);
    assert_eq!(page.status, 303);
    assert!(page.redirects_to("/login"));
    let page = rex.post("/login", &[("username", "rex"), ("password", PASSWORD)]);
    assert_eq!(page.status, 303);
    assert!(page.redirects_to("/protected"));

    let page = rex.post("/woofs", &[("body", "  Woof! Anyone up for a walk?  ")]);
    assert_eq!(page.status, 303);
    assert!(page.redirects_to("/"));
    let timeline = rex.get("/");
    assert_eq!(timeline.status, 200);
    assert!(timeline.says("Woof!</li>"), "the flash says Woof!");
    assert!(timeline.says("<p>Woof! Anyone up for a walk?</p>"), "trimmed, on the timeline");
    assert!(timeline.says(r#"<a href="/dogs/rex">rex</a>"#), "by rex, with a link to his page");

    let page = rex.get("/dogs/rex");
    assert_eq!(page.status, 200);
    assert!(page.says("<p>Woof! Anyone up for a walk?</p>"));
}

fn everyone_sees_every_woof_newest_first_and_each_dog_has_a_page(visit: &mut Visit) {
    let mut bello = dog(visit, "bello");
    woof(&mut bello, "Bello says good morning");
    let mut laika = dog(visit, "laika");
    woof(&mut laika, "Laika saw a squirrel");

    let mut anonymous = visit.browser();
    let page = anonymous.get("/");
    assert_eq!(page.status, 200);
    let newer = page.body.find("Laika saw a squirrel").expect("laika's woof");
    let older = page.body.find("Bello says good morning").expect("bello's woof");
    assert!(newer < older, "newest first");
    assert!(!page.says("/delete"), "no delete button for a visitor");

    let page = anonymous.get("/dogs/bello");
    assert_eq!(page.status, 200);
    assert!(page.says("Bello says good morning"));
    assert!(!page.says("Laika saw a squirrel"), "only bello's woofs");

    let page = anonymous.get("/dogs/nobody-here");
    assert_eq!(page.status, 404);
    assert!(page.says("There is no dog of that name."));
}

/// `login_required` on `POST /woofs`. (Flask-Login redirects with 302, the lesson with 303:
/// lesson 08's scenarios are about that; here, where the browser goes is what counts.)
fn you_must_be_logged_in_to_woof(visit: &mut Visit) {
    let mut anonymous = visit.browser();
    let page = anonymous.get("/");
    assert!(page.says("You are not logged in!"));
    assert!(!page.says(r#"action="/woofs""#), "no form to woof");

    let page = anonymous.post("/woofs", &[("body", "A woof from nobody")]);
    assert!(page.redirects_to("/login?next=%2Fwoofs"), "to the login page, and back after it");
    assert!(!anonymous.get("/").says("A woof from nobody"));
}

fn a_woof_is_1_to_280_characters_and_a_refused_one_comes_back_with_422(visit: &mut Visit) {
    let mut rex = dog(visit, "strict-rex");
    let too_long = "w".repeat(281);
    for (body, reason) in [
        ("", "A woof needs at least one character."),
        (" \n ", "A woof needs at least one character."),
        (too_long.as_str(), "A woof has at most 280 characters."),
    ] {
        let page = rex.post("/woofs", &[("body", body)]);
        assert_eq!(page.status, 422, "{body:?}");
        assert!(page.says(reason), "{body:?}: {reason}");
    }
    let page = rex.post("/woofs", &[("other", "field")]);
    assert_eq!(page.status, 422, "no body at all");
    let page = rex.post("/woofs", &[("body", &too_long)]);
    assert!(page.says(&format!(">{too_long}</textarea>")), "the text comes back, to shorten");
    assert!(!rex.get("/").says(&too_long), "nothing was posted");

    // 280 characters, not bytes: a dog emoji is 4 bytes in UTF-8.
    let longest = "🐕".repeat(280);
    let page = rex.post("/woofs", &[("body", &longest)]);
    assert!(page.redirects_to("/"));
    assert!(rex.get("/").says(&format!("<p>{longest}</p>")));
}

fn html_in_a_woof_is_shown_as_text_never_run(visit: &mut Visit) {
    let mut rex = dog(visit, "html-rex");
    let markup = "<script>alert(1)</script><b>bold</b>";
    let page = rex.post("/woofs", &[("body", markup)]);
    assert!(page.redirects_to("/"));
    for path in ["/", "/dogs/html-rex"] {
        let page = rex.get(path);
        assert!(
            page.says("&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;"),
            "{path}"
        );
        assert!(!page.says(markup), "{path}: never the markup itself");
    }
}

fn a_dog_deletes_its_own_woof_but_gets_403_for_another_dogs(visit: &mut Visit) {
    let mut rex = dog(visit, "rex-deletes");
    let mut fido = dog(visit, "fido-deletes");
    let id = woof(&mut rex, "Rex was here");
    let delete = format!("/woofs/{id}/delete");
    let button = format!(r#"action="{delete}""#);

    // Fido sees no button, and a hand-made request does not help.
    assert!(!fido.get("/").says(&button));
    let page = fido.post(&delete, &[]);
    assert_eq!(page.status, 403);
    assert!(page.says("You can only delete your own woofs."));
    assert!(fido.get("/").says("Rex was here"), "still there");

    assert!(rex.get("/").says(&button), "rex has the button");
    let page = rex.post(&delete, &[]);
    assert_eq!(page.status, 303);
    assert!(page.redirects_to("/"));
    let timeline = rex.follow(&page);
    assert!(timeline.says("Woof deleted."));
    assert!(!timeline.says("Rex was here"));

    // Gone: a second try is 404, as is a woof that never was.
    let page = rex.post(&delete, &[]);
    assert_eq!(page.status, 404);
    assert!(page.says("There is no such woof."));
    assert_eq!(rex.post("/woofs/999999/delete", &[]).status, 404);
}

/// (302 from Flask-Login, 303 from the lesson: see `you_must_be_logged_in_to_woof`.)
fn an_anonymous_delete_is_sent_to_the_login_page(visit: &mut Visit) {
    let mut rex = dog(visit, "rex-anonymous");
    let id = woof(&mut rex, "Nobody deletes this one");
    let mut anonymous = visit.browser();
    let page = anonymous.post(&format!("/woofs/{id}/delete"), &[]);
    assert!(page.redirects_to(&format!("/login?next=%2Fwoofs%2F{id}%2Fdelete")));
    assert!(anonymous.get("/").says("Nobody deletes this one"));
}

fn a_woof_id_that_is_not_a_number_is_refused(visit: &mut Visit) {
    let mut rex = dog(visit, "rex-numbers");
    let page = rex.post("/woofs/rex/delete", &[]);
    if visit.is_rust() {
        assert_eq!(page.status, 400);
        // In words a visitor can read, not the parser's (`can not parse "rex" to a i64`).
        assert!(page.says("a part of it is not what this page expects"));
        assert!(!page.says("can not parse"));
    } else {
        assert_eq!(page.status, 404, "no route matches: <int:woof_id> wants digits");
    }
}

/// What this lesson does not stop yet. A page elsewhere holds a form that posts here; when that
/// page is of the same site (another port of 127.0.0.1), `SameSite=Lax` lets the browser send
/// the cookies with it, and the server cannot tell the post from the dog's own.
fn a_form_posted_from_another_page_still_acts_for_the_signed_in_dog(visit: &mut Visit) {
    let mut rex = dog(visit, "rex-forged");
    let page = rex.request(
        "POST",
        "/woofs",
        &[("body", "rex-forged loves cats.")],
        &[("Origin", "http://127.0.0.1:8015")],
    );
    assert!(page.redirects_to("/"), "accepted: {}", page.status);
    let page = rex.get("/dogs/rex-forged");
    assert!(page.says("<p>rex-forged loves cats.</p>"), "posted in rex's name");
}
