use super::*;

#[test]
fn a_token_is_the_prefix_and_64_random_characters_and_never_the_same() {
    let (a, b) = (generate(), generate());
    assert!(a.starts_with(PREFIX) && a.len() == PREFIX.len() + 64, "{a}");
    assert!(a[PREFIX.len()..].chars().all(|c| c.is_ascii_alphanumeric()), "{a}");
    assert_ne!(a, b);
}

#[test]
fn the_stored_hash_is_sha256_in_hex() {
    // The known answer for "abc" (FIPS 180-2).
    assert_eq!(hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_ne!(hash("woof_a"), hash("woof_b"));
}

#[test]
fn a_name_is_1_to_64_characters_once_trimmed() {
    assert_eq!(validate_name("  laptop script "), Ok("laptop script"));
    assert!(validate_name("   ").is_err());
    assert!(validate_name(&"n".repeat(65)).is_err());
    assert_eq!(validate_name(&"🐕".repeat(64)).map(|n| n.chars().count()), Ok(64));
}
