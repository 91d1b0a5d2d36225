use super::*;

const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";
const NOW: i64 = 1_700_000_000;

#[test]
fn a_token_made_here_is_accepted_until_it_expires() {
    let token = issue(KEY, 7, NOW).unwrap();
    assert_eq!(token.matches('.').count(), 2, "{token}");
    let claims = verify(KEY, &token, NOW + 60).unwrap();
    assert_eq!(claims, Claims { sub: "7".into(), iat: NOW, exp: NOW + 15 * 60, nbf: None });
    assert_eq!(verify(KEY, &token, NOW + 15 * 60 - 1).map(|c| c.sub), Ok("7".into()));
    assert_eq!(verify(KEY, &token, NOW + 15 * 60), Err(Refused::Expired));
}

/// A token signed with `KEY` whatever its claims say: what a leaked key (or a bug) makes.
fn signed(claims: serde_json::Value) -> String {
    install_hs256();
    let key = EncodingKey::from_secret(KEY).unwrap();
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &key).unwrap()
}

#[test]
fn a_jwt_issued_in_the_future_is_refused_beyond_a_few_seconds_of_clock_difference() {
    let at = |iat: i64| signed(serde_json::json!({"sub": "7", "iat": iat, "exp": iat + 60}));
    assert_eq!(verify(KEY, &at(NOW + 3600), NOW), Err(Refused::IssuedInTheFuture));
    assert_eq!(verify(KEY, &at(NOW + 31), NOW), Err(Refused::IssuedInTheFuture));
    // Another server's clock 30 s fast is still fine.
    assert_eq!(verify(KEY, &at(NOW + 30), NOW).map(|c| c.sub), Ok("7".into()));
}

#[test]
fn a_jwt_with_nbf_ahead_is_refused_until_that_time() {
    let token =
        signed(serde_json::json!({"sub": "7", "iat": NOW, "exp": NOW + 600, "nbf": NOW + 300}));
    assert_eq!(verify(KEY, &token, NOW), Err(Refused::NotYetValid));
    assert_eq!(verify(KEY, &token, NOW + 269), Err(Refused::NotYetValid));
    assert_eq!(verify(KEY, &token, NOW + 300).map(|c| c.nbf), Ok(Some(NOW + 300)));
}

#[test]
fn a_jwt_that_lives_longer_than_fifteen_minutes_is_refused_even_with_a_good_signature() {
    let years_31 = 31 * 365 * 24 * 3600;
    let token = signed(serde_json::json!({"sub": "7", "iat": NOW, "exp": NOW + years_31}));
    assert_eq!(verify(KEY, &token, NOW + 60), Err(Refused::TooLong));
    let token = signed(serde_json::json!({"sub": "7", "iat": NOW, "exp": NOW + 15 * 60 + 1}));
    assert_eq!(verify(KEY, &token, NOW + 60), Err(Refused::TooLong));
    let token = signed(serde_json::json!({"sub": "7", "iat": NOW, "exp": NOW + 15 * 60}));
    assert!(verify(KEY, &token, NOW + 60).is_ok());
}

#[test]
fn the_claims_of_a_jwt_are_readable_without_the_key_it_is_signed_not_encrypted() {
    let token = issue(KEY, 7, NOW).unwrap();
    let payload = token.split('.').nth(1).unwrap();
    const BASE64URL: FastPortable = FastPortable::from(&URL_SAFE, NO_PAD);
    let claims = base64::decode_engine(payload, &BASE64URL).unwrap();
    assert_eq!(
        String::from_utf8(claims).unwrap(),
        format!(r#"{{"sub":"7","iat":{NOW},"exp":{}}}"#, NOW + 15 * 60)
    );
}

#[test]
fn the_same_claims_with_the_same_key_give_the_same_signature() {
    // HMAC is deterministic: a known answer, so the provider above is HMAC-SHA256 indeed.
    // The signature was computed apart, with Python's `hmac` and `hashlib.sha256`.
    let token = issue(b"secret", 1, 0).unwrap();
    assert_eq!(
        token,
        "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIiwiaWF0IjowLCJleHAiOjkwMH0.\
         XFwMnQhcR2toRaTbuOkv0JSiBzY47a5HwEFTIGsnMrg"
    );
}
