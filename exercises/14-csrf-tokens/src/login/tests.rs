use super::safe_next;

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
