use actix_web::http::header::USER_AGENT;
use actix_web::test::TestRequest;

use super::{identifier, safe_next};

#[test]
fn safe_next_keeps_local_paths_and_refuses_everything_else() {
    for ok in ["/protected", "/settings?tab=1", "/a/b%20c"] {
        assert_eq!(safe_next(ok), Some(ok), "{ok:?}");
    }
    for bad in [
        "",
        "protected",
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "https://evil.example",
        "javascript:alert(1)",
        "/%2F/evil.example",
        "/%5Cevil.example",
        "/%09/evil.example",
        "/\t/evil.example",
        "/ /evil.example",
        "/caf\u{e9}",
        "/%ff",
    ] {
        assert_eq!(safe_next(bad), None, "{bad:?}");
    }
}

#[test]
fn the_identifier_is_a_sha512_of_address_and_user_agent() {
    // Python: hashlib.sha512(b"192.0.2.10|Firefox/128.0").hexdigest(). (Flask-Login 0.6.3's
    // `_create_identifier` hashes `b'192.0.2.10'|b'Firefox/128.0'`, the Python form of the two
    // byte strings: another digest, used the same way.)
    let req = TestRequest::default()
        .peer_addr("192.0.2.10:50123".parse().unwrap())
        .insert_header((USER_AGENT, "Firefox/128.0"))
        .to_http_request();
    assert_eq!(
        identifier(&req),
        "b314115d60a02e1b538d87781b7b2e4b79ac50951940eef2a653df71f187eeab\
         542688791327d7dfdebc09188102d3fbe3a37f4f472785b93dc8523c133ffc75"
    );
    // The port is not part of it: a browser opens new connections from new ports.
    let other_port = TestRequest::default()
        .peer_addr("192.0.2.10:61000".parse().unwrap())
        .insert_header((USER_AGENT, "Firefox/128.0"))
        .to_http_request();
    assert_eq!(identifier(&other_port), identifier(&req));
    // Neither an address nor a User-Agent: still an identifier, the hash of "|".
    assert!(identifier(&TestRequest::default().to_http_request()).starts_with("bfc9bde19df9f915"));
}
