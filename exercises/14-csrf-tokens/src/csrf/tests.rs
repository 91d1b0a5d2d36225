use super::*;

#[test]
fn the_field_is_found_by_its_exact_name() {
    let body = b"body=hi&xcsrf_token=no&csrf_token=abc123&z=1";
    assert_eq!(values(body, FIELD), [&b"abc123"[..]]);
    assert!(values(b"body=hi", FIELD).is_empty());
    assert!(values(b"csrf_token", FIELD).is_empty());
    assert_eq!(values(b"csrf_token=", FIELD), [&b""[..]]);
    assert_eq!(values(b"csrf_token=a&csrf_token=b", FIELD), [&b"a"[..], &b"b"[..]]);
}

#[test]
fn equal_means_same_length_and_same_bytes() {
    assert!(constant_time_eq(b"abc", b"abc"));
    assert!(!constant_time_eq(b"abc", b"abd"));
    assert!(!constant_time_eq(b"abc", b"ab"));
    assert!(!constant_time_eq(b"", b"a"));
}
