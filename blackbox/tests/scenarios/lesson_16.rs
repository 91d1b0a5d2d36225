//! Lesson 16, JWT: `POST /api/token` trades a username and a password for a signed token that
//! is good for 15 minutes and that the server checks with its key alone, no lookup. The cost:
//! nothing on the server can take it back; it works until its `exp`. The servers run under
//! libfaketime, so the scenarios move the clock instead of waiting.

use blackbox::{Client, Lesson, Response, Visit, scenario};

use crate::lesson_15::{
    PASSWORD, USER, assert_401, bearer, call, field, log_in, make_token, revoke_path, submit,
};

pub static LESSON: Lesson = Lesson {
    folder: "16-jwt",
    clock: true,
    scenarios: &[
        scenario!(post_api_token_trades_the_password_for_a_jwt_that_works_on_the_api, diagram),
        scenario!(a_wrong_password_or_a_missing_field_gets_no_jwt),
        scenario!(three_carriers_and_one_current_user),
        scenario!(a_changed_or_unsigned_jwt_is_refused),
        scenario!(
            a_jwt_cannot_be_taken_back_it_outlives_logout_and_revoked_tokens_until_it_expires
        ),
        scenario!(
            a_refused_jwt_gets_a_401_that_says_why,
            differs: "the lesson's 401 names the reason (changed, not HS256, expired) and error=\"invalid_token\"; Flask's request_loader can only return None, so its 401 says \"Authentication required\""
        ),
    ],
};

/// How long a JWT is good for: 15 minutes.
const LIFETIME: i64 = 15 * 60;

/// A JWT for `username` from `POST /api/token`.
fn jwt(curl: &mut Client, username: &str, password: &str) -> String {
    let answer =
        call(curl, "POST", "/api/token", &[("username", username), ("password", password)], None);
    assert_eq!(answer.status, 200, "a JWT for {username}");
    field(&answer, "access_token").expect("an access_token")
}

/// `GET /api/me` with the token.
fn me(curl: &mut Client, token: &str) -> Response {
    call(curl, "GET", "/api/me", &[], Some(&bearer(token)))
}

/// The token's three parts, changed by `change`, joined again.
fn forged(token: &str, change: impl Fn(&mut Vec<String>)) -> String {
    let mut parts: Vec<String> = token.split('.').map(str::to_string).collect();
    assert_eq!(parts.len(), 3, "header.claims.signature: {token}");
    change(&mut parts);
    parts.join(".")
}

/// The main flow, as curl makes it: a password for a JWT, then the JWT on the API. No cookie
/// anywhere, and no CSRF token: the client sends the token itself.
fn post_api_token_trades_the_password_for_a_jwt_that_works_on_the_api(visit: &mut Visit) {
    let mut curl = visit.browser();
    let answer =
        call(&mut curl, "POST", "/api/token", &[("username", USER), ("password", PASSWORD)], None);
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("cache-control"), Some("no-store"), "RFC 6749: never cached");
    assert_eq!(field(&answer, "token_type").as_deref(), Some("Bearer"));
    assert_eq!(field(&answer, "expires_in"), Some(LIFETIME.to_string()));
    let token = field(&answer, "access_token").expect("an access_token");
    assert!(token.starts_with("eyJ"), "a JWT: base64url JSON, header first: {token}");

    let who = me(&mut curl, &token);
    assert_eq!(who.status, 200);
    assert_eq!(field(&who, "username").as_deref(), Some(USER));
    assert_eq!(field(&who, "via").as_deref(), Some("jwt"));
    let woof = call(
        &mut curl,
        "POST",
        "/api/woofs",
        &[("body", "Woof with a JWT")],
        Some(&bearer(&token)),
    );
    assert_eq!(woof.status, 201);
    let timeline = call(&mut curl, "GET", "/api/woofs", &[], Some(&bearer(&token)));
    assert!(timeline.says("Woof with a JWT"));
}

fn a_wrong_password_or_a_missing_field_gets_no_jwt(visit: &mut Visit) {
    let mut curl = visit.browser();
    for fields in [
        [("username", USER), ("password", "wrong")],
        [("username", "nobody"), ("password", PASSWORD)],
    ] {
        let answer = call(&mut curl, "POST", "/api/token", &fields, None);
        assert_eq!(answer.status, 401, "one answer for both failures");
        assert_eq!(field(&answer, "error").as_deref(), Some("Wrong username or password."));
        assert!(!answer.says("access_token"));
    }
    // A field missing: a bad request, not a wrong password.
    for fields in [[("username", USER)], [("password", PASSWORD)]] {
        let answer = call(&mut curl, "POST", "/api/token", &fields, None);
        assert_eq!(answer.status, 400);
        assert!(field(&answer, "error").is_some());
        assert!(!answer.says("access_token"));
    }
}

