use actix_web::test::TestRequest;

use super::*;

fn with(header: &str) -> HttpRequest {
    TestRequest::get().insert_header((AUTHORIZATION, header)).to_http_request()
}

#[test]
fn a_bearer_header_is_one_scheme_one_space_and_a_token() {
    assert_eq!(bearer(&TestRequest::get().to_http_request()), Ok(None));
    for (header, token) in
        [("Bearer woof_abc123", "woof_abc123"), ("bearer a.b-c_d~e+f/g==", "a.b-c_d~e+f/g==")]
    {
        assert_eq!(bearer(&with(header)), Ok(Some(token)), "{header:?}");
    }
    for bad in [
        "",
        "Bearer",
        "Bearer ",
        "Bearer  two-spaces",
        "Basic dXNlcjE6bXlwYXNzd29yZA==",
        "Bearer a b",
        "Bearer ==",
        "Bearer a=b",
        "Bearer <script>",
        "woof_abc123",
    ] {
        assert!(bearer(&with(bad)).is_err(), "{bad:?}");
    }
}