/// A cookie session, an API token and a JWT: three ways to say who you are, one
/// `current_user`.
fn three_carriers_and_one_current_user(visit: &mut Visit) {
    let mut browser = visit.browser();
    log_in(&mut browser, USER, PASSWORD, false);
    let api_token = make_token(&mut browser, "three carriers");
    let mut curl = visit.browser();
    let jwt = jwt(&mut curl, USER, PASSWORD);

    let by_cookie = browser.get("/api/me");
    let by_api_token = me(&mut curl, &api_token);
    let by_jwt = me(&mut curl, &jwt);
    for (answer, via) in
        [(&by_cookie, "session cookie"), (&by_api_token, "api token"), (&by_jwt, "jwt")]
    {
        assert_eq!(answer.status, 200, "{via}");
        assert_eq!(field(answer, "via").as_deref(), Some(via));
        assert_eq!(field(answer, "id"), field(&by_cookie, "id"), "{via}");
        assert_eq!(field(answer, "username").as_deref(), Some(USER), "{via}");
    }
}

/// Anyone can read a JWT's claims; only the key makes a signature that matches them. The
/// algorithm is the server's choice, never the token's.
fn a_changed_or_unsigned_jwt_is_refused(visit: &mut Visit) {
    let mut curl = visit.browser();
    let token = jwt(&mut curl, USER, PASSWORD);
    let changed = forged(&token, |parts| {
        // The signature's first character carries six whole bits of its first byte.
        let other = if parts[2].starts_with('A') { "B" } else { "A" };
        parts[2].replace_range(..1, other);
    });
    // `{"alg":"none","typ":"JWT"}`: "no signature needed", with good claims and none.
    let unsigned = forged(&token, |parts| {
        parts[0] = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0".into();
        parts[2].clear();
    });
    // `{"alg":"RS256","typ":"JWT"}`, the HS256 signature kept: no other algorithm either.
    let other_algorithm =
        forged(&token, |parts| parts[0] = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9".into());
    for refused in [changed.as_str(), &unsigned, &other_algorithm, "x", "a.b.c"] {
        assert_401(&me(&mut curl, refused));
    }
    assert_eq!(me(&mut curl, &token).status, 200, "the token itself still works");
}

fn a_jwt_cannot_be_taken_back_it_outlives_logout_and_revoked_tokens_until_it_expires(
    visit: &mut Visit,
) {
    let mut browser = visit.browser();
    log_in(&mut browser, USER, PASSWORD, false);
    let api_token = make_token(&mut browser, "to be revoked");
    let mut curl = visit.browser();
    let jwt = jwt(&mut curl, USER, PASSWORD);

    // user1 ends everything the server keeps: the API token, the other sessions, this one.
    let page = browser.get("/tokens");
    let revoke = revoke_path(&page, "to be revoked");
    assert!(submit(&mut browser, "/tokens", &revoke, &[]).redirects_to("/tokens"));
    assert!(
        submit(&mut browser, "/sessions", "/sessions/end-others", &[]).redirects_to("/sessions")
    );
    assert!(submit(&mut browser, "/logout", "/logout", &[]).redirects_to("/login"));
    assert!(browser.get("/protected").redirects_to("/login?next=%2Fprotected"));
    assert_401(&me(&mut curl, &api_token));

    // The JWT is in no table: nothing was deleted, and it works until its `exp`...
    visit.advance(LIFETIME - 10);
    let who = me(&mut curl, &jwt);
    assert_eq!(who.status, 200);
    assert_eq!(field(&who, "username").as_deref(), Some(USER));
    let woof = call(&mut curl, "POST", "/api/woofs", &[("body", "Still me")], Some(&bearer(&jwt)));
    assert_eq!(woof.status, 201);
    // ...and not after it.
    visit.advance(20);
    assert_401(&me(&mut curl, &jwt));
}

fn a_refused_jwt_gets_a_401_that_says_why(visit: &mut Visit) {
    let mut curl = visit.browser();
    let token = jwt(&mut curl, USER, PASSWORD);
    let changed = forged(&token, |parts| parts[1] = "eyJzdWIiOiIxIn0".into());
    let unsigned = forged(&token, |parts| {
        parts[0] = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0".into();
        parts[2].clear();
    });
    let mut answers = vec![
        (me(&mut curl, &changed), "signature does not match"),
        (me(&mut curl, &unsigned), "not signed with HS256"),
    ];
    visit.advance(LIFETIME + 10);
    answers.push((me(&mut curl, &token), "The token has expired"));
    for (answer, reason) in answers {
        assert_401(&answer);
        let error = field(&answer, "error").unwrap_or_default();
        let challenge = answer.header("www-authenticate").unwrap_or_default();
        if visit.is_rust() {
            assert!(error.contains(reason), "{error:?}");
            assert!(challenge.contains(r#"error="invalid_token""#), "{challenge:?}");
        } else {
            assert!(error.contains("Authentication required"), "{error:?}");
            assert!(!challenge.contains("error="), "{challenge:?}");
        }
    }
}
